"""The run's files: OUT/lines.csv and OUT/totals.csv, written all or nothing.

lines.csv has one row per component per rep (deal_id empty), one per modifier
(component `modifier:<metric>`), one per clawback (component `clawback`, deal_id
the clawed-back `new` deal) and, for a rep on a draw, `draw:recovery` and
`draw:advance`. totals.csv has one row per rep on the roster: what to pay (`total`),
what the lines earned (`earned`) and the draw balance after the quarter. Amounts
have exactly two decimals; attainment is a ratio with four. Text cells that a
spreadsheet would run as a formula (starting with = + - @, tab or carriage return)
are prefixed with a single quote; numbers, negative ones included, are left alone.

`write_outputs` writes both files into a temporary folder next to OUT and moves them
into place only once both are complete, so a failed run leaves OUT untouched.
"""
from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path

from comp_engine.money import format_amount, round_half_up
from comp_engine.result import ComponentLine, PayoutResult, RepStatement

LINES_HEADER = ("rep_id", "period", "component", "deal_id", "credited", "quota", "attainment", "amount")
TOTALS_HEADER = ("rep_id", "period", "currency", "total", "earned", "draw_balance")
ATTAINMENT_PLACES = 4
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str | None) -> str:
    """A text cell that cannot run as a spreadsheet formula."""
    if not value:
        return ""
    return "'" + value if value.startswith(_FORMULA_START) else value


def lines_rows(result: PayoutResult) -> Iterator[tuple[str, ...]]:
    """The rows of lines.csv, in roster order, each rep's lines in statement order."""
    return statement_lines_rows(result.period, result.statements)


def statement_lines_rows(period: str, statements: Iterable[RepStatement]) -> Iterator[tuple[str, ...]]:
    """The rows of lines.csv for these statements (`lines_rows`)."""
    for statement in statements:
        rep_id = safe_text(statement.rep_id)
        for line in statement.components:
            yield (rep_id, period, safe_text(line.component), "",
                   _optional_amount(line.credited), _optional_amount(line.quota),
                   _attainment(line), format_amount(line.amount))
        for modifier in statement.modifiers:
            yield (rep_id, period, safe_text(modifier.component), "", "", "", "", format_amount(modifier.amount))
        for clawback in statement.clawbacks:
            yield (rep_id, period, "clawback", safe_text(clawback.deal_id), "", "", "",
                   format_amount(clawback.amount))
        for draw in statement.draw_lines:
            yield (rep_id, period, draw.component, "", "", "", "", format_amount(draw.amount))


def totals_rows(result: PayoutResult) -> Iterator[tuple[str, ...]]:
    """The rows of totals.csv: one per rep on the roster. `total` is what the rep is paid,
    `earned` the sum of their lines before a draw, `draw_balance` what a recoverable
    draw is owed after the quarter (0.00 without one)."""
    return statement_totals_rows(result.period, result.statements)


def statement_totals_rows(period: str, statements: Iterable[RepStatement]) -> Iterator[tuple[str, ...]]:
    """The rows of totals.csv for these statements (`totals_rows`)."""
    for statement in statements:
        yield (safe_text(statement.rep_id), period, statement.currency, format_amount(statement.total),
               format_amount(statement.earned), format_amount(statement.draw_balance))


def _optional_amount(value: Decimal | None) -> str:
    return "" if value is None else format_amount(value)


def _attainment(line: ComponentLine) -> str:
    return "" if line.attainment is None else f"{round_half_up(line.attainment, ATTAINMENT_PLACES):f}"


def csv_text(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """CSV text with `\\n` line ends, the same bytes on every platform."""
    return csv_rows_text((header,)) + csv_rows_text(rows)


def csv_rows_text(rows: Iterable[tuple[str, ...]]) -> str:
    """The rows as CSV text (`csv_text` without a header): the text of rows one after another
    is the text of each part of them one after another."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def lines_csv(result: PayoutResult) -> str:
    return csv_text(LINES_HEADER, lines_rows(result))


def totals_csv(result: PayoutResult) -> str:
    return csv_text(TOTALS_HEADER, totals_rows(result))


def write_outputs(result: PayoutResult, out_dir: str | Path) -> list[Path]:
    """Write lines.csv and totals.csv into `out_dir` all or nothing; returns the paths.

    Both files are rendered in memory and written to a temporary folder beside
    `out_dir`; only then are they moved in (the folder itself is renamed into place
    when it did not exist yet). On any error the temporary folder is removed.
    """
    return write_texts({"lines.csv": lines_csv(result), "totals.csv": totals_csv(result)}, out_dir)


def write_texts(contents: dict[str, str], out_dir: str | Path) -> list[Path]:
    """Write each file name's text into `out_dir` all or nothing (see `write_outputs`); returns the paths."""
    out = Path(out_dir)
    parent = out.parent if str(out.parent) else Path(".")
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial", dir=parent))
    try:
        for name, text in contents.items():
            with open(staging / name, "w", encoding="utf-8", newline="") as handle:
                handle.write(text)
                handle.flush()
                os.fsync(handle.fileno())
        if not out.exists():
            staging.chmod(0o755)
            os.rename(staging, out)
        else:
            for name in contents:
                os.replace(staging / name, out / name)
            staging.rmdir()
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [out / name for name in contents]
