"""How numbers look on a statement: money, shares, ratios and dates for people.

Money has thousands separators and exactly two decimals, and a negative amount is
written in parentheses, the accounting way: `(3,552.03)`. Values arrive as the exact
strings of a stored statement (`"25600.00"`, `"273/1640"`) and are rounded once,
half-up, here; nothing passes through a float. A stored amount that already has at
most two decimals (nearly all of them: amounts are kept in cents) needs no rounding and
is formatted straight from its Decimal; anything finer goes through `round_half_up`.
Products such as a cohort's share × ARR are computed in `EXACT`, a decimal context that
raises rather than round.
"""
from __future__ import annotations

import functools
from decimal import Context, Decimal, Inexact, InvalidOperation, Rounded
from fractions import Fraction

from comp_engine.money import display_ratio, exact_amount, round_half_up

DASH = "–"
KIND_NAMES = {"quota": "quota component", "metric": "metric component", "flat_rate": "flat-rate component"}
EXACT = Context(prec=80, traps=[Inexact, Rounded, InvalidOperation])
"""Decimal arithmetic that is exact or raises: no operation here may round."""


def exact(text: str | int | Decimal | Fraction) -> Fraction:
    """A stored value (decimal text, `"n/d"`, int, Decimal or Fraction) as a Fraction."""
    if isinstance(text, float):
        raise TypeError("floats are refused for money")
    return Fraction(text)


def money(value: str | Decimal | Fraction | None) -> str:
    """`"-3552.03"` -> `(3,552.03)`; `"25600"` -> `25,600.00`; None -> a dash."""
    return DASH if value is None else signed_money(value)[0]


def signed_money(value: str | Decimal | Fraction) -> tuple[str, bool]:
    """`money(value)` and `is_negative(value)` from one reading of the value (a deal row prints both)."""
    rounded = _in_cents(value)
    text = f"{abs(rounded):,.2f}"
    return (f"({text})", True) if rounded < 0 else (text, False)


def _in_cents(value: str | Decimal | Fraction) -> Decimal:
    """The value rounded once to cents, half-up; a value of at most two decimals as it is. Decimal
    text is read as a Decimal, not a Fraction: a deal's credited share has six decimals, and a
    Fraction parses its text in Python, ten times slower."""
    number = value
    if isinstance(value, str):
        try:
            number = Decimal(value)
        except InvalidOperation:
            return round_half_up(exact(value))
    if isinstance(number, Decimal) and number.is_finite():
        return number if number.as_tuple().exponent >= -2 else round_half_up(number)
    return round_half_up(exact(number))


def money_exact(value: str | Decimal | Fraction) -> str:
    """An exact amount with every decimal it has (at least two): a share-weighted ARR
    such as 0.3333 x 10,000.00 = 3,333.00, or 4,114.811811; negative in parentheses."""
    text = exact_amount(value if isinstance(value, Decimal) else exact(value))
    return f"({text[1:]})" if text.startswith("−") else text


def is_negative(value: str | Decimal | Fraction | None) -> bool:
    """Whether the amount prints as negative (once rounded to cents)."""
    return value is not None and _in_cents(value) < 0


def percent(value: str | Fraction | None, places: int = 2) -> str:
    """A ratio as a percentage: `"13/10"` -> `130.00%`."""
    if value is None:
        return DASH
    return f"{round_half_up(exact(value) * 100, places):,f}%"


@functools.lru_cache(maxsize=4096)
def share(value: str) -> str:
    """A deal share `"0.6000"` -> `60%`, `"0.3333"` -> `33.33%` (cached: a statement lists hundreds of
    deals and accounts on a few shares)."""
    text = f"{round_half_up(exact(value) * 100, 2):f}".rstrip("0").rstrip(".")
    return f"{text}%"


@functools.lru_cache(maxsize=4096)
def ratio(value: str | Fraction | None) -> str:
    """An exact ratio with up to four decimals: `"13/10"` -> `1.3` (cached: a cohort lists hundreds of
    accounts on a few ratios, each a Fraction to parse)."""
    return DASH if value is None else display_ratio(exact(value))


def short_fingerprint(fingerprint: str | None) -> str:
    """The first 12 hex digits: enough to tell two runs' inputs apart on paper."""
    return f"sha256:{fingerprint[:12]}" if fingerprint else DASH
