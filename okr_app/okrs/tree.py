"""The cascade of a cycle as a tree: company → teams → people, progress rolled up.

Everything here reads the cycle's cached roll-up (`okr_app.okrs.rollup_cache.rollup_of`: one small
query while nothing changed) and builds nodes only for the objectives a page shows. `cycle_tree`
serves `GET /api/v1/cycles/<id>/tree` (whole, or from a root down to a depth); the tree page, its
subtree fragments, the team page and the home page build their nodes with the same `CascadeView`,
so every page shows the same progress, pace and staleness.
"""
from __future__ import annotations

from dataclasses import dataclass, field
import json
from bisect import bisect_left, bisect_right
from datetime import date, datetime

import sqlalchemy as sa

from okr_app.clock import today, utcnow
from okr_app.domain.progress import Measure, current_of, expected_progress
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, Team
from okr_app.okrs.display import format_value
from okr_app.okrs.pace import pace_on
from okr_app.okrs.rollup import RISKY, CycleRollup, KrFacts, ObjectiveFacts
from okr_app.okrs.rollup_cache import rollup_of
from okr_app.policy import Actor, can_view_objective

STATUS_FILTERS = ("at_risk", "behind", "stale")


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
    pace: str | None  # None in a closed cycle (see `okr_app.okrs.pace`)
    confidence: str
    weight: float
    due: date
    vanity_risk: bool
    objectives: list[ObjectiveNode] = field(default_factory=list)
    hidden: int = 0  # aligned objectives left out below this key result (a depth was asked for)
    metric: str | None = None  # a metric key result: the revenue metric it is computed from

    def to_dict(self) -> dict:
        out = {"id": self.id, "title": self.title, "kind": self.kind, "metric": self.metric, "unit": self.unit,
               "start": self.start,
               "target": self.target, "current": self.current, "progress": round(self.progress, 4),
               "expected": round(self.expected, 4), "pace": self.pace, "confidence": self.confidence,
               "weight": self.weight, "due": self.due.isoformat(), "vanity_risk": self.vanity_risk,
               "objectives": [o.to_dict() for o in self.objectives]}
        if self.hidden:
            out["objectives_not_shown"] = self.hidden
        return out

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
        if self.kind == "metric" and self.current is None:
            return f"no cohort yet / {format_value(self.target, self.unit)}"
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

    @property
    def not_shown(self) -> int:
        """Aligned objectives below this one's key results that the page loads on demand."""
        return sum(kr.hidden for kr in self.key_results)


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


class CascadeView:
    """A cycle's roll-up as one viewer sees it on one day, optionally filtered.

    Only the private objectives are asked about (`can_view_objective`): every other one is visible
    to everyone. Filters keep the matching objectives and their ancestors, over the whole cycle; the
    counts are of what is kept. Nodes are built only for what a page shows."""

    def __init__(self, actor: Actor, cycle: Cycle, rollup: CycleRollup, *, on: date, now: datetime,
                 team_id: int | None = None, status: str | None = None) -> None:
        self.actor, self.cycle, self.rollup, self.on, self.now = actor, cycle, rollup, on, now
        self.hidden: set[int] = set()
        if rollup.private_ids:
            reader = actor if "below" in actor.__dict__ else Actor(actor.person, _below=rollup.below(actor.id))
            self.hidden = {oid for oid in rollup.private_ids
                           if not can_view_objective(reader, rollup.objectives[oid])}
        self.filtered = team_id is not None or bool(status)
        self.kept = self._kept(_matcher(team_id, status, on, now)) if self.filtered else None

    @classmethod
    def for_cycle(cls, actor: Actor, cycle: Cycle, *, on: date | None = None, team_id: int | None = None,
                  status: str | None = None) -> CascadeView:
        return cls(actor, cycle, rollup_of(cycle), on=on or today(), now=utcnow(), team_id=team_id, status=status)

    # --- which objectives ------------------------------------------------------------------------

    def shown(self, objective_id: int) -> bool:
        return objective_id not in self.hidden and (self.kept is None or objective_id in self.kept)

    def root_ids(self) -> list[int]:
        """Shown objectives with no shown parent: company first, then teams, then people."""
        objectives = self.rollup.objectives
        roots = [oid for oid in self.rollup.top_ids if self.shown(oid)]
        orphans = [child for hidden in self.hidden for kr in objectives[hidden].kr_ids
                   for child in self.rollup.children_of.get(kr, []) if self.shown(child)]
        if orphans:
            roots = sorted(roots + orphans, key=lambda oid: objectives[oid].order)
        return roots

    def child_ids(self, kr_id: int) -> list[int]:
        return [oid for oid in self.rollup.children_of.get(kr_id, []) if self.shown(oid)]

    def objectives_of(self, person_ids) -> list[int]:
        """The visible personal objectives these people own in the cycle, by id."""
        found = [oid for pid in set(person_ids) for oid in self.rollup.by_owner.get(pid, ())
                 if oid not in self.hidden]
        return sorted(found)

    def counts(self) -> TreeCounts:
        """Every shown objective, however deep: how many, at risk, behind pace, stale. Unfiltered,
        from the roll-up's totals less what this reader may not see (a hidden objective's children
        are shown, as roots); filtered, over what the filters keep."""
        rollup = self.rollup
        if self.kept is not None:
            kept = [rollup.objectives[oid] for oid in self.kept if oid in rollup.reachable]
            return TreeCounts(objectives=len(kept), at_risk=sum(o.at_risk for o in kept),
                              behind=sum(o.is_behind(self.on) for o in kept),
                              stale=sum(o.is_stale(self.now) for o in kept))
        hidden = [rollup.objectives[oid] for oid in self.hidden if oid in rollup.reachable]
        return TreeCounts(
            objectives=len(rollup.reachable) - len(hidden),
            at_risk=rollup.at_risk_total - sum(o.at_risk for o in hidden),
            behind=bisect_right(rollup.behind_days, self.on) - sum(o.is_behind(self.on) for o in hidden),
            stale=bisect_left(rollup.stale_moments, self.now) - sum(o.is_stale(self.now) for o in hidden))

    def levels(self, root_ids: list[int], up_to: int) -> list[int]:
        """How many shown objectives sit at each depth below these roots (roots at depth 0), level by
        level until the total passes `up_to` (the last size given may then be an upper bound)."""
        sizes, level, total = [], list(root_ids), 0
        seen = set(level)
        while level:
            sizes.append(len(level))
            total += len(level)
            krs = [kr for oid in level for kr in self.rollup.objectives[oid].kr_ids]
            bound = sum(len(self.rollup.children_of.get(kr, ())) for kr in krs)
            if bound and total + bound > up_to:
                sizes.append(bound)
                break
            level = [c for kr in krs for c in self.child_ids(kr) if c not in seen]
            seen.update(level)
        return sizes

    def _kept(self, matches) -> set[int]:
        """The matching visible objectives and every visible ancestor of theirs."""
        objectives, kept = self.rollup.objectives, set()
        for facts in objectives.values():
            if facts.id in self.hidden or not matches(facts):
                continue
            current = facts
            while current is not None and current.id not in kept and current.id not in self.hidden:
                kept.add(current.id)
                current = objectives.get(current.parent_id) if current.parent_id is not None else None
        return kept

    # --- nodes -----------------------------------------------------------------------------------

    def node(self, objective_id: int, depth: int | None = None, path: frozenset[int] = frozenset()) -> ObjectiveNode:
        """One objective with its key results; the shown objectives aligned to each key result hang
        under it down to `depth` more levels (None: all the way; 0: none, counted in `hidden`)."""
        facts = self.rollup.objectives[objective_id]
        cycle, on = self.cycle, self.on
        krs = []
        for kr_id in facts.kr_ids:
            kr = self.rollup.key_results[kr_id]
            child_ids = [c for c in self.child_ids(kr_id) if c not in path and c != objective_id]
            nested = depth is None or depth > 0
            children = [self.node(c, None if depth is None else depth - 1, path | {objective_id})
                        for c in child_ids] if nested else []
            krs.append(KrNode(
                id=kr.id, title=kr.title, kind=kr.kind, unit=kr.unit, start=kr.start_value, target=kr.target_value,
                current=_current(kr), metric=kr.metric,
                progress=kr.progress, expected=expected_progress(cycle.start, kr.due, on),
                pace=pace_on(kr.progress, cycle.state, cycle.start, kr.due, on), confidence=kr.confidence,
                weight=kr.weight, due=kr.due, vanity_risk=kr.vanity_risk, objectives=children,
                hidden=0 if nested else len(child_ids)))
        return ObjectiveNode(
            id=facts.id, title=facts.title, owner_type=facts.owner_type, owner_label=facts.owner_label,
            owner_person_id=facts.owner_person_id, team_id=facts.unit_team_id, team_name=facts.unit_team_name,
            private=facts.private, progress=facts.progress, at_risk=facts.at_risk, stale=facts.is_stale(self.now),
            last_checkin_at=facts.last_checkin_at, key_results=krs)

    def progress(self) -> float:
        return overall_progress([self.rollup.objectives[oid] for oid in self.root_ids()])


def _current(kr: KrFacts) -> float | None:
    """The latest check-in (the start before the first); a metric's computed value (None: no cohort yet)."""
    if kr.kind == "rollup":
        return None
    if kr.kind == "metric":
        return kr.current_value
    return current_of(Measure(kr.kind, kr.start_value, kr.target_value, kr.current_value))


def cycle_tree(actor: Actor, cycle: Cycle, *, on: date | None = None, team_id: int | None = None,
               status: str | None = None, root: int | None = None, depth: int | None = None) -> CycleTree:
    """The visible cascade of a cycle; `team_id` / `status` keep matching objectives and their ancestors.

    status: "at_risk" (a key result at risk or off track), "behind" (a key result behind pace),
    "stale" (a personal objective with no check-in for 2+ weeks). `root` starts the tree at one
    shown objective instead of at the top; `depth` stops it that many levels below (None: the whole
    cascade). A root that is not shown is NotFound."""
    return _tree_from(CascadeView.for_cycle(actor, cycle, on=on, team_id=team_id, status=status), root, depth)


RENDERED_KEPT = 16


def cycle_tree_json(actor: Actor, cycle: Cycle, *, team_id: int | None = None, status: str | None = None,
                    root: int | None = None, depth: int | None = None) -> str:
    """`cycle_tree(...).to_dict()` as JSON text, rendered once per state of what it depends on: the
    roll-up (so the cycle's generation), what this reader may not see, the day (pace), which
    objectives are stale by now (the count of stale moments passed fixes that set), and the
    arguments. The full cascade of a big company is megabytes: integrations polling it get the
    same text until something changes."""
    view = CascadeView.for_cycle(actor, cycle, team_id=team_id, status=status)
    key = (frozenset(view.hidden), view.on, bisect_left(view.rollup.stale_moments, view.now), team_id, status,
           root, depth)
    rendered = view.rollup.rendered
    if key not in rendered:
        if len(rendered) >= RENDERED_KEPT:
            rendered.clear()
        rendered[key] = json.dumps(_tree_from(view, root, depth).to_dict(), separators=(",", ":"))
    return rendered[key]


def _tree_from(view: CascadeView, root: int | None, depth: int | None) -> CycleTree:
    if root is not None:
        if root not in view.rollup.objectives or not view.shown(root):
            raise NotFound("No such objective in this cycle.")
        top = [root]
    else:
        top = view.root_ids()
    teams = list(db.session.scalars(sa.select(Team).order_by(Team.name)))
    return CycleTree(cycle=view.cycle, roots=[view.node(oid, depth) for oid in top], teams=teams,
                     progress=view.progress())


def overall_progress(roots) -> float:
    """The cycle's headline figure: the mean of the company objectives shown, or of every top-level
    objective when the company has set none (each company objective already rolls the cascade up)."""
    company = [r for r in roots if r.owner_type == "company"] or roots
    return sum(r.progress for r in company) / len(company) if company else 0.0


def _matcher(team_id: int | None, status: str | None, on: date, now: datetime):
    def matches(facts: ObjectiveFacts) -> bool:
        if team_id is not None and facts.unit_team_id != team_id:
            return False
        if status == "at_risk":
            return facts.at_risk
        if status == "behind":
            return facts.is_behind(on)
        if status == "stale":
            return facts.is_stale(now)
        return True
    return matches
