"""How a demo key result moves week by week, and how confident its owner feels about it.

Each person gets a profile: `ahead` of the straight line, `on_track`, `behind`, or `stalled`
(stops checking in after a few weeks). Values follow the profile's pace with a little noise and
are rounded to the key result's precision; confidence follows progress against the straight line,
the way people actually set it (a bit optimistic early on).
"""
from __future__ import annotations

import random

from okr_app.domain.progress import Measure, progress_of

PROFILES = ("ahead", "on_track", "behind", "stalled")
PROFILE_WEIGHTS = (0.25, 0.40, 0.27, 0.08)

_PACE = {"ahead": (1.15, 1.4), "on_track": (0.9, 1.1), "behind": (0.45, 0.75), "stalled": (0.35, 0.6)}


def _round(value: float, precision: float) -> float:
    return round(round(value / precision) * precision, 6)


def value_path(kind: str, start: float | None, target: float | None, precision: float, profile: str,
               elapsed: dict[int, float], rng: random.Random) -> dict[int, float]:
    """The value checked in for each week, given the share of the cycle elapsed at that check-in.

    increase/decrease: start + pace × elapsed × (target − start), never sliding back more than a
    little; stay_above/stay_below: around the baseline (`start`), drifting across the threshold for
    people who are behind; milestone: 0 until the week it is done (1), if it gets done at all."""
    weeks = sorted(elapsed)
    if kind == "milestone":
        done_week = {"ahead": rng.randint(4, 7), "on_track": rng.randint(6, 11)}.get(profile)
        return {w: 1.0 if done_week is not None and w >= done_week else 0.0 for w in weeks}
    if start is None or target is None:
        raise ValueError(f"a {kind} key result needs a start and a target")
    if kind in ("stay_above", "stay_below"):
        margin = abs(start - target)
        towards_threshold = -1.0 if kind == "stay_above" else 1.0
        drift = 2.0 * margin if profile in ("behind", "stalled") else 0.0
        last = weeks[-1] if weeks else 1
        return {w: _round(start + towards_threshold * drift * w / last + rng.gauss(0, margin * 0.35), precision)
                for w in weeks}
    pace = rng.uniform(*_PACE[profile])
    floor_at_zero = min(start, target) >= 0
    values, fraction = {}, 0.0
    for w in weeks:
        proposed = min(1.2, pace * elapsed[w] + rng.gauss(0, 0.035))
        fraction = max(proposed, fraction - 0.02, 0.0)
        value = _round(start + fraction * (target - start), precision)
        values[w] = max(value, 0.0) if floor_at_zero else value
    return values


def progress_at(kind: str, start: float | None, target: float | None, value: float | None) -> float:
    return progress_of(Measure(kind=kind, start=start, target=target, current=value))


def confidence_of(kind: str, progress: float, expected: float, profile: str, rng: random.Random) -> str:
    """on_track / at_risk / off_track as the owner would set it after this check-in."""
    if kind == "milestone":
        if progress >= 1 or profile in ("ahead", "on_track"):
            return "on_track"
        return "at_risk" if expected < 0.6 else "off_track"
    if kind in ("stay_above", "stay_below"):
        if progress >= 1:
            return "at_risk" if profile == "behind" and rng.random() < 0.3 else "on_track"
        return "off_track" if profile == "stalled" or rng.random() < 0.5 else "at_risk"
    if expected < 0.2:  # early weeks: people stay hopeful
        return "on_track" if progress >= expected * 0.4 else "at_risk"
    ratio = progress / expected
    if ratio >= 0.85:
        return "on_track"
    return "at_risk" if ratio >= 0.55 else "off_track"


def mood_of(profile: str, week: int, rng: random.Random) -> str:
    """How a weekly report reads: good, steady or rough (the profile shows more as weeks pass)."""
    if profile == "ahead":
        return "good" if rng.random() < 0.75 else "steady"
    if profile == "on_track":
        return rng.choice(("good", "steady", "steady", "steady"))
    if profile == "behind":
        return "rough" if rng.random() < min(0.8, 0.2 + week * 0.07) else "steady"
    return "rough" if week >= 4 else "steady"


def satisfaction_of(mood: str, rng: random.Random) -> int:
    """1–5, following the mood the week's text is written in (a rough week never reads 4 or 5)."""
    choices = {"good": (4, 4, 5, 5, 5), "steady": (3, 3, 4, 4, 4, 2), "rough": (1, 2, 2, 3)}
    return rng.choice(choices[mood])
