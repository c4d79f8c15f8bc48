"""The cascade of a cycle as a tree: company → teams → people, progress rolled up.

One function, `cycle_tree`, serves the tree page and `GET /api/v1/cycles/<id>/tree`. It reads the
whole cycle in a fixed number of queries (see `ProgressBook.for_cycle`) and never queries per node; the team
page and the home page build their objective nodes with the same `TreeBuilder`, so every page
shows the same progress, pace and staleness.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from okr_app.domain.progress import current_of, expected_progress
from okr_app.okrs.pace import pace_in_cycle
from okr_app.extensions import db
from okr_app.models import Cycle, Objective, Team, WeeklyReport
from okr_app.okrs.display import format_value
from okr_app.okrs.progress import ProgressBook, measure_of
from okr_app.policy import Actor, can_view_objective
from okr_app.clock import today, utcnow

STALE_AFTER = timedelta(days=14)
STATUS_FILTERS = ("at_risk", "behind", "stale")
OWNER_ORDER = {"company": 0, "team": 1, "person": 2}
RISKY = ("at_risk", "off_track")


@dataclass
class KrNode:
    id: int
    title: str
    kind: str
    unit: str
    start: float | None
    target: float | None
    current: float | None
    progress: float
    expected: float
    pace: str
    confidence: str
    weight: float
    due: date
    vanity_risk: bool
    objectives: list[ObjectiveNode] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "kind": self.kind, "unit": self.unit, "start": self.start,
                "target": self.target, "current": self.current, "progress": round(self.progress, 4),
                "expected": round(self.expected, 4), "pace": self.pace, "confidence": self.confidence,
                "weight": self.weight, "due": self.due.isoformat(), "vanity_risk": self.vanity_risk,
                "objectives": [o.to_dict() for o in self.objectives]}

    @property
    def at_risk(self) -> bool:
        return self.confidence in RISKY

    @property
    def show_confidence(self) -> bool:
        """A roll-up's progress is computed and nobody sets its confidence: the 'on track' it carries
        by default is not shown beside its pace, where it would contradict a 'behind'."""
        return self.kind != "rollup"

    @property
    def value_label(self) -> str:
        """'$120,000 / $200,000', 'done', or 'roll-up' for the page (the JSON keeps the numbers)."""
        if self.kind == "rollup":
            return "roll-up of aligned objectives"
        if self.kind == "milestone":
            return "done" if (self.current or 0) >= 1 else "not done yet"
        return f"{format_value(self.current, self.unit)} / {format_value(self.target, self.unit)}"


@dataclass
class ObjectiveNode:
    id: int
    title: str
    owner_type: str
    owner_label: str
    owner_person_id: int | None
    team_id: int | None
    team_name: str | None
    private: bool
    progress: float
    at_risk: bool
    stale: bool
    last_checkin_at: datetime | None
    key_results: list[KrNode] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "owner_type": self.owner_type, "owner": self.owner_label,
                "owner_person_id": self.owner_person_id, "team_id": self.team_id, "team": self.team_name,
                "private": self.private, "progress": round(self.progress, 4), "at_risk": self.at_risk,
                "stale": self.stale,
                "last_checkin_at": self.last_checkin_at.isoformat() if self.last_checkin_at else None,
                "key_results": [kr.to_dict() for kr in self.key_results]}

    def walk(self):
        yield self
        for kr in self.key_results:
            for child in kr.objectives:
                yield from child.walk()

    @property
    def behind(self) -> bool:
        return any(kr.pace == "behind" for kr in self.key_results)


@dataclass(frozen=True)
class TreeCounts:
    objectives: int
    at_risk: int
    behind: int
    stale: int


@dataclass
class CycleTree:
    cycle: Cycle
    roots: list[ObjectiveNode]
    teams: list[Team]
    progress: float  # see overall_progress

    def to_dict(self) -> dict:
        c = self.cycle
        return {"cycle": {"id": c.id, "name": c.name, "start": c.start.isoformat(), "end": c.end.isoformat(),
                          "weeks": c.weeks, "state": c.state},
                "progress": round(self.progress, 4), "objectives": [o.to_dict() for o in self.roots]}

    def nodes(self):
        """Every objective shown, depth first."""
        for root in self.roots:
            yield from root.walk()

    def counts(self) -> TreeCounts:
        nodes = list(self.nodes())
        return TreeCounts(objectives=len(nodes), at_risk=sum(n.at_risk for n in nodes),
                          behind=sum(n.behind for n in nodes), stale=sum(n.stale for n in nodes))


def last_reports_of_owners(cycle_id: int) -> dict[int, datetime]:
    """When each objective owner of the cycle last wrote or edited a weekly report (one query)."""
    owners = sa.select(Objective.owner_person_id).where(Objective.cycle_id == cycle_id,
                                                        Objective.owner_person_id.is_not(None))
    rows = db.session.execute(
        sa.select(WeeklyReport.person_id, sa.func.max(WeeklyReport.updated_at))
        .where(WeeklyReport.person_id.in_(owners)).group_by(WeeklyReport.person_id))
    return {person_id: at for person_id, at in rows}


class TreeBuilder:
    """Turns a cycle's objectives into nodes for one viewer, on one day, without further queries."""

    def __init__(self, actor: Actor, cycle: Cycle, book: ProgressBook, teams: list[Team],
                 last_reports: dict[int, datetime], on: date, now: datetime) -> None:
        self.actor, self.cycle, self.book, self.teams = actor, cycle, book, teams
        self.team_names = {t.id: t.name for t in teams}
        self.last_reports = last_reports
        self.on, self.now = on, now
        self.visible = {oid for oid, o in book.objectives.items() if can_view_objective(actor, o)}

    @classmethod
    def for_cycle(cls, actor: Actor, cycle: Cycle, on: date | None = None) -> TreeBuilder:
        """Five queries: objectives, key results, teams, owners' last reports, and (only when a
        private objective is in the cycle) the viewer's org-chart subtree."""
        book = ProgressBook.for_cycle(cycle.id)
        teams = list(db.session.scalars(sa.select(Team).order_by(Team.name)))
        return cls(actor, cycle, book, teams, last_reports_of_owners(cycle.id), on or today(), utcnow())

    def roots(self) -> list[Objective]:
        """Visible objectives not nested under a visible key result, company first, then teams, then people."""
        book = self.book
        return sorted((o for o in book.objectives.values()
                       if o.id in self.visible
                       and (o.aligned_kr_id is None or o.aligned_kr_id not in book.key_results
                            or book.key_results[o.aligned_kr_id].objective_id not in self.visible)), key=_order)

    def visible_objectives_of(self, person_ids) -> list[Objective]:
        """The visible personal objectives these people own in the cycle."""
        person_ids = set(person_ids)
        return sorted((o for o in self.book.objectives.values()
                       if o.owner_type == "person" and o.owner_person_id in person_ids and o.id in self.visible),
                      key=lambda o: o.id)

    def node(self, objective: Objective, path: frozenset[int] = frozenset(), nest: bool = True) -> ObjectiveNode:
        """One objective with its key results; with `nest`, the visible objectives aligned to each
        key result hang under it (a loop in old data is cut where it closes)."""
        book, cycle, on = self.book, self.cycle, self.on
        krs = []
        for kr in book.krs_of.get(objective.id, []):
            progress = book.kr_progress(kr.id)
            due = kr.due or cycle.end
            children = [self.node(child, path | {objective.id})
                        for child in sorted(book.aligned_to.get(kr.id, []), key=_order)
                        if child.id in self.visible and child.id not in path] if nest else []
            krs.append(KrNode(
                id=kr.id, title=kr.title, kind=kr.kind, unit=kr.unit, start=kr.start_value, target=kr.target_value,
                current=current_of(measure_of(kr)) if kr.kind != "rollup" else None, progress=progress,
                expected=expected_progress(cycle.start, due, on), pace=pace_in_cycle(progress, cycle, due, on),
                confidence=kr.confidence, weight=kr.weight, due=due, vanity_risk=kr.vanity_risk,
                objectives=children))
        last = self._last_check_in(objective)
        team_id_of = objective.team_id if objective.owner_type == "team" else (
            objective.owner_person.team_id if objective.owner_person else None)
        return ObjectiveNode(
            id=objective.id, title=objective.title, owner_type=objective.owner_type,
            owner_label=objective.owner_label, owner_person_id=objective.owner_person_id, team_id=team_id_of,
            team_name=self.team_names.get(team_id_of), private=objective.private,
            progress=book.objective_progress(objective.id),
            at_risk=any(kr.at_risk for kr in krs),
            stale=self._is_stale(objective, krs, last), last_checkin_at=last, key_results=krs)

    def _last_check_in(self, objective: Objective) -> datetime | None:
        """The latest key-result check-in or, for a personal objective, weekly report of its owner:
        submitting the weekly check-in counts even when no number moved."""
        moments = [kr.last_checkin_at for kr in self.book.krs_of.get(objective.id, []) if kr.last_checkin_at]
        if objective.owner_type == "person" and objective.owner_person_id in self.last_reports:
            moments.append(self.last_reports[objective.owner_person_id])
        return max(moments) if moments else None

    def _is_stale(self, objective: Objective, krs: list[KrNode], last: datetime | None) -> bool:
        """A personal objective with key results to update and no check-in for 2+ weeks (counted from
        the cycle's start when there has never been one)."""
        if objective.owner_type != "person" or not any(kr.kind != "rollup" for kr in krs):
            return False
        since = last or datetime.combine(self.cycle.start, datetime.min.time())
        return self.now - since > STALE_AFTER


def cycle_tree(actor: Actor, cycle: Cycle, *, on: date | None = None, team_id: int | None = None,
               status: str | None = None) -> CycleTree:
    """The visible cascade of a cycle; `team_id` / `status` keep matching objectives and their ancestors.

    status: "at_risk" (a key result at risk or off track), "behind" (a key result behind pace),
    "stale" (a personal objective with no check-in for 2+ weeks)."""
    builder = TreeBuilder.for_cycle(actor, cycle, on)
    roots = [builder.node(o) for o in builder.roots()]
    if team_id is not None or status:
        roots = [node for node in (_prune(r, _matcher(team_id, status)) for r in roots) if node is not None]
    return CycleTree(cycle=cycle, roots=roots, teams=builder.teams, progress=overall_progress(roots))


def overall_progress(roots: list[ObjectiveNode]) -> float:
    """The cycle's headline figure: the mean of the company objectives shown, or of every top-level
    objective when the company has set none (each company objective already rolls the cascade up)."""
    company = [r for r in roots if r.owner_type == "company"] or roots
    return sum(r.progress for r in company) / len(company) if company else 0.0


def _order(objective: Objective):
    return (OWNER_ORDER.get(objective.owner_type, 3), objective.owner_label.lower(), objective.id)


def _matcher(team_id: int | None, status: str | None):
    def matches(node: ObjectiveNode) -> bool:
        if team_id is not None and node.team_id != team_id:
            return False
        if status == "at_risk":
            return node.at_risk
        if status == "behind":
            return node.behind
        if status == "stale":
            return node.stale
        return True
    return matches


def _prune(node: ObjectiveNode, matches) -> ObjectiveNode | None:
    """Keep a node when it matches or a descendant does (ancestors stay for context)."""
    kept_any = False
    for kr in node.key_results:
        kr.objectives = [child for child in (_prune(c, matches) for c in kr.objectives) if child is not None]
        kept_any = kept_any or bool(kr.objectives)
    return node if kept_any or matches(node) else None
