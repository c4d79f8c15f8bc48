"""Pace: is a key result ahead of or behind the straight line from 0 at its cycle's start to 1 at
its due date (the cycle's last day unless the key result says otherwise)?

Every page, the API, the cascade's counts and filters read pace here (`pace_on`), so they always agree; a
closed cycle has no pace anywhere (the grade speaks then).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from okr_app.domain.progress import PACE_BEHIND, expected_progress, pace_of
from okr_app.models import Cycle, KeyResult
from okr_app.policy import state_is_open
from okr_app.okrs.display import approximately, format_pct, format_value


@dataclass(frozen=True)
class PaceReading:
    pace: str | None          # 'ahead' or 'behind'; None once the cycle is closed (the grade speaks then)
    expected_progress: float  # where the straight line is on the day asked about, in [0, 1]
    expected_label: str       # the same point said in the key result's own unit
    due: date


def due_date_of(kr: KeyResult, cycle: Cycle) -> date:
    return kr.due or cycle.end


def expected_value(kr: KeyResult, expected: float) -> float | None:
    """For increase, decrease and metric: start + expected × (target − start); other kinds have no such value."""
    if kr.kind not in ("increase", "decrease", "metric") or kr.start_value is None or kr.target_value is None:
        return None
    return kr.start_value + expected * (kr.target_value - kr.start_value)


def expected_label(kr: KeyResult, expected: float, due: date) -> str:
    """What the straight line asks for today, e.g. '46 users (38% of the way)'."""
    if kr.kind in ("increase", "decrease", "metric"):
        value = format_value(approximately(expected_value(kr, expected)), kr.unit)
        return f"{value} ({format_pct(expected)} of the way)"
    if kr.kind == "stay_above":
        return f"at or above {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "stay_below":
        return f"at or below {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "milestone":
        return f"done by {due.isoformat()}"
    return f"{format_pct(expected)} rolled up"


def pace_reading(kr: KeyResult, progress: float, cycle: Cycle, on: date) -> PaceReading:
    """Pace of one key result on a day, given its progress (from `ProgressBook`)."""
    due = due_date_of(kr, cycle)
    expected = expected_progress(cycle.start, due, on)
    pace = pace_on(progress, cycle.state, cycle.start, due, on)
    return PaceReading(pace=pace, expected_progress=expected, expected_label=expected_label(kr, expected, due),
                       due=due)


def pace_on(progress: float, cycle_state: str, cycle_start: date, due: date, on: date) -> str | None:
    """'ahead' or 'behind' on a day; None once the cycle is closed (`policy.state_is_open`)."""
    if not state_is_open(cycle_state):
        return None
    return pace_of(progress, cycle_start, due, on)


def behind_from(progress: float, cycle_state: str, cycle_start: date, due: date) -> date | None:
    """The first day on which `pace_on` says 'behind' for this progress (None: never, or a closed
    cycle). The straight line only rises as days pass, so a key result behind on a day is behind on
    every later one, and 'behind on day d' is 'behind_from <= d'. The day is found by asking
    `pace_on` itself around the arithmetic guess, so the two can never disagree."""
    def behind(day: date) -> bool:
        return pace_on(progress, cycle_state, cycle_start, due, day) == PACE_BEHIND

    span = (due - cycle_start).days
    if not state_is_open(cycle_state) or not behind(max(due, cycle_start)):
        return None
    if span <= 0 or behind(cycle_start - timedelta(days=1)):
        return date.min  # the line is at 1 from the start (or the data is odd): behind on every day
    guess = min(max(int(progress * span) + 1, 0), span)
    day = cycle_start + timedelta(days=guess)
    while day > cycle_start and behind(day - timedelta(days=1)):
        day -= timedelta(days=1)
    while not behind(day):
        day += timedelta(days=1)
    return day
