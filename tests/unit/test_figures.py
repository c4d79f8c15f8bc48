"""How amounts print on statements: to the cent, half-up, grouped, negatives in parentheses."""
from reports.figures import is_negative, money


def test_amounts_print_grouped_with_two_decimals_and_negatives_in_parentheses():
    assert money("-3552.03") == "(3,552.03)"
    assert money("25600") == "25,600.00"
    assert money("1234567.8") == "1,234,567.80"
    assert money("007.10") == "7.10"
    # A negative zero is zero on paper: no parentheses, and not counted as negative.
    assert money("-0.00") == "0.00" and not is_negative("-0.00")
    assert money("-0.01") == "(0.01)" and is_negative("-0.01")
    # More than two decimals round half-up once: 12.005 -> 12.01; 12.345 -> 12.35; exponent form is read exactly.
    assert money("12.005") == "12.01"
    assert money("12.345") == "12.35"
    assert money("1E+3") == "1,000.00"
    # A credited share carries six decimals: 12,300.005 rounds half-up to 12,300.01, and -0.004 to zero.
    assert money("12300.005000") == "12,300.01"
    assert money("-0.004000") == "0.00" and not is_negative("-0.004000")
    # Exact ratios stored as "n/d": -2/3 = -0.6666... -> (0.67).
    assert money("-2/3") == "(0.67)" and is_negative("-2/3")
    assert money(None) == "–"

