"""Exact money: integer cents, `Decimal` and `Fraction`, never a float.

Amounts in the input files are parsed from their text to integer cents (`to_cents`
for one value, `arrow_texts.cents_from_texts` for a whole column at once). Payouts are
computed as exact `Fraction`s, because attainment is a ratio (credited / quota) that
a decimal cannot always hold, and rounded once, at the end, half-up to the cent
(`round_half_up`): 0.005 becomes 0.01 and -0.005 becomes -0.01, whatever the ambient
`decimal` context says.
"""
from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from fractions import Fraction


CENTS_PER_UNIT = 100
MAX_INTEGER_DIGITS = 12  # digits before the decimal point of an amount
MAX_AMOUNT_CHARS = MAX_INTEGER_DIGITS + 3

_AMOUNT = re.compile(r"([0-9]{1,12})(?:\.([0-9]{1,2}))?")

Exact = Fraction | Decimal | int


class AmountInvalid(ValueError):
    """A text is not a non-negative amount with at most two decimals."""


def to_cents(text: str) -> int:
    """Parse an amount written as digits with an optional `.` and one or two decimals.

    `"1200"` and `"1200.5"` and `"1200.50"` are all 120,050 cents. Signs, thousands
    separators, exponents and a third decimal are refused with the reason.
    """
    if not isinstance(text, str):
        raise TypeError(f"amounts are parsed from text, not {type(text).__name__}")
    match = _AMOUNT.fullmatch(text)
    if match:
        whole, decimals = match.groups()
        return int(whole) * CENTS_PER_UNIT + int((decimals or "").ljust(2, "0"))
    raise AmountInvalid(_why_not_an_amount(text))


def _why_not_an_amount(text: str) -> str:
    if text.strip() == "":
        return "is empty"
    if text.startswith("-") and _AMOUNT.fullmatch(text[1:]):
        return f"{text!r} is negative; write every amount positive (the type says which way it counts)"
    if "," in text and _AMOUNT.fullmatch(text.replace(",", "")):
        return f"{text!r} has a thousands separator; write digits only, e.g. 60000.00"
    if re.fullmatch(r"\d+\.\d{3,}", text):
        return f"{text!r} has more than two decimals"
    if re.fullmatch(r"\d{13,}(\.\d{1,2})?", text):
        return f"{text!r} is too large (at most {MAX_INTEGER_DIGITS} digits before the decimal point)"
    return f"{text!r} is not an amount; write digits with an optional . and two decimals, e.g. 60000.00"


def why_not_an_amount(text: str) -> str | None:
    """The reason `text` is refused as an amount, or None when it is one."""
    try:
        to_cents(text)
    except AmountInvalid as refused:
        return str(refused)
    return None


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents as a Decimal with exactly two decimals: 120050 -> Decimal('1200.50')."""
    return Decimal(cents_text(cents))


def cents_text(cents: int) -> str:
    """Integer cents as the text of `cents_to_decimal` (120050 -> '1200.50'), without making the Decimal."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), CENTS_PER_UNIT)
    return f"{sign}{whole}.{part:02d}"


@functools.lru_cache(maxsize=4096)
def decimal_fraction(value: Decimal) -> Fraction:
    """A plan number (Decimal, as written) as an exact Fraction; cached, since a run
    applies the same few plan numbers thousands of times."""
    return Fraction(value)


def exact(value: Exact) -> Fraction:
    """A money or ratio value as an exact Fraction; floats are refused."""
    if isinstance(value, float):
        raise TypeError("floats are refused for money; use Decimal, Fraction or int")
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    return Fraction(value)


def round_half_up(value: Exact, places: int = 2) -> Decimal:
    """Round an exact value once, half away from zero, to `places` decimals.

    Same result as `Decimal.quantize(Decimal('0.01'), ROUND_HALF_UP)` but independent
    of the ambient decimal context (precision, traps) and exact for any Fraction.
    """
    return Decimal(_fixed_point(rounded_units(value, places), places))


def rounded_units(value: Exact, places: int = 2) -> int:
    """`value` x 10^places rounded half away from zero, as an integer (cents for 2)."""
    if isinstance(value, Fraction):
        numerator, denominator = value.numerator, value.denominator
    elif isinstance(value, Decimal):
        numerator, denominator = value.as_integer_ratio()
    elif isinstance(value, int) and not isinstance(value, bool):
        numerator, denominator = value, 1
    else:
        raise TypeError(f"refusing to round {type(value).__name__}: money is Decimal, Fraction or int, never float")
    units, remainder = divmod(abs(numerator) * 10**places, denominator)
    if 2 * remainder >= denominator:
        units += 1
    return -units if numerator < 0 else units


def _fixed_point(units: int, places: int, grouped: bool = False) -> str:
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(units), 10**places)
    whole_text = f"{whole:,}" if grouped else str(whole)
    return f"{sign}{whole_text}.{part:0{places}d}" if places else f"{sign}{whole_text}"


def format_amount(value: Decimal) -> str:
    """An amount as CSV text with exactly two decimals: Decimal('1200.5') -> '1200.50'.

    Amounts already rounded to the cent (every line of a result) are written as they
    are; anything else is rounded half-up first. A Decimal is rounded by `quantize` with
    the rounding and a context of its own given explicitly (so the ambient context plays
    no part), and a negative amount that rounds to zero is written 0.00.
    """
    if isinstance(value, Decimal) and value.is_finite():
        text = format(value.quantize(_CENT, rounding=ROUND_HALF_UP, context=_WIDE), "f")
        return "0.00" if text == "-0.00" else text
    return format(round_half_up(value), "f")


_CENT = Decimal("0.01")
_WIDE = Context(prec=100, rounding=ROUND_HALF_UP, traps=[InvalidOperation])


def display_amount(value: Exact) -> str:
    """An amount for people: thousands separators, cents only when there are any.

    16000 -> '16,000'; 25600.5 -> '25,600.50'; exact Fractions are shown rounded to
    the cent.
    """
    cents = rounded_units(value)
    if cents % 100 == 0:
        return f"{cents // 100:,}"
    return _fixed_point(cents, 2, grouped=True)


def display_ratio(value: Exact, places: int = 4) -> str:
    """A ratio for people, with at least one decimal: 1 -> '1.0', 1.30 -> '1.3',
    1/3 -> '0.3333'."""
    text = _fixed_point(rounded_units(value, places), places).rstrip("0")
    return text + "0" if text.endswith(".") else text


MINUS = "−"


@functools.lru_cache(maxsize=65536)
def exact_amount(value: Exact) -> str:
    """An exact amount for a printed formula: grouped, at least two decimals, every
    decimal it has beyond two (a split credit has up to six), never rounded; negative
    with a minus sign. 16000 -> '16,000.00'; Decimal('4114.811811') -> '4,114.811811'.
    A value that no decimal holds exactly is refused (formulas print only exact inputs).
    The text depends only on the value, so equal values (cached together) print alike."""
    if isinstance(value, Decimal) and value.is_finite():
        text = format(abs(value), ",f")
        negative = value < 0
    else:
        fraction = exact(value)
        places = max(2, _decimal_places(fraction.denominator))
        if places > 12:
            raise ValueError(f"{value!r} has no exact decimal form")
        units = fraction.numerator * (10**places // fraction.denominator)
        text, negative = _fixed_point(abs(units), places, grouped=True), units < 0
    whole, _, part = text.partition(".")
    part = (part + "00")[:2] + part[2:].rstrip("0")
    return f"{MINUS if negative else ''}{whole}.{part}"


def _decimal_places(denominator: int) -> int:
    """How many decimals a fraction in lowest terms with this denominator needs (13 when none will do)."""
    twos = fives = 0
    while denominator % 2 == 0:
        denominator //= 2
        twos += 1
    while denominator % 5 == 0:
        denominator //= 5
        fives += 1
    return max(twos, fives) if denominator == 1 else 13


def exact_ratio(value: Decimal) -> str:
    """A plan number as written (Decimal('1.0') -> '1.0'), minus sign for negatives."""
    text = format(value, "f")
    return MINUS + text[1:] if text.startswith("-") else text


def signed_amount(value: Decimal) -> str:
    """A line's rounded amount at the end of its formula: '25,600.00', '−4,800.00'."""
    if isinstance(value, Decimal) and value and value.is_finite() and value.as_tuple().exponent == -2:
        text = format(value, ",f")  # already in cents, as every line's amount is: written as it is
        return MINUS + text[1:] if text.startswith("-") else text
    units = rounded_units(value)
    text = _fixed_point(abs(units), 2, grouped=True)
    return (MINUS + text) if units < 0 else text
