"""How far a key result, an objective and a cycle have come, each as a number in [0, 1].

Every function here also explains itself: `explain_progress` returns the formula with the
numbers filled in, so any figure on a page can be traced.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterable, Sequence

QUANTITATIVE = ("increase", "decrease", "stay_above", "stay_below")  # the kinds that need a start and a target


@dataclass(frozen=True)
class Measure:
    """What progress needs to know about a key result."""

    kind: str
    start: float | None
    target: float | None
    current: float | None  # None until the first check-in: current = start


def clamp01(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def current_of(measure: Measure) -> float:
    """The latest check-in, or the start value before the first one (milestones start at 0)."""
    if measure.current is not None:
        return measure.current
    if measure.kind == "milestone":
        return 0.0
    return measure.start if measure.start is not None else 0.0


def progress_of(measure: Measure, rollup: float | None = None) -> float:
    """increase/decrease: (current − start)/(target − start) clamped to [0, 1];
    stay_above: 1 if current ≥ target; stay_below: 1 if current ≤ target;
    milestone: 1 when done (value 1); rollup: the mean of the aligned objectives, given by the caller;
    metric (computed from the deals): the increase rule."""
    kind = "increase" if measure.kind == "metric" else measure.kind
    if kind == "rollup":
        return clamp01(rollup or 0.0)
    current = current_of(measure)
    if kind == "milestone":
        return 1.0 if current >= 1 else 0.0
    target = measure.target if measure.target is not None else 0.0
    if kind == "stay_above":
        return 1.0 if current >= target else 0.0
    if kind == "stay_below":
        return 1.0 if current <= target else 0.0
    start = measure.start if measure.start is not None else 0.0
    if target == start:
        return 1.0 if (current >= target if kind == "increase" else current <= target) else 0.0
    return clamp01((current - start) / (target - start))


def _fmt(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def explain_progress(measure: Measure, rollup_parts: Sequence[tuple[str, float]] | None = None,
                     private: Sequence[float] = ()) -> str:
    """The progress formula with this key result's numbers filled in, e.g.
    'increase: (130 − 100) / (200 − 100) = 0.30 → 30%'.

    `private` are the progress values of aligned objectives the reader may not see: they count in the mean,
    but the explanation names only how many there are ("1 private objective"), never their title or value."""
    if measure.kind == "metric":
        return explain_progress(Measure("increase", measure.start, measure.target, measure.current)).replace(
            "increase:", "metric (the increase rule):", 1)
    rollup_parts = list(rollup_parts or [])
    values = [p for _, p in rollup_parts] + list(private)
    progress = progress_of(measure, mean(values) if values else 0.0)
    current = current_of(measure)
    pct = f"{progress:.0%}"
    if measure.kind == "rollup":
        if not values:
            return "rollup: no objective is aligned to this key result yet → 0%"
        terms = [f"{p:.2f}" for _, p in rollup_parts]
        if private:
            terms.append(f"{len(private)} private objective{'' if len(private) == 1 else 's'}")
        return (f"rollup: mean of {len(values)} aligned objective(s) = ({' + '.join(terms)}) / {len(values)} "
                f"→ {pct}")
    if measure.kind == "milestone":
        return f"milestone: {'done' if current >= 1 else 'not done yet'} → {pct}"
    if measure.kind in ("stay_above", "stay_below"):
        sign = "≥" if measure.kind == "stay_above" else "≤"
        holds = progress == 1.0
        return (f"{measure.kind.replace('_', ' ')}: current {_fmt(current)} {sign} target {_fmt(measure.target)}? "
                f"{'yes' if holds else 'no'} → {pct}")
    suffix = " (before the first check-in, current = start)" if measure.current is None else ""
    raw = ((current - (measure.start or 0)) / ((measure.target or 0) - (measure.start or 0))
           if measure.target != measure.start else progress)
    clamp_note = " clamped to [0, 1]" if raw != progress else ""
    return (f"{measure.kind}: ({_fmt(current)} − {_fmt(measure.start)}) / ({_fmt(measure.target)} − "
            f"{_fmt(measure.start)}) = {raw:.2f}{clamp_note} → {pct}{suffix}")


def mean(values: Iterable[float]) -> float:
    values = list(values)
    return sum(values) / len(values) if values else 0.0


def weighted_progress(parts: Iterable[tuple[float, float]]) -> float:
    """An objective's progress: Σ weight × progress / Σ weight over its key results; 0 with none."""
    parts = list(parts)
    total_weight = sum(weight for weight, _ in parts)
    if not parts or total_weight <= 0:
        return 0.0
    return clamp01(sum(weight * progress for weight, progress in parts) / total_weight)


def expected_progress(cycle_start: date, due: date, on: date) -> float:
    """The straight line from 0 at the cycle's start to 1 at the due date, read on a day."""
    span = (due - cycle_start).days
    if span <= 0:
        return 1.0
    return clamp01((on - cycle_start).days / span)


PACE_AHEAD, PACE_BEHIND = "ahead", "behind"


def pace_of(progress: float, cycle_start: date, due: date, on: date) -> str:
    """'ahead' when progress is at or above the straight line today, else 'behind'."""
    return PACE_AHEAD if progress + 1e-9 >= expected_progress(cycle_start, due, on) else PACE_BEHIND


def default_grade(progress: float) -> float:
    """At close a key result is graded its progress rounded to 0.1 (half up)."""
    return min(1.0, max(0.0, int(clamp01(progress) * 10 + 0.5 + 1e-9) / 10))
