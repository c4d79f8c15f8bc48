"""A payout run for `cadence payout run` from files: the texts of lines.csv and totals.csv, and
what the command prints, on two cores.

The texts are exactly `lines_csv(run_payout(...))` and `totals_csv(...)`, computed by the
same `PayoutComputation`, but a run that needs only its files keeps no `PayoutResult`: the
statements are computed in two halves of the roster, one in this process and one in a forked
copy of it (`comp_engine.two_processes`), each half written as CSV rows, and the rows joined
in roster order. Measured on 2 cores at 1M deal rows (2,000 reps): the statements and their
rows took 0.36 s in one process; see README "Measured" for the whole run.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from comp_engine.collector import cycle_collection_paused
from comp_engine.deals_reading import DealsReading
from comp_engine.money import round_half_up
from comp_engine.outputs import (LINES_HEADER, TOTALS_HEADER, csv_rows_text, statement_lines_rows,
                                 statement_totals_rows)
from comp_engine.periods import Period
from comp_engine.result import currency_sums
from comp_engine.run import PayoutComputation, prepare_payout
from comp_engine.two_processes import can_fork, in_two_processes

TWO_PROCESSES_FROM_REPS = 200
"""Below this many reps the statements take a few milliseconds: a second process would cost more than it saves."""


@dataclass(frozen=True)
class PayoutFiles:
    """The run's two files as texts (`contents`, by file name) and what `cadence payout run` prints."""

    period: str
    reps: int
    lines: int
    totals_by_currency: dict[str, Decimal]
    fingerprint: str
    notes: tuple[str, ...]
    contents: dict[str, str]


@dataclass(frozen=True)
class _Part:
    """Some reps' rows of lines.csv and totals.csv, their number of lines and totals per currency."""

    lines_text: str
    totals_text: str
    lines: int
    totals: dict[str, Fraction]


def run_payout_files(period: str | Period, deals_path: str | Path, roster_path: str | Path,
                     quotas_path: str | Path, plans_dir: str | Path, processes: int | None = None,
                     reading: DealsReading | None = None) -> PayoutFiles:
    """`run_payout`'s files as texts, raising as `run_payout` does for invalid inputs.

    `processes` is 1 or 2; by default 2 from TWO_PROCESSES_FROM_REPS reps on, where the
    system can fork and this process has two cores. `reading` is the deals file's reading
    if the caller started it (see `prepare_payout`)."""
    with cycle_collection_paused():
        computation = prepare_payout(period, deals_path, roster_path, quotas_path, plans_dir, reading)
        count = computation.rep_count
        if processes is None:
            processes = 2 if count >= TWO_PROCESSES_FROM_REPS else 1
        if processes >= 2 and can_fork():
            computation.shared_first()  # every problem is raised here (claims()), before any work is split
            first, second = halves(computation)
            parts: Sequence[_Part] = in_two_processes(lambda: _part(computation, first),
                                                      lambda: _part(computation, second))
        else:
            computation.claims()  # every problem is raised before any statement is computed
            parts = (_part(computation, range(count)),)
        sums: dict[str, Fraction] = {}
        for part in parts:
            for currency, total in part.totals.items():
                sums[currency] = sums.get(currency, Fraction(0)) + total
        return PayoutFiles(
            period=str(computation.period), reps=count, lines=sum(part.lines for part in parts),
            totals_by_currency={currency: round_half_up(total) for currency, total in sums.items()},
            fingerprint=computation.fingerprint, notes=computation.notes(),
            contents={"lines.csv": csv_rows_text((LINES_HEADER,)) + "".join(part.lines_text for part in parts),
                      "totals.csv": csv_rows_text((TOTALS_HEADER,)) + "".join(part.totals_text for part in parts)},
        )


def halves(computation: PayoutComputation) -> tuple[range, range]:
    """The roster in two runs of reps with about as many lines to compute each (a clawback line
    costs about two component lines: it recomputes the line of a past quarter)."""
    claims = computation.claims()
    work = [1 + len(plan.components) + len(plan.modifiers) + 2 * len(claims.get(position, ()))
            for position, plan in enumerate(computation.plan_of(rep) for rep in computation.roster.reps)]
    cut = cut_in_two(work)
    return range(cut), range(cut, len(work))


def cut_in_two(work: Sequence[int]) -> int:
    """Where to cut a row of pieces of work so that the two sides differ by at most the largest piece:
    the first piece whose middle is past half of the whole starts the second side."""
    half, done = sum(work) / 2, 0
    for position, piece in enumerate(work):
        if done + piece / 2 >= half:
            return position
        done += piece
    return len(work)


def _part(computation: PayoutComputation, positions: range) -> _Part:
    statements = computation.statements(positions)
    period = str(computation.period)
    return _Part(
        lines_text=csv_rows_text(statement_lines_rows(period, statements)),
        totals_text=csv_rows_text(statement_totals_rows(period, statements)),
        lines=sum(len(statement.lines) for statement in statements),
        totals=currency_sums(statements),
    )
