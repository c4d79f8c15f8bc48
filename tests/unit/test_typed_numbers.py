"""Value fields accept numbers as people type them (and as Cadence prints them), and say how to write the rest."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from okr_app.domain.numbers import NotANumber, parse_number
from okr_app.okrs.display import format_value


@pytest.mark.parametrize("typed, number", [
    ("$500,000", Decimal("500000")), ("1,250", Decimal("1250")), ("12.5 %", Decimal("12.5")),
    ("12.5%", Decimal("12.5")), ("-3", Decimal("-3")), ("\u22123.5", Decimal("-3.5")), ("€ 40", Decimal("40")),
    ("40 €", Decimal("40")), ("$-40", Decimal("-40")), ("+7", Decimal("7")), (" 0.25 ", Decimal("0.25")),
    (".5", Decimal("0.5")), ("1,234,567.89", Decimal("1234567.89")), ("1\u00a0250".replace("\u00a0", ""), 1250),
])
def test_what_people_type_is_read_as_written(typed, number):
    assert parse_number(typed) == Decimal(number)


@pytest.mark.parametrize("typed", ["", "   ", None])
def test_blank_is_no_value(typed):
    assert parse_number(typed) is None


@pytest.mark.parametrize("typed, says", [
    ("€1.2k", "shorthand; write the full number, like 1200"), ("3m", "shorthand"), ("2 million", "shorthand"),
    ("3,5", "use a point for decimals"), ("12,34,567", "write it like 1,250"), ("abc", "is not a number"),
    ("1.2.3", "is not a number"), ("5 6", "is not a number"), ("$", "is not a number"),
])
def test_anything_else_gets_a_sentence_that_says_how_to_write_it(typed, says):
    with pytest.raises(NotANumber, match=says):
        parse_number(typed)


WHOLE_OR_CENTS = st.integers(min_value=-10**12, max_value=10**12).map(lambda cents: Decimal(cents) / 100)


@given(WHOLE_OR_CENTS, st.sampled_from(["", "$", "%", "users"]))
def test_every_value_cadence_prints_reads_back_as_the_same_number(value, unit):
    """Round trip: what the pages show ('$1,250.5', '45%') is accepted when typed back, to the precision shown."""
    printed = format_value(float(value), unit).removesuffix(" users")
    assert abs(parse_number(printed) - value) < Decimal("0.01")
