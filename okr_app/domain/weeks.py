"""Calendar arithmetic as Cadence counts it: ISO weeks written '2026-W21', cycles starting on Mondays.

Pure functions of a date; what "today" is comes from `okr_app.clock`."""
from __future__ import annotations

from datetime import date, timedelta


def iso_week_of(day: date) -> str:
    """'2026-W21': the ISO year and week a date falls in (2027-01-01 is in 2026-W53)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def parse_iso_week(text: str) -> date:
    """The Monday of an ISO week written '2026-W21'; ValueError if it is not one."""
    try:
        year_part, week_part = text.strip().upper().split("-W")
        return date.fromisocalendar(int(year_part), int(week_part), 1)
    except (ValueError, AttributeError) as exc:
        raise ValueError(f"{text!r} is not an ISO week like 2026-W21") from exc


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())
