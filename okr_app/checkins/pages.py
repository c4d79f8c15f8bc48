"""What the weekly check-in page shows: my key results as they stand, this week's report if I have
started it, and last week's plans (people write this week's progress against them)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from okr_app.checkins.services import my_key_results
from okr_app.cycles.picked import picked_cycle_id
from okr_app.cycles.services import current_cycle
from okr_app.domain.progress import current_of, progress_of
from okr_app.extensions import db
from okr_app.models import WeeklyReport
from okr_app.okrs.display import format_value
from okr_app.okrs.progress import measure_of
from okr_app.policy import Actor, cycle_is_open
from okr_app.domain.weeks import iso_week_of


@dataclass(frozen=True)
class KrRow:
    id: int
    title: str
    objective_id: int
    objective_title: str
    kind: str
    unit: str
    shown: float  # the latest check-in, or the start before the first one
    target: float | None
    progress: float
    confidence: str
    last_checkin_at: datetime | None

    @property
    def is_milestone(self) -> bool:
        return self.kind == "milestone"

    @property
    def shown_label(self) -> str:
        if self.is_milestone:
            return "done" if self.shown >= 1 else "not done yet"
        return format_value(self.shown, self.unit)

    @property
    def target_label(self) -> str:
        return "done" if self.is_milestone else format_value(self.target, self.unit)

    @property
    def prefill(self) -> str:
        """The shown value as the input's text, exact (so an untouched field compares equal)."""
        if self.is_milestone:
            return "1" if self.shown >= 1 else "0"
        return str(int(self.shown)) if float(self.shown).is_integer() else repr(float(self.shown))


@dataclass(frozen=True)
class Draft:
    progress: str
    plans: str
    problems: str
    satisfaction: int | None


@dataclass(frozen=True)
class WeeklyPage:
    week: str
    last_week: str
    cycle_name: str | None
    cycle_closed: bool
    rows: list[KrRow]
    draft: Draft | None  # this week's report when it exists (editable all week)
    last_plans: str | None  # None: no report last week


def weekly_page(actor: Actor, on: date) -> WeeklyPage:
    """Four queries: the cycle, my key results with their objectives, and two weekly reports."""
    week, last_week = iso_week_of(on), iso_week_of(on - timedelta(days=7))
    cycle = current_cycle(on, picked_id=picked_cycle_id())
    rows: list[KrRow] = []
    if cycle is not None and cycle_is_open(cycle):
        for kr in my_key_results(actor, cycle.id):
            measure = measure_of(kr)
            rows.append(KrRow(id=kr.id, title=kr.title, objective_id=kr.objective_id,
                              objective_title=kr.objective.title, kind=kr.kind, unit=kr.unit,
                              shown=current_of(measure), target=kr.target_value, progress=progress_of(measure),
                              confidence=kr.confidence, last_checkin_at=kr.last_checkin_at))
    reports = {r.iso_week: r for r in db.session.scalars(sa.select(WeeklyReport).where(
        WeeklyReport.person_id == actor.id, WeeklyReport.iso_week.in_([week, last_week])))}
    this = reports.get(week)
    draft = Draft(this.progress, this.plans, this.problems, this.satisfaction) if this else None
    previous = reports.get(last_week)
    return WeeklyPage(week=week, last_week=last_week, cycle_name=cycle.name if cycle else None,
                      cycle_closed=cycle is not None and not cycle_is_open(cycle), rows=rows, draft=draft,
                      last_plans=previous.plans if previous else None)
