"""Exact money: parsing amounts to cents, rounding once half-up, refusing floats."""
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from comp_engine.arrow_texts import cents_from_texts
from comp_engine.money import (AmountInvalid, cents_to_decimal, display_amount, display_ratio,
                               format_amount, round_half_up, to_cents, why_not_an_amount)

CENT_COUNTS = st.integers(min_value=-10**15, max_value=10**15)
AMOUNT_TEXTS = st.text(alphabet="0123456789.-,+ e١", max_size=17)
WELL_FORMED_AMOUNTS = st.tuples(st.integers(0, 10**12 - 1), st.sampled_from(["", ".5", ".05", ".50"])).map(
    lambda parts: f"{parts[0]}{parts[1]}")


@pytest.mark.parametrize(("text", "cents"), [
    ("0", 0), ("7", 700), ("1200", 120000), ("1200.5", 120050), ("1200.50", 120050), ("0.01", 1),
    ("999999999999.99", 99999999999999),
])
def test_an_amount_is_read_as_exact_integer_cents(text, cents):
    assert to_cents(text) == cents


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"), ("-120.00", "negative"), ("60,000", "thousands separator"), ("1.005", "more than two decimals"),
    ("1e5", "not an amount"), ("12a", "not an amount"), (" 12", "not an amount"), ("1000000000000", "too large"),
    (".5", "not an amount"), ("5.", "not an amount"), ("١٢", "not an amount"),
])
def test_a_malformed_amount_is_refused_with_its_reason(text, reason):
    with pytest.raises(AmountInvalid, match=reason):
        to_cents(text)


def test_a_float_is_never_accepted_as_an_amount():
    with pytest.raises(TypeError):
        to_cents(12.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_half_up(0.125)  # type: ignore[arg-type]


@given(st.lists(AMOUNT_TEXTS | WELL_FORMED_AMOUNTS, max_size=40))
def test_the_column_parser_accepts_exactly_what_the_single_value_parser_accepts(texts):
    """cents_from_texts(column)[i] == to_cents(column[i]), and ok is False exactly
    where to_cents refuses."""
    cents, ok = cents_from_texts(np.array(texts, dtype=object))
    for text, value, accepted in zip(texts, cents.tolist(), ok.tolist()):
        assert accepted == (why_not_an_amount(text) is None)
        if accepted:
            assert value == to_cents(text)


def test_the_column_parser_refuses_text_that_is_not_ascii_without_failing_the_column():
    cents, ok = cents_from_texts(np.array(["12.50", "١٢", "7"], dtype=object))
    assert cents.tolist() == [1250, 0, 700]
    assert ok.tolist() == [True, False, True]


@pytest.mark.parametrize(("value", "rounded"), [
    (Fraction(1, 200), "0.01"),  # 0.005 -> half up
    (Fraction(-1, 200), "-0.01"),  # -0.005 -> half away from zero
    (Fraction(1249, 100000), "0.01"),  # 0.01249
    (Fraction(2, 3), "0.67"),
    (Fraction(-1, 1000), "0.00"),  # no negative zero
    (Decimal("2.675"), "2.68"),
    (25600, "25600.00"),
])
def test_rounding_is_half_up_to_the_cent(value, rounded):
    assert str(round_half_up(value)) == rounded


@given(st.decimals(allow_nan=False, allow_infinity=False, places=5, min_value=-10**9, max_value=10**9))
def test_rounding_matches_decimal_quantize_half_up_whatever_the_ambient_context(value):
    """round_half_up(x) == x.quantize(0.01, ROUND_HALF_UP) even with a 3-digit context."""
    with localcontext() as wide:
        wide.prec = 50
        expected = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    with localcontext() as narrow:
        narrow.prec = 3
        narrow.rounding = "ROUND_DOWN"
        assert round_half_up(value) == expected


@given(CENT_COUNTS)
def test_cents_round_trip_through_decimal_and_csv_text(cents):
    """to_cents(format(cents_to_decimal(c))) == c for non-negative c; text has two decimals."""
    text = format_amount(cents_to_decimal(cents))
    assert len(text.split(".")[1]) == 2
    if 0 <= cents < 10**14:
        assert to_cents(text) == cents


def test_amounts_and_ratios_are_shown_for_people():
    assert display_amount(16000) == "16,000"
    assert display_amount(Fraction(51201, 2)) == "25,600.50"
    assert display_ratio(Fraction(13, 10)) == "1.3"
    assert display_ratio(1) == "1.0"
    assert display_ratio(Fraction(1, 3)) == "0.3333"


DECIMALS = st.tuples(st.integers(-10**16, 10**16), st.integers(-3, 8)).map(lambda parts: Decimal(parts[0]).scaleb(-parts[1]))


@given(DECIMALS, st.integers(1, 6))
def test_a_csv_amount_is_the_value_rounded_once_half_up_whatever_the_ambient_context(value, precision):
    """format_amount(d) is round_half_up(d) with two decimals (never '-0.00'), in a narrow context too."""
    expected = format(round_half_up(value), "f")
    with localcontext() as narrow:
        narrow.prec = precision
        narrow.rounding = "ROUND_DOWN"
        assert format_amount(value) == expected
    assert format_amount(Fraction(value)) == expected
    assert not expected.startswith("-0.00")


def test_a_negative_amount_that_rounds_to_zero_is_written_without_a_sign():
    # -0.004 rounds half-up to 0.00; -0.005 rounds away from zero to -0.01
    assert format_amount(Decimal("-0.004")) == "0.00"
    assert format_amount(Decimal("-0.005")) == "-0.01"
    assert format_amount(Decimal("-0.00")) == "0.00"
