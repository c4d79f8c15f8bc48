"""How key-result numbers and kinds read on a page: one place, so every page says them the same way."""
from __future__ import annotations

KIND_LABELS = {
    "increase": "Increase",
    "decrease": "Decrease",
    "stay_above": "Stay above",
    "stay_below": "Stay below",
    "milestone": "Milestone",
    "rollup": "Roll-up",
}

KIND_HELP = {
    "increase": "from a start value up to a target",
    "decrease": "from a start value down to a target",
    "stay_above": "keep a value at or above a target",
    "stay_below": "keep a value at or below a target",
    "milestone": "done or not done",
    "rollup": "the mean progress of the objectives aligned to it",
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


def format_pct(fraction: float) -> str:
    return f"{round(fraction * 100)}%"
