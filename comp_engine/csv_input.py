"""Reading a CSV input as text, with the line number of every row, and checking its header.

Every column is read as text (nothing is guessed). The header is checked before any
row, so that a file is never paid silently wrong because of its columns:

- a required column that is missing is a problem;
- a column named twice is a problem (which of the two would be paid?);
- a column whose name is close to one Cadence reads (`splits` for `split`,
  `target_incentve`, `Rep_ID`: difflib ratio of the lower-cased name at least
  `NEAR_MISS_RATIO`) is a problem that suggests the right name, because the column
  it was meant to be would otherwise be ignored;
- any other column is ignored, and one note lists them.

Lines with too many fields are problems; missing trailing fields are empty; fully
blank lines (nothing, or only commas) are dropped, but the line numbers still count
them, so that a message says the line a spreadsheet or text editor shows (the header
is line 1).

Ids are compared after `trim_id`: every id field of every file (deal, account and
rep ids, the names in a split, a roster's manager_id and plan, a quota's component)
loses the same stray spaces at both ends.
"""
from __future__ import annotations

import csv
import difflib
import io
from dataclasses import dataclass, field

from comp_engine.errors import Problem

NEAR_MISS_RATIO = 0.8
ID_SPACE = " \t\r\n\v\f\u00a0\u2007\u202f\u200b\ufeff"
"""What `trim_id` takes off both ends of an id: ASCII white space, no-break and zero-width spaces."""


def trim_id(text: str) -> str:
    """An id as compared and paid: without stray spaces at either end ('ae02 ' is 'ae02')."""
    return text.strip(ID_SPACE)


@dataclass(frozen=True)
class Header:
    """Where each known column is in the file, and what the header check found."""

    positions: dict[str, int]
    problems: list[Problem]
    notes: list[str]
    width: int


def check_header(names: list[str], source: str, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> Header:
    """Check a header's column names (see the module rules); names are compared stripped."""
    known = required + optional
    positions: dict[str, int] = {}
    problems: list[Problem] = []
    ignored: list[str] = []
    suggested: set[str] = set()
    for index, raw in enumerate(names):
        name = raw.strip()
        if name in known:
            if name in positions:
                problems.append(Problem(source, 1, name, f"column {name!r} is named twice (columns {positions[name] + 1} "
                                                         f"and {index + 1}); keep one"))
            else:
                positions[name] = index
            continue
        meant = near_miss(name, known)
        if meant is not None:
            suggested.add(meant)
            problems.append(Problem(source, 1, name, f"column {name!r} is not one Cadence reads; did you mean {meant!r}? "
                                                     "Rename it (a misspelt column would be ignored)"))
        else:
            ignored.append(repr(name) if name else f"column {index + 1} (no name)")
    listed = ", ".join(known)
    for column in required:
        if column not in positions and column not in suggested:
            problems.append(Problem(source, 1, column, f"column is missing; the header must name {listed}"))
    notes = []
    if ignored:
        notes.append(f"{source}: ignored {'the column' if len(ignored) == 1 else 'the columns'} {', '.join(ignored)}; "
                     f"Cadence reads only {listed}")
    return Header(positions, problems, notes, len(names))


def near_miss(name: str, known: tuple[str, ...]) -> str | None:
    """The known column `name` is most likely a misspelling of, or None."""
    lowered = name.lower()
    best, ratio = None, 0.0
    for candidate in known:
        score = difflib.SequenceMatcher(None, lowered, candidate).ratio()
        if score > ratio:
            best, ratio = candidate, score
    return best if ratio >= NEAR_MISS_RATIO else None


@dataclass
class TextTable:
    """The rows of a small CSV file as text: each known column present, and each row's line."""

    source: str
    columns: dict[str, list[str]]
    lines: list[int]
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def column(self, name: str) -> list[str]:
        """A column's texts as written; empty texts when the file has no such column."""
        return self.columns.get(name, [""] * len(self.lines))


def read_table(content: bytes, source: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
               ) -> tuple[TextTable | None, list[Problem]]:
    """Read a CSV as text columns: (table, or None when the header is unusable; problems)."""
    columns = ", ".join(required + optional)
    if not content.strip():
        return None, [Problem(source, 1, None, f"is empty; the first line must name the columns {columns}")]
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [Problem(source, None, None, "is not UTF-8 text; save it as CSV UTF-8")]
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = check_header(next(reader), source, required, optional)
        problems = list(header.problems)
        if problems:
            return None, problems
        wanted = list(header.positions.items())
        values: dict[str, list[str]] = {name: [] for name, _ in wanted}
        lines: list[int] = []
        last = reader.line_num
        for row in reader:
            line, last = last + 1, reader.line_num
            if len(row) > header.width:
                problems.append(Problem(source, line, None, f"expected {header.width} fields, saw {len(row)} "
                                                            f"(the header has {header.width} columns)"))
                continue
            if not any(row):
                continue
            row += [""] * (header.width - len(row))
            for name, position in wanted:
                values[name].append(row[position])
            lines.append(line)
    except csv.Error as error:
        return None, [Problem(source, None, None, f"cannot be read as CSV: {error}")]
    return TextTable(source, values, lines, list(header.notes)), problems
