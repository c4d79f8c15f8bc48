"""Reading a CSV input as text, with the line number of every row.

Every column is read as text (nothing is guessed). Lines with too many fields and
missing columns become Problems; fully blank lines are dropped, but the line numbers
returned still count them, so that a message says the line a spreadsheet or text
editor shows (the header is line 1).
"""
from __future__ import annotations

import io
import re
import warnings

import numpy as np
import pandas as pd

from comp_engine.errors import Problem

_SKIPPED_LINE = re.compile(r"Skipping line (\d+): (.*)")


def read_table(content: bytes, source: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
               ) -> tuple[pd.DataFrame | None, np.ndarray, list[Problem]]:
    """Read a CSV as text columns; returns (frame or None, line of each row, problems).

    Lines with too many fields and missing columns are problems; fully blank lines
    are dropped, and the returned line numbers still count them.
    """
    columns = ", ".join(required + optional)
    if not content.strip():
        return None, np.empty(0, dtype=np.int64), [Problem(source, 1, None, f"is empty; the first line must name the columns {columns}")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.BytesIO(content), dtype=object, keep_default_na=False, na_filter=False,
                skip_blank_lines=False, encoding="utf-8-sig", on_bad_lines="warn",
            )
        except UnicodeDecodeError:
            return None, np.empty(0, dtype=np.int64), [Problem(source, None, None, "is not UTF-8 text; save it as CSV UTF-8")]
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            return None, np.empty(0, dtype=np.int64), [Problem(source, None, None, f"cannot be read as CSV: {error}")]
    problems: list[Problem] = []
    skipped: list[int] = []
    for warning in caught:
        for match in _SKIPPED_LINE.finditer(str(warning.message)):
            skipped.append(int(match.group(1)))
            problems.append(Problem(source, int(match.group(1)), None, f"{match.group(2)} (the header has {len(frame.columns)} columns)"))
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    for column in missing:
        problems.append(Problem(source, 1, column, f"column is missing; the header must name {columns}"))
    lines = _line_numbers(len(frame), skipped)
    if missing:
        return None, lines, problems
    first = frame[required[0]].to_numpy(dtype=object)
    maybe_blank = np.flatnonzero(first == "")
    if len(maybe_blank):
        blank = [row for row in maybe_blank if all(frame.iat[row, col] == "" for col in range(frame.shape[1]))]
        if blank:
            keep = np.ones(len(frame), dtype=bool)
            keep[blank] = False
            frame = frame[keep].reset_index(drop=True)
            lines = lines[keep]
    return frame, lines, problems


def _line_numbers(rows: int, skipped: list[int]) -> np.ndarray:
    lines = np.arange(rows, dtype=np.int64) + 2
    for line in sorted(skipped):
        lines[lines >= line] += 1
    return lines


def column_of(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A column as an object array of text; empty texts when the column is absent."""
    return frame[name].to_numpy(dtype=object) if name in frame.columns else np.full(len(frame), "", dtype=object)
