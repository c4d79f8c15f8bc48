"""A key result's value history against its expected pace, as a server-rendered SVG (no JavaScript).

x is the calendar from the cycle's start to the key result's due date; y its values. The dashed line is the
straight-line pace (start on the first day, target on the due date) for increase and decrease; the
threshold for stay above / stay below; "done by the due date" for a milestone. Each check-in is a dot on
the solid line. Every chart carries a sentence saying the same in words (the SVG's title and description,
and the caption under it); the history table below it lists every value."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from markupsafe import Markup, escape

from okr_app.clock import local_date_of
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Objective
from okr_app.okrs.display import approximately, format_value
from okr_app.okrs.pace import due_date_of, expected_value

WIDTH, HEIGHT = 640, 240
SMALL = (240, 90)
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 84, 16, 14, 30


@dataclass(frozen=True)
class HistoryChart:
    svg: Markup
    summary: str  # the text alternative


def _scale(lo: float, hi: float, out_lo: float, out_hi: float):
    span = (hi - lo) or 1.0
    return lambda v: out_lo + (v - lo) / span * (out_hi - out_lo)


def history_chart(kr: KeyResult, cycle: Cycle, check_ins: list[CheckIn], on: date, small: bool = False
                  ) -> HistoryChart | None:
    """None for a roll-up (it has no values of its own: its progress comes from the objectives below)."""
    if kr.kind == "rollup":
        return None
    width, height = SMALL if small else (WIDTH, HEIGHT)
    left, right, top, bottom = (8, 8, 6, 6) if small else (PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM)
    start_day, due = cycle.start, due_date_of(kr, cycle)
    points = sorted((local_date_of(c.created_at), c.value) for c in check_ins)
    start_value = kr.start_value if kr.start_value is not None else 0.0
    target = kr.target_value if kr.target_value is not None else 1.0
    values = [start_value, target, *(v for _, v in points)]
    lo, hi = min(values), max(values)
    if lo == hi:
        lo, hi = lo - 1, hi + 1
    x = _scale(start_day.toordinal(), max(due.toordinal(), start_day.toordinal() + 1), left, width - right)
    y = _scale(lo, hi, height - bottom, top)

    def xy(day: date, value: float) -> str:
        return f"{x(day.toordinal()):.1f},{y(value):.1f}"

    parts = []
    # pace (expected line) or threshold
    if kr.kind in ("increase", "decrease"):
        parts.append(f'<polyline class="pace" points="{xy(start_day, start_value)} {xy(due, target)}" />')
    elif kr.kind in ("stay_above", "stay_below"):
        parts.append(f'<polyline class="pace" points="{xy(start_day, target)} {xy(due, target)}" />')
    else:  # milestone: 0 until done, 1 on the due date
        parts.append(f'<polyline class="pace" points="{xy(start_day, 0)} {xy(due, 0)} {xy(due, 1)}" />')
    # today
    if start_day <= on <= due:
        parts.append(f'<line class="today" x1="{x(on.toordinal()):.1f}" x2="{x(on.toordinal()):.1f}" '
                     f'y1="{top}" y2="{height - bottom}" />')
    # actual values, starting from the start value on the first day
    line = ([(start_day, start_value)] if kr.kind in ("increase", "decrease") else []) + points
    if line:
        parts.append(f'<polyline class="actual" points="{" ".join(xy(d, v) for d, v in line)}" />')
        radius = 2.5 if small else 4
        for d, v in points:
            parts.append(f'<circle class="point" cx="{x(d.toordinal()):.1f}" cy="{y(v):.1f}" r="{radius}">'
                         f'<title>{escape(d.isoformat())}: {escape(format_value(v, kr.unit))}</title></circle>')
    if not small:
        parts.append(f'<line class="axis" x1="{left}" x2="{width - right}" y1="{height - bottom}" '
                     f'y2="{height - bottom}" />')
        for value in (lo, hi):
            parts.append(f'<text class="label" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
                         f'{escape(format_value(value, kr.unit))}</text>')
        parts.append(f'<text class="label" x="{left}" y="{height - 8}">{start_day.isoformat()}</text>')
        parts.append(f'<text class="label" x="{width - right}" y="{height - 8}" text-anchor="end">'
                     f'{due.isoformat()}</text>')
    summary = _summary(kr, points, start_day, due, on)
    svg = Markup(
        f'<svg class="kr-chart{" small" if small else ""}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-{kr.id}-title{"-s" if small else ""}" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="chart-{kr.id}-title{"-s" if small else ""}">'
        f'{escape(summary)}</title>{"".join(parts)}</svg>')
    return HistoryChart(svg=svg, summary=summary)


def _summary(kr: KeyResult, points: list[tuple[date, float]], start_day: date, due: date, on: date) -> str:
    """'3 check-ins: from $0 on 2026-03-02 to $40,000 on 2026-03-20; the pace line asks $46,154 today.'"""
    unit = kr.unit
    if not points:
        told = "No check-ins yet."
    else:
        (first_day, first), (last_day, last) = points[0], points[-1]
        count = f"{len(points)} check-in{'s' if len(points) != 1 else ''}"
        told = (f"{count}: {format_value(first, unit)} on {first_day.isoformat()}"
                + (f", latest {format_value(last, unit)} on {last_day.isoformat()}." if len(points) > 1 else "."))
    if kr.kind in ("increase", "decrease"):
        span = max((due - start_day).days, 1)
        share = min(max((on - start_day).days / span, 0.0), 1.0)
        pace = (f" The expected pace runs from {format_value(kr.start_value, unit)} on {start_day.isoformat()} to "
                f"{format_value(kr.target_value, unit)} on {due.isoformat()}"
                f" ({format_value(approximately(expected_value(kr, share)), unit)} today).")
    elif kr.kind == "stay_above":
        pace = f" It should stay at or above {format_value(kr.target_value, unit)}."
    elif kr.kind == "stay_below":
        pace = f" It should stay at or below {format_value(kr.target_value, unit)}."
    else:
        pace = f" Due done (1) by {due.isoformat()}."
    return told + pace


def chart_for(kr: KeyResult, on: date) -> HistoryChart | None:
    """The key-result page's chart (one query for the history)."""
    check_ins = db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id == kr.id)).all()
    return history_chart(kr, kr.objective.cycle, list(check_ins), on)


def small_charts_for(objective: Objective, on: date) -> dict[int, HistoryChart]:
    """A small chart per key result of an objective (one query for every history)."""
    krs = list(objective.key_results)
    history: dict[int, list[CheckIn]] = {kr.id: [] for kr in krs}
    if krs:
        for check_in in db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id.in_(list(history)))):
            history[check_in.key_result_id].append(check_in)
    charts = {kr.id: history_chart(kr, objective.cycle, history[kr.id], on, small=True) for kr in krs}
    return {kr_id: chart for kr_id, chart in charts.items() if chart is not None}
