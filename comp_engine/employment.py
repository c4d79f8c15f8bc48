"""Employment dates: people who join or leave in the middle of a quarter.

roster.csv may give a rep a `start_date` and an `end_date` (YYYY-MM-DD, both days
included; either may be empty). When the quarter is only partly inside
[start_date, end_date], the rep's target incentive and each of their quotas for that
quarter are multiplied by

    f = days of the quarter inside the employment / days in the quarter

exactly (a Fraction: 61/91, never 0.67); the lines are still rounded once, to the
cent. A deal closed outside the employment credits nothing to that rep (the other
reps of a split keep their share) and the run carries a note naming it.

A rep employed no day of the quarter (a leaver still on the roster, a hire who has not
started) needs no quota for it and earns nothing from it: their quota lines are 0.00
(a clawback of a deal they closed while employed is still taken).

Example: 2026-Q2 has 91 days; a rep starting 2026-05-01 is employed 61 of them, so
f = 61/91, a 20,000 target incentive becomes 20,000 x 61/91 = 13,406.59... and a
100,000 quota 67,032.96...
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from fractions import Fraction

import numpy as np

from comp_engine.names import component_name
from comp_engine.money import display_amount
from comp_engine.errors import Problem
from comp_engine.periods import Period, day_number, from_day_number

EMPLOYMENT_COLUMNS = ("start_date", "end_date")


@dataclass(frozen=True)
class Employment:
    """The days a rep works for the company: from `start` to `end`, both included;
    None means "before any quarter" (start) or "still employed" (end)."""

    start: date | None = None
    end: date | None = None

    @property
    def bounded(self) -> bool:
        return self.start is not None or self.end is not None

    def covers(self, day: date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def describe(self) -> str:
        if self.start and self.end:
            return f"employed {self.start.isoformat()} to {self.end.isoformat()}"
        if self.start:
            return f"employed from {self.start.isoformat()}"
        if self.end:
            return f"employed until {self.end.isoformat()}"
        return "employed all along"


ALWAYS = Employment()


def days_in(period: Period) -> int:
    """The quarter's number of days: 90, 91 or 92."""
    return (period.end - period.start).days + 1


def days_employed(period: Period, employment: Employment) -> int:
    """How many days of the quarter fall inside the employment (0 when none do)."""
    first = max(period.start, employment.start) if employment.start else period.start
    last = min(period.end, employment.end) if employment.end else period.end
    return max(0, (last - first).days + 1)


def employed_fraction(period: Period, employment: Employment) -> Fraction:
    """f = days employed in the quarter / days in the quarter, exact."""
    return Fraction(days_employed(period, employment), days_in(period))


@dataclass(frozen=True)
class Proration:
    """What employment dates did to one rep's quarter, for the statement's words."""

    period: str
    employment: Employment
    days_employed: int
    days_in_quarter: int
    fraction: Fraction

    def explain(self, target_incentive: Fraction, quotas: dict[str, Fraction]) -> str:
        """The sentence the statement prints, with the prorated figures."""
        prorated = "; ".join(f"quota {component_name(key)} {display_amount(quota)}" for key, quota in quotas.items())
        return (f"{self.employment.describe()}: {self.days_employed} of the {self.days_in_quarter} days of "
                f"{self.period}, f = {self.days_employed}/{self.days_in_quarter}; target incentive "
                f"x f = {display_amount(target_incentive)}" + (f"; {prorated}" if prorated else ""))


def proration_of(period: Period, employment: Employment) -> Proration | None:
    """The quarter's proration, or None when the rep was employed the whole quarter."""
    if not employment.bounded:
        return None
    days = days_employed(period, employment)
    total = days_in(period)
    if days == total:
        return None
    return Proration(str(period), employment, days, total, Fraction(days, total))


# -- reading roster.csv ------------------------------------------------------------------------

def read_employment(values: dict[str, str], source: str, line: int) -> tuple[Employment, list[Problem]]:
    """The employment dates of a roster row (columns may be empty or absent)."""
    problems: list[Problem] = []
    found: dict[str, date | None] = {}
    for column in EMPLOYMENT_COLUMNS:
        text = values.get(column, "").strip()
        found[column] = None
        if text:
            try:
                found[column] = date.fromisoformat(text) if len(text) == 10 else _not_a_date(text)
            except ValueError:
                problems.append(Problem(source, line, column,
                                        f"{text!r} is not a date; write YYYY-MM-DD, e.g. 2026-05-01"))
    start, end = found["start_date"], found["end_date"]
    if start and end and start > end:
        problems.append(Problem(source, line, "start_date",
                                f"{start.isoformat()} is after the end_date {end.isoformat()}"))
    return Employment(start, end), problems


def _not_a_date(text: str) -> date:
    raise ValueError(text)


# -- deals outside the employment ---------------------------------------------------------------

@dataclass(frozen=True)
class CreditsOutside:
    """Credit rows removed because the deal closed outside the rep's employment."""

    deal_ids: tuple[str, ...]
    rep_ids: tuple[str, ...]
    days: tuple[date, ...]
    employments: tuple[Employment, ...]

    def note(self, period: Period, shown: int = 10) -> str | None:
        """One sentence naming the deals closed by the quarter's last day (the first
        `shown` of them, in file order), or None. Later deals cannot change the quarter."""
        listed = [f"{deal} (closed {day.isoformat()}, rep {rep}, {employment.describe()})"
                  for deal, rep, day, employment in zip(self.deal_ids, self.rep_ids, self.days, self.employments)
                  if day <= period.end]
        if not listed:
            return None
        more = f" and {len(listed) - shown} more" if len(listed) > shown else ""
        count = len(listed)
        return (f"{count} deal credit{'s' if count != 1 else ''} closed outside the rep's employment dates "
                f"credit{'s' if count == 1 else ''} nothing to that rep (the rest of a split is unchanged): "
                + "; ".join(listed[:shown]) + more + ".")


def without_credits_outside_employment(deals, rep_ids: list[str], employments: list[Employment]):
    """The DealTable without the credit rows of deals closed outside each rep's employment.

    `rep_ids[i]` and `employments[i]` are the rep at roster position i. Returns the
    (possibly new) table and the `CreditsOutside` that were removed.
    """
    if not any(employment.bounded for employment in employments):
        return deals, CreditsOutside((), (), (), ())
    never, always = -(2**40), 2**40
    first = np.array([day_number(e.start) if e.start else never for e in employments], dtype=np.int64)
    last = np.array([day_number(e.end) if e.end else always for e in employments], dtype=np.int64)
    reps = deals.credit_rep.astype(np.int64)
    day = deals.day[deals.credit_deal]
    outside = (day < first[reps]) | (day > last[reps])
    if not outside.any():
        return deals, CreditsOutside((), (), (), ())
    rows = np.flatnonzero(outside)
    removed = CreditsOutside(
        deal_ids=tuple(str(deals.deal_id[deals.credit_deal[row]]) for row in rows),
        rep_ids=tuple(rep_ids[int(reps[row])] for row in rows),
        days=tuple(from_day_number(int(day[row])) for row in rows),
        employments=tuple(employments[int(reps[row])] for row in rows),
    )
    keep = ~outside
    table = replace(deals, credit_deal=deals.credit_deal[keep], credit_rep=deals.credit_rep[keep],
                    credit_share=deals.credit_share[keep])
    return table, removed
