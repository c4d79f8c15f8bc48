"""A cycle's roll-up: every objective's and key result's progress, with what the cascade needs to
show, count and filter them, computed once per change of the cycle and kept as plain values.

`compute_rollup` reads the columns the pages show (no ORM objects) in a fixed number of queries and
computes progress with `ProgressBook`, the one place progress is rolled up. The result does not
depend on the reader or the day: visibility (`okr_app.policy`), pace (`okr_app.okrs.pace`) and
staleness are read per request from what is stored here, so one copy serves every reader until a
write changes the cycle (`okr_app.okrs.rollup_cache` decides when).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from functools import cache
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective, Person, Team, WeeklyReport
from okr_app.okrs.pace import behind_from
from okr_app.okrs.progress import ProgressBook

STALE_AFTER = timedelta(days=14)
OWNER_ORDER = {"company": 0, "team": 1, "person": 2}
RISKY = ("at_risk", "off_track")
FORMAT = 3  # bump when the stored shape changes: older payloads are then recomputed


@dataclass(frozen=True, slots=True)
class KrFacts:
    id: int
    objective_id: int
    title: str
    kind: str
    unit: str
    start_value: float | None
    target_value: float | None
    current_value: float | None
    confidence: str
    weight: float
    due: date  # the key result's own due date, else the cycle's last day
    vanity_risk: bool
    last_checkin_at: datetime | None
    progress: float
    behind_from: date | None  # see `okr_app.okrs.pace.behind_from`
    metric: str | None = None  # the revenue metric of a metric key result


@dataclass(frozen=True, slots=True)
class ObjectiveFacts:
    """`private`, `owner_type`, `owner_person_id` and `team_id` are named as on `Objective`, so
    `okr_app.policy.can_view_objective` reads them unchanged."""

    id: int
    title: str
    owner_type: str
    owner_label: str
    owner_person_id: int | None
    team_id: int | None       # the team that owns a team objective
    unit_team_id: int | None  # the team it belongs to: its own, or its owner's for a personal objective
    unit_team_name: str | None
    private: bool
    parent_id: int | None     # the objective of the key result it aligns to, when that is in the cycle
    aligned_kr_id: int | None
    progress: float
    at_risk: bool             # a key result is at risk or off track
    last_checkin_at: datetime | None  # latest key-result check-in or, for a person, weekly report
    stale_at: datetime | None  # from this moment on it counts as stale (None: never)
    behind_from: date | None  # the first day a key result of it is behind pace (None: never)
    kr_ids: tuple[int, ...]

    def is_stale(self, now: datetime) -> bool:
        """A personal objective with key results to update and no check-in for 2+ weeks (counted from
        the cycle's start when there has never been one)."""
        return self.stale_at is not None and now > self.stale_at

    def is_behind(self, on: date) -> bool:
        return self.behind_from is not None and self.behind_from <= on

    @property
    def order(self) -> tuple:
        """Company first, then teams, then people, each by name."""
        return (OWNER_ORDER.get(self.owner_type, 3), self.owner_label.lower(), self.id)


@dataclass
class CycleRollup:
    cycle_id: int
    objectives: dict[int, ObjectiveFacts]
    key_results: dict[int, KrFacts]
    top_ids: list[int] = field(default_factory=list)               # no parent in the cycle, in order
    children_of: dict[int, list[int]] = field(default_factory=dict)  # key result → aligned objectives, in order
    by_owner: dict[int, list[int]] = field(default_factory=dict)     # person → their objectives, by id
    private_ids: list[int] = field(default_factory=list)
    reports_of: dict[int, list[int]] = field(default_factory=dict)  # the org chart: manager → direct reports
    # Over every objective reachable from the top (all of them but an alignment loop in old data):
    reachable: set[int] = field(default_factory=set)
    level_sizes: list[int] = field(default_factory=list)  # how many at each depth below the top
    at_risk_total: int = 0
    behind_days: list[date] = field(default_factory=list)    # each one's `behind_from`, sorted
    stale_moments: list[datetime] = field(default_factory=list)  # each one's `stale_at`, sorted
    # Answers rendered from this roll-up, by everything they depend on (see `okr_app.okrs.tree`);
    # they go when the roll-up does, at the next change of the cycle.
    rendered: dict = field(default_factory=dict, repr=False)

    @classmethod
    def build(cls, cycle_id: int, objectives: list[ObjectiveFacts], key_results: list[KrFacts],
              reports_of: dict[int, list[int]]) -> CycleRollup:
        rollup = cls(cycle_id=cycle_id, objectives={o.id: o for o in objectives},
                     key_results={k.id: k for k in key_results}, reports_of=reports_of)
        for o in sorted(objectives, key=lambda o: o.order):
            if o.parent_id is None:
                rollup.top_ids.append(o.id)
            else:
                rollup.children_of.setdefault(o.aligned_kr_id, []).append(o.id)
            if o.private:
                rollup.private_ids.append(o.id)
        for o in objectives:
            if o.owner_type == "person" and o.owner_person_id is not None:
                rollup.by_owner.setdefault(o.owner_person_id, []).append(o.id)
        level = list(rollup.top_ids)
        while level:
            rollup.level_sizes.append(len(level))
            rollup.reachable.update(level)
            level = [c for oid in level for kr in rollup.objectives[oid].kr_ids
                     for c in rollup.children_of.get(kr, ()) if c not in rollup.reachable]
        shown = [rollup.objectives[oid] for oid in rollup.reachable]
        rollup.at_risk_total = sum(o.at_risk for o in shown)
        rollup.behind_days = sorted(o.behind_from for o in shown if o.behind_from is not None)
        rollup.stale_moments = sorted(o.stale_at for o in shown if o.stale_at is not None)
        return rollup

    def below(self, person_id: int) -> set[int]:
        """Everyone under this person in the org chart, directly or not (the rule of
        `okr_app.org.subordinate_ids`, read from the chart kept here)."""
        found, stack = set(), list(self.reports_of.get(person_id, ()))
        while stack:
            pid = stack.pop()
            if pid not in found:
                found.add(pid)
                stack.extend(self.reports_of.get(pid, ()))
        return found

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "objectives": [_plain(o) for o in self.objectives.values()],
                           "key_results": [_plain(k) for k in self.key_results.values()],
                           "reports_of": [[m, r] for m, r in self.reports_of.items()]},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, cycle_id: int, text: str) -> CycleRollup | None:
        """None when the payload was written in another format (it is then recomputed)."""
        data = json.loads(text)
        if data.get("format") != FORMAT:
            return None
        return cls.build(cycle_id, [_revive(ObjectiveFacts, row) for row in data["objectives"]],
                         [_revive(KrFacts, row) for row in data["key_results"]],
                         {manager: reports for manager, reports in data["reports_of"]})


_DATES = {"due", "behind_from"}
_DATETIMES = {"last_checkin_at", "stale_at"}


def _plain(obj) -> list:
    """A facts object as a JSON row, its fields in declaration order (dates as ISO text)."""
    row = []
    for name in obj.__slots__:
        value = getattr(obj, name)
        if isinstance(value, (date, datetime)):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        row.append(value)
    return row


def _revive(kind, row: list):
    converters = _converters(kind)
    return kind(*[value if value is None or convert is None else convert(value)
                  for convert, value in zip(converters, row)])


@cache
def _converters(kind) -> list:
    names = [f.name for f in fields(kind)]
    return [date.fromisoformat if name in _DATES else datetime.fromisoformat if name in _DATETIMES
            else tuple if name == "kr_ids" else None for name in names]


@dataclass(frozen=True, slots=True)
class _ProgressRow:
    """What `ProgressBook` reads of an objective or key result (the names of the model's columns)."""

    id: int
    objective_id: int | None = None
    aligned_kr_id: int | None = None
    kind: str = ""
    start_value: float | None = None
    target_value: float | None = None
    current_value: float | None = None
    weight: float = 1.0
    title: str = ""


def compute_rollup(cycle: Cycle) -> CycleRollup:
    """Three queries at any size: objectives with their owners' names, teams and latest weekly
    report, key results, and the org chart."""
    owner, own_team, owner_team = aliased(Person), aliased(Team), aliased(Team)
    last_report = (sa.select(sa.func.max(WeeklyReport.updated_at))
                   .where(WeeklyReport.person_id == Objective.owner_person_id).scalar_subquery())
    objective_rows = db.session.execute(
        sa.select(Objective.id, Objective.title, Objective.owner_type, Objective.owner_person_id, Objective.team_id,
                  Objective.aligned_kr_id, Objective.private, owner.name.label("owner_name"),
                  owner.team_id.label("owner_team_id"), own_team.name.label("team_name"),
                  owner_team.name.label("owner_team_name"), last_report.label("last_report_at"))
        .outerjoin(owner, Objective.owner_person_id == owner.id)
        .outerjoin(own_team, Objective.team_id == own_team.id)
        .outerjoin(owner_team, owner.team_id == owner_team.id)
        .where(Objective.cycle_id == cycle.id).order_by(Objective.id)).all()
    kr_rows = db.session.execute(
        sa.select(KeyResult.id, KeyResult.objective_id, KeyResult.title, KeyResult.kind, KeyResult.unit,
                  KeyResult.start_value, KeyResult.target_value, KeyResult.current_value, KeyResult.confidence,
                  KeyResult.weight, KeyResult.due, KeyResult.leads_to_action, KeyResult.reproducible,
                  KeyResult.about_buyers, KeyResult.last_checkin_at, KeyResult.metric)
        .join(Objective, KeyResult.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle.id).order_by(KeyResult.position, KeyResult.id)).all()
    team_names = {r.team_id: r.team_name for r in objective_rows if r.team_id is not None}
    team_names.update({r.owner_team_id: r.owner_team_name for r in objective_rows if r.owner_team_id is not None})
    last_reports = {r.owner_person_id: r.last_report_at for r in objective_rows
                    if r.owner_person_id is not None and r.last_report_at is not None}
    reports_of: dict[int, list[int]] = {}
    for person_id, manager_id in db.session.execute(
            sa.select(Person.id, Person.manager_id).where(Person.manager_id.is_not(None)).order_by(Person.id)):
        reports_of.setdefault(manager_id, []).append(person_id)

    book = ProgressBook.from_rows(
        [_ProgressRow(id=r.id, aligned_kr_id=r.aligned_kr_id, title=r.title) for r in objective_rows],
        [_ProgressRow(id=r.id, objective_id=r.objective_id, kind=r.kind, start_value=r.start_value,
                      target_value=r.target_value, current_value=r.current_value, weight=r.weight, title=r.title)
         for r in kr_rows])
    key_results, krs_of = [], {}
    for r in kr_rows:
        progress = book.kr_progress(r.id)
        due = r.due or cycle.end
        facts = KrFacts(
            id=r.id, objective_id=r.objective_id, title=r.title, kind=r.kind, unit=r.unit, start_value=r.start_value,
            target_value=r.target_value, current_value=r.current_value, confidence=r.confidence, weight=r.weight,
            due=due, vanity_risk=not (r.leads_to_action and r.reproducible and r.about_buyers),
            last_checkin_at=r.last_checkin_at, progress=progress,
            behind_from=behind_from(progress, cycle.state, cycle.start, due), metric=r.metric)
        key_results.append(facts)
        krs_of.setdefault(r.objective_id, []).append(facts)

    kr_objective = {r.id: r.objective_id for r in kr_rows}
    cycle_start = datetime.combine(cycle.start, datetime.min.time())
    objectives = []
    for r in objective_rows:
        krs = krs_of.get(r.id, [])
        unit_team_id = r.team_id if r.owner_type == "team" else r.owner_team_id if r.owner_type == "person" else None
        moments = [k.last_checkin_at for k in krs if k.last_checkin_at]
        if r.owner_type == "person" and r.owner_person_id in last_reports:
            moments.append(last_reports[r.owner_person_id])
        last = max(moments) if moments else None
        updatable = r.owner_type == "person" and any(k.kind != "rollup" for k in krs)
        behind_days = [k.behind_from for k in krs if k.behind_from is not None]
        objectives.append(ObjectiveFacts(
            id=r.id, title=r.title, owner_type=r.owner_type,
            owner_label=_owner_label(r.owner_type, r.owner_name, team_names.get(r.team_id)),
            owner_person_id=r.owner_person_id, team_id=r.team_id, unit_team_id=unit_team_id,
            unit_team_name=team_names.get(unit_team_id), private=r.private,
            parent_id=kr_objective.get(r.aligned_kr_id), aligned_kr_id=r.aligned_kr_id,
            progress=book.objective_progress(r.id), at_risk=any(k.confidence in RISKY for k in krs),
            last_checkin_at=last, stale_at=(last or cycle_start) + STALE_AFTER if updatable else None,
            behind_from=min(behind_days) if behind_days else None, kr_ids=tuple(k.id for k in krs)))
    return CycleRollup.build(cycle.id, objectives, key_results, reports_of)


def _owner_label(owner_type: str, person_name: str | None, team_name: str | None) -> str:
    """As `Objective.owner_label` says it."""
    if owner_type == "company":
        return "Company"
    if owner_type == "team":
        return team_name or "Team"
    return person_name or "Person"
