"""Exact money: integer cents, `Decimal` and `Fraction`, never a float.

Amounts in the input files are parsed from their text to integer cents (`to_cents`
for one value, `cents_from_texts` for a whole pandas column at once). Payouts are
computed as exact `Fraction`s, because attainment is a ratio (credited / quota) that
a decimal cannot always hold, and rounded once, at the end, half-up to the cent
(`round_half_up`): 0.005 becomes 0.01 and -0.005 becomes -0.01, whatever the ambient
`decimal` context says.
"""
from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

import numpy as np

CENTS_PER_UNIT = 100
MAX_INTEGER_DIGITS = 12  # up to 999,999,999,999.99: larger is a typo, not a deal
MAX_AMOUNT_CHARS = MAX_INTEGER_DIGITS + 3

_AMOUNT = re.compile(r"(\d{1,12})(?:\.(\d{1,2}))?")
_CHUNK = 1 << 16
_POW10 = np.array([10**k for k in range(MAX_AMOUNT_CHARS + 1)], dtype=np.int64)

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


def cents_from_texts(texts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Parse a column of amount texts to integer cents without a Python loop per value.

    Returns `(cents, ok)`: int64 cents (0 where not ok) and a boolean mask of the
    values that `to_cents` accepts. The text is read character by character as code
    points, so no value ever passes through a float.
    """
    count = len(texts)
    cents = np.zeros(count, dtype=np.int64)
    ok = np.zeros(count, dtype=bool)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
    for start in range(0, count, _CHUNK):
        stop = min(start + _CHUNK, count)
        chunk_cents, chunk_ok = _parse_chunk(texts[start:stop], lengths[start:stop])
        cents[start:stop] = chunk_cents
        ok[start:stop] = chunk_ok
    return cents, ok


def _parse_chunk(texts: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    width = MAX_AMOUNT_CHARS
    fits = (lengths >= 1) & (lengths <= width)
    padded = np.where(fits, texts, "").astype(f"U{width}")
    codes = padded.view(np.uint32).reshape(len(padded), width)
    position = np.arange(width)
    used = position < lengths[:, None]
    is_digit = (codes >= 48) & (codes <= 57)
    is_dot = codes == 46
    dots = is_dot.sum(axis=1)
    dot_at = np.where(dots == 1, is_dot.argmax(axis=1), lengths)
    decimals = np.where(dots == 1, lengths - dot_at - 1, 0)
    ok = (
        fits
        & ((is_digit | is_dot) | ~used).all(axis=1)
        & (dots <= 1)
        & (dot_at >= 1)
        & (dot_at <= MAX_INTEGER_DIGITS)
        & ((dots == 0) | (decimals >= 1))
        & (decimals <= 2)
    )
    # A digit at position j counts 10^(digits after it, in the whole text without the
    # dot); the integer those digits spell is then scaled to cents by 10^(2 - decimals).
    dot_after = (position < dot_at[:, None]) & (dots[:, None] == 1)
    after = (lengths[:, None] - 1 - position) - dot_after
    weight = _POW10[np.clip(after, 0, width)]
    digits = np.where(is_digit & used, codes.astype(np.int64) - 48, 0)
    spelled = (digits * weight).sum(axis=1)
    cents = spelled * _POW10[np.clip(2 - decimals, 0, 2)]
    return np.where(ok, cents, 0), ok


def cents_to_decimal(cents: int) -> Decimal:
    """Integer cents as a Decimal with exactly two decimals: 120050 -> Decimal('1200.50')."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(int(cents)), CENTS_PER_UNIT)
    return Decimal(f"{sign}{whole}.{part:02d}")


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
    sign = "-" if numerator < 0 and units else ""
    if places == 0:
        return Decimal(f"{sign}{units}")
    whole, part = divmod(units, 10**places)
    return Decimal(f"{sign}{whole}.{part:0{places}d}")


def format_amount(value: Decimal) -> str:
    """An amount as CSV text with exactly two decimals: Decimal('1200.5') -> '1200.50'."""
    return f"{round_half_up(value):f}"


def display_amount(value: Exact) -> str:
    """An amount for people: thousands separators, cents only when there are any.

    16000 -> '16,000'; 25600.5 -> '25,600.50'; exact Fractions are shown rounded to
    the cent.
    """
    rounded = round_half_up(value)
    if rounded == rounded.to_integral_value():
        return f"{int(rounded):,}"
    return f"{rounded:,.2f}"


def display_ratio(value: Exact, places: int = 4) -> str:
    """A ratio for people, with at least one decimal: 1 -> '1.0', 1.30 -> '1.3',
    1/3 -> '0.3333'."""
    text = f"{round_half_up(value, places):f}"
    if "." in text:
        text = text.rstrip("0")
        text = text + "0" if text.endswith(".") else text
    else:
        text += ".0"
    return "0.0" if text == "-0.0" else text
