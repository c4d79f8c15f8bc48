"""What the home page and the cascade page show, computed here so the templates only display.

Both read the cycle's cached roll-up through `CascadeView` and build nodes only for what they show
(the cascade opens at the company and team levels and loads deeper subtrees on demand); the weekly
reports come through `okr_app.checkins.team`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from okr_app.checkins.team import PersonRow, first_not_checked_in, has_checked_in
from okr_app.cycles.picked import picked_cycle_id
from okr_app.cycles.services import current_cycle
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, Objective, Person, Team
from okr_app.okrs.tree import STATUS_FILTERS, CascadeView, ObjectiveNode, TreeCounts
from okr_app.policy import Actor
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

STATUS_LABELS = {"at_risk": "At risk", "behind": "Behind pace", "stale": "No check-in for 2+ weeks"}
BEHIND_SHOWN = 25
MISSING_LISTED = 200  # names listed of those who have not checked in (the count is always whole)
TEAM_MISSING_LISTED = 30
PAGE_OBJECTIVES = 150  # levels of the cascade open in full while a page holds at most this many objectives


@dataclass(frozen=True)
class CycleChoice:
    id: int
    name: str
    state: str


@dataclass(frozen=True)
class ShownTree:
    """What the cascade page prints of a cycle: the top-level nodes (open `depth` levels deep, the
    rest loaded on demand), the cycle's headline progress and the counts, both over the whole
    (filtered) cycle."""

    cycle: Cycle
    roots: list[ObjectiveNode]
    teams: list[Team]
    progress: float
    depth: int | None  # None: every level is shown


@dataclass
class TreePage:
    week: str
    cycles: list[CycleChoice]
    tree: ShownTree | None
    counts: TreeCounts | None
    team_id: int | None
    status: str | None
    missing: list[PersonRow]  # the first MISSING_LISTED of them, by name
    missing_total: int

    @property
    def cycle_id(self) -> int | None:
        return self.tree.cycle.id if self.tree else None

    @property
    def all_shown(self) -> bool:
        return self.tree is None or not any(n.not_shown for root in self.tree.roots for n in root.walk())


def cycle_choices() -> list[CycleChoice]:
    return [CycleChoice(i, n, s) for i, n, s in db.session.execute(
        sa.select(Cycle.id, Cycle.name, Cycle.state).order_by(Cycle.start.desc(), Cycle.id.desc()))]


def tree_page(actor: Actor, cycle_id: int | None = None, team_id: int | None = None, status: str | None = None,
              on: date | None = None, every_level: bool = False) -> TreePage:
    """The cascade of a cycle (default: the current one) filtered by team and status, its counts, and
    who has not checked in this ISO week (on the chosen team, when there is one). An unknown status
    shows the whole tree. The company and team levels always open; deeper levels open while the page
    holds at most `PAGE_OBJECTIVES` objectives (`every_level`: all of them)."""
    on = on or today()
    week = iso_week_of(on)
    status = status if status in STATUS_FILTERS else None
    cycle = db.session.get(Cycle, cycle_id) if cycle_id is not None else current_cycle(on, picked_id=picked_cycle_id())
    if cycle_id is not None and cycle is None:
        raise NotFound("No such cycle.")
    tree, counts = None, None
    if cycle is not None:
        view = CascadeView.for_cycle(actor, cycle, on=on, team_id=team_id, status=status)
        roots = view.root_ids()
        depth = None if every_level else open_depth(view, roots)
        tree = ShownTree(cycle=cycle, roots=[view.node(oid, depth) for oid in roots],
                         teams=list(db.session.scalars(sa.select(Team).order_by(Team.name))),
                         progress=view.progress(), depth=depth)
        counts = view.counts()
    missing_total, missing = first_not_checked_in(week, team_id, MISSING_LISTED)
    return TreePage(week=week, cycles=cycle_choices(), tree=tree, counts=counts, team_id=team_id, status=status,
                    missing=missing, missing_total=missing_total)


def open_depth(view: CascadeView, roots: list[int]) -> int:
    """How many levels below the roots to open: at least the team level under company objectives
    (1) and more while the page stays within `PAGE_OBJECTIVES`."""
    sizes = view.levels(roots, PAGE_OBJECTIVES)
    depth = 1 if any(view.rollup.objectives[oid].owner_type == "company" for oid in roots) else 0
    while depth + 1 < len(sizes) and sum(sizes[:depth + 2]) <= PAGE_OBJECTIVES:
        depth += 1
    return depth


@dataclass(frozen=True)
class SubtreePage:
    cycle: Cycle
    node: ObjectiveNode
    parent_id: int | None  # the shown objective above it, for the way back up


def subtree(actor: Actor, objective_id: int, team_id: int | None = None, status: str | None = None,
            on: date | None = None) -> SubtreePage:
    """One objective of the cascade with the objectives aligned below it, opened as the tree page
    opens its top (the same filters apply, over the whole cycle). An objective the reader may not
    see is NotFound, like one that does not exist."""
    cycle_id = db.session.scalar(sa.select(Objective.cycle_id).where(Objective.id == objective_id))
    cycle = db.session.get(Cycle, cycle_id) if cycle_id is not None else None
    if cycle is None:
        raise NotFound("No such objective.")
    status = status if status in STATUS_FILTERS else None
    view = CascadeView.for_cycle(actor, cycle, on=on or today(), team_id=team_id, status=status)
    if objective_id in view.hidden:
        raise NotFound("No such objective.")
    depth = max(open_depth(view, [objective_id]), 1)
    parent = view.rollup.objectives[objective_id].parent_id
    return SubtreePage(cycle=cycle, node=view.node(objective_id, depth),
                       parent_id=parent if parent is not None and parent not in view.hidden else None)


@dataclass(frozen=True)
class TeamPulse:
    team_id: int
    name: str
    members: int
    missing: list[PersonRow]  # the first TEAM_MISSING_LISTED of them, by name
    missing_total: int

    @property
    def checked_in(self) -> int:
        return self.members - self.missing_total


@dataclass(frozen=True)
class BehindRow:
    person_id: int
    name: str
    objective_id: int | None
    progress: float | None
    reasons: list[str]


@dataclass
class Home:
    name: str
    week: str
    cycle_name: str | None
    objectives: list[ObjectiveNode]
    company: list[ObjectiveNode]
    checked_in: bool
    team: TeamPulse | None
    manages: bool
    behind: list[BehindRow] = field(default_factory=list)
    behind_total: int = 0


def home_page(actor: Actor, on: date | None = None) -> Home:
    """My objectives with each key result's pace, the company's objectives my work rolls up to, whether
    I checked in this week, my team's check-ins, and (for anyone with reports) the people below me
    who are behind."""
    on = on or today()
    cycle = current_cycle(on, picked_id=picked_cycle_id())
    view = CascadeView.for_cycle(actor, cycle, on=on) if cycle is not None else None
    mine = [view.node(oid, 0) for oid in view.objectives_of([actor.id])] if view else []
    company = [view.node(oid, 0) for oid in view.root_ids()
               if view.rollup.objectives[oid].owner_type == "company"] if view else []
    manages = bool(actor.below)
    behind, behind_total = _behind_below(actor, view, cycle) if manages else ([], 0)
    return Home(name=actor.person.name, week=iso_week_of(on), cycle_name=cycle.name if cycle else None,
                objectives=mine, company=company, checked_in=has_checked_in(actor.id, on),
                team=_team_pulse(actor.person.team_id, on), manages=manages,
                behind=behind, behind_total=behind_total)


def _team_pulse(team_id: int | None, on: date) -> TeamPulse | None:
    if team_id is None:
        return None
    row = db.session.execute(
        sa.select(Team.name, sa.func.count(Person.id)).outerjoin(
            Person, sa.and_(Person.team_id == Team.id, Person.active.is_(True)))
        .where(Team.id == team_id).group_by(Team.id, Team.name)).first()
    if row is None:
        return None
    total, first = first_not_checked_in(iso_week_of(on), team_id, TEAM_MISSING_LISTED)
    return TeamPulse(team_id=team_id, name=row[0], members=row[1], missing=first, missing_total=total)


def _behind_below(actor: Actor, view: CascadeView | None, cycle: Cycle | None) -> tuple[list[BehindRow], int]:
    """People below me whose objective has a key result behind pace or at risk, or no check-in for
    2+ weeks, least progress first; then my direct reports with no objective in the cycle. The
    first BEHIND_SHOWN rows, and how many there are in all (nodes are built only for those shown)."""
    behind = []
    owners: set[int] = set()
    if view is not None:
        for oid in view.objectives_of(actor.below):
            facts = view.rollup.objectives[oid]
            owners.add(facts.owner_person_id)
            if facts.at_risk or facts.is_behind(view.on) or facts.is_stale(view.now):
                behind.append(facts)
    behind.sort(key=lambda f: (f.progress, f.owner_label.lower()))
    rows = []
    for facts in behind[:BEHIND_SHOWN]:
        node = view.node(facts.id, 0)
        rows.append(BehindRow(facts.owner_person_id, facts.owner_label, node.id, node.progress, _reasons(node)))
    total = len(behind)
    if cycle is not None:
        direct = db.session.execute(sa.select(Person.id, Person.name).where(
            Person.manager_id == actor.id, Person.active.is_(True)).order_by(Person.name))
        without = [BehindRow(pid, name, None, None, [f"no objective in {cycle.name} yet"])
                   for pid, name in direct if pid not in owners]
        rows += without[:max(0, BEHIND_SHOWN - len(rows))]
        total += len(without)
    return rows, total


def _reasons(node: ObjectiveNode) -> list[str]:
    behind = sum(kr.pace == "behind" for kr in node.key_results)
    risky = sum(kr.at_risk for kr in node.key_results)
    reasons = []
    if behind:
        reasons.append(f"{behind} key result{'' if behind == 1 else 's'} behind pace")
    if risky:
        reasons.append(f"{risky} at risk")
    if node.stale:
        reasons.append("no check-in for 2+ weeks")
    return reasons
