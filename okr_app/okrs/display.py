"""How key-result numbers and kinds read on a page: one place, so every page says them the same way."""
from __future__ import annotations

from fractions import Fraction

from comp_engine.money import display_amount

KIND_LABELS = {
    "increase": "Increase",
    "decrease": "Decrease",
    "stay_above": "Stay above",
    "stay_below": "Stay below",
    "milestone": "Milestone",
    "rollup": "Roll-up",
    "metric": "Revenue metric",
}

KIND_HELP = {
    "increase": "from a start value up to a target",
    "decrease": "from a start value down to a target",
    "stay_above": "keep a value at or above a target",
    "stay_below": "keep a value at or below a target",
    "milestone": "done or not done",
    "rollup": "the mean progress of the objectives aligned to it",
    "metric": "computed from the imported deals (new ARR, NRR, ...) at every deals import",
}

CONFIDENCE_LABELS = {"on_track": "On track", "at_risk": "At risk", "off_track": "Off track"}

PREFIX_UNITS = ("$", "€", "£", "¥")


def format_number(value: float | None) -> str:
    """1,234 for whole numbers, 1,234.56 otherwise; an em dash for no value."""
    if value is None:
        return "—"
    value = float(value)
    if value.is_integer():
        return f"{value:,.0f}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_value(value: float | None, unit: str = "") -> str:
    """A value with its unit where a reader expects it: '$1,200', '45%', '320 users'."""
    number = format_number(value)
    if value is None or not unit:
        return number
    if unit in PREFIX_UNITS:
        return f"{unit}{number}" if not number.startswith("-") else f"-{unit}{number[1:]}"
    if unit == "%":
        return f"{number}%"
    return f"{number} {unit}"


def format_cents(cents: int) -> str:
    """Integer cents as an amount for people: 120000 -> '1,200', 120050 -> '1,200.50'."""
    return display_amount(Fraction(cents, 100))


def approximately(value: float | None) -> float | None:
    """A computed figure (not one a person typed) to the precision a reader can use:
    whole numbers from 100 up, one decimal from 10, two below."""
    if value is None:
        return None
    if abs(value) >= 100:
        return float(round(value))
    return round(value, 1 if abs(value) >= 10 else 2)


def format_grade(grade: float | None) -> str:
    """0.7 → '0.7', 1 → '1.0', 0.75 → '0.75' (one decimal unless a hand-set grade has two); '—' for none."""
    if grade is None:
        return "—"
    text = f"{grade:.2f}"
    return text[:-1] if text.endswith("0") else text


def format_pct(fraction: float) -> str:
    return f"{round(fraction * 100)}%"
