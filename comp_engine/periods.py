"""Calendar quarters and the dates the rules measure from.

A period is a calendar quarter written `YYYY-Qn` (Q1 = January to March). Its end E
is the quarter's last day; a retention window of N months starts at S = E minus N
calendar months, with the day clamped to the length of the month
(2026-03-31 minus 1 month is 2026-02-28; 2026-06-30 minus 3 months is 2026-03-30).
"""
from __future__ import annotations

import calendar
import functools
import re
from dataclasses import dataclass
from datetime import date

from comp_engine.errors import PeriodInvalid

_PERIOD = re.compile(r"(\d{4})-Q([1-4])")
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True, order=True)
class Period:
    """One calendar quarter; `str(period)` is its `YYYY-Qn` name."""

    year: int
    quarter: int

    def __str__(self) -> str:
        return f"{self.year}-Q{self.quarter}"

    @property
    def start(self) -> date:
        """The quarter's first day."""
        return _quarter_days(self.year, self.quarter)[0]

    @property
    def end(self) -> date:
        """The quarter's last day (E in the plan rules)."""
        return _quarter_days(self.year, self.quarter)[1]


@functools.lru_cache(maxsize=256)
def _quarter_days(year: int, quarter: int) -> tuple[date, date]:
    """(first day, last day) of a quarter; cached, since a run asks for them for every line."""
    month = 3 * quarter
    return date(year, month - 2, 1), date(year, month, calendar.monthrange(year, month)[1])


@functools.lru_cache(maxsize=256)
def parse_period(text: str) -> Period:
    """Read `YYYY-Qn`; anything else raises PeriodInvalid saying how to write it."""
    match = _PERIOD.fullmatch(text.strip()) if isinstance(text, str) else None
    if not match:
        raise PeriodInvalid(f"{text!r} is not a quarter; write it as YYYY-Qn, e.g. 2026-Q2")
    return Period(int(match.group(1)), int(match.group(2)))


def period_containing(day: date) -> Period:
    """The calendar quarter a date falls in."""
    return Period(day.year, (day.month - 1) // 3 + 1)


def months_before(day: date, months: int) -> date:
    """`day` minus `months` calendar months, the day clamped to the month's length."""
    index = day.year * 12 + (day.month - 1) - months
    year, month0 = divmod(index, 12)
    last = calendar.monthrange(year, month0 + 1)[1]
    return date(year, month0 + 1, min(day.day, last))


def day_number(day: date) -> int:
    """Days since 1970-01-01: how the engine compares close dates in bulk."""
    return day.toordinal() - _EPOCH


def from_day_number(number: int) -> date:
    """The date of a day number (inverse of `day_number`)."""
    return date.fromordinal(int(number) + _EPOCH)
