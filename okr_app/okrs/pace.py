"""Pace: is a key result ahead of or behind the straight line from 0 at its cycle's start to 1 at
its due date (the cycle's last day unless the key result says otherwise)?

My OKRs, the objective and key-result pages, the cascade (web and API) and home all read pace here, so they agree.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from okr_app.domain.progress import expected_progress, pace_of
from okr_app.models import Cycle, KeyResult
from okr_app.policy import cycle_is_open
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
    """For increase and decrease: start + expected × (target − start); other kinds have no such value."""
    if kr.kind not in ("increase", "decrease") or kr.start_value is None or kr.target_value is None:
        return None
    return kr.start_value + expected * (kr.target_value - kr.start_value)


def expected_label(kr: KeyResult, expected: float, due: date) -> str:
    """What the straight line asks for today, e.g. '46 users (38% of the way)'."""
    if kr.kind in ("increase", "decrease"):
        value = format_value(approximately(expected_value(kr, expected)), kr.unit)
        return f"{value} ({format_pct(expected)} of the way)"
    if kr.kind == "stay_above":
        return f"at or above {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "stay_below":
        return f"at or below {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "milestone":
        return f"done by {due.isoformat()}"
    return f"{format_pct(expected)} rolled up"


def pace_in_cycle(progress: float, cycle: Cycle, due: date, on: date) -> str | None:
    """'ahead' or 'behind' on a day; None once the cycle is closed (its grades speak then). Every page, the tree,
    the API and the counts ask this, so a closed cycle says "behind" nowhere."""
    return pace_of(progress, cycle.start, due, on) if cycle_is_open(cycle) else None


def pace_reading(kr: KeyResult, progress: float, cycle: Cycle, on: date) -> PaceReading:
    """Pace of one key result on a day, given its progress (from `ProgressBook`)."""
    due = due_date_of(kr, cycle)
    expected = expected_progress(cycle.start, due, on)
    pace = pace_in_cycle(progress, cycle, due, on)
    return PaceReading(pace=pace, expected_progress=expected, expected_label=expected_label(kr, expected, due),
                       due=due)
