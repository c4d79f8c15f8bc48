"""What the home page and the cascade page show, computed here so the templates only display.

Both read a whole cycle through `TreeBuilder` (a fixed number of queries at any organisation size)
and the weekly reports through `okr_app.checkins.team`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from okr_app.checkins.team import PersonRow, has_checked_in, not_checked_in
from okr_app.cycles.picked import picked_cycle_id
from okr_app.cycles.services import current_cycle
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, Person, Team
from okr_app.okrs.tree import STATUS_FILTERS, CycleTree, ObjectiveNode, TreeBuilder, TreeCounts, cycle_tree
from okr_app.policy import Actor
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

STATUS_LABELS = {"at_risk": "At risk", "behind": "Behind pace", "stale": "No check-in for 2+ weeks"}
BEHIND_SHOWN = 25


@dataclass(frozen=True)
class CycleChoice:
    id: int
    name: str
    state: str


@dataclass
class TreePage:
    week: str
    cycles: list[CycleChoice]
    tree: CycleTree | None
    counts: TreeCounts | None
    team_id: int | None
    status: str | None
    missing: list[PersonRow]

    @property
    def cycle_id(self) -> int | None:
        return self.tree.cycle.id if self.tree else None


def cycle_choices() -> list[CycleChoice]:
    return [CycleChoice(i, n, s) for i, n, s in db.session.execute(
        sa.select(Cycle.id, Cycle.name, Cycle.state).order_by(Cycle.start.desc(), Cycle.id.desc()))]


def tree_page(actor: Actor, cycle_id: int | None = None, team_id: int | None = None, status: str | None = None,
              on: date | None = None) -> TreePage:
    """The cascade of a cycle (default: the current one) filtered by team and status, its counts, and
    who has not checked in this ISO week (on the chosen team, when there is one). An unknown status
    shows the whole tree."""
    on = on or today()
    week = iso_week_of(on)
    status = status if status in STATUS_FILTERS else None
    cycle = db.session.get(Cycle, cycle_id) if cycle_id is not None else current_cycle(on, picked_id=picked_cycle_id())
    if cycle_id is not None and cycle is None:
        raise NotFound("No such cycle.")
    tree = cycle_tree(actor, cycle, on=on, team_id=team_id, status=status) if cycle is not None else None
    return TreePage(week=week, cycles=cycle_choices(), tree=tree, counts=tree.counts() if tree else None,
                    team_id=team_id, status=status, missing=not_checked_in(week, team_id))


@dataclass(frozen=True)
class TeamPulse:
    team_id: int
    name: str
    members: int
    missing: list[PersonRow]

    @property
    def checked_in(self) -> int:
        return self.members - len(self.missing)


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


def home(actor: Actor, on: date | None = None) -> Home:
    """My objectives with each key result's pace, the company's objectives my work rolls up to, whether
    I checked in this week, my team's check-ins, and (for anyone with reports) the people below me
    who are behind."""
    on = on or today()
    cycle = current_cycle(on, picked_id=picked_cycle_id())
    builder = TreeBuilder.for_cycle(actor, cycle, on) if cycle is not None else None
    mine = [builder.node(o, nest=False) for o in builder.visible_objectives_of([actor.id])] if builder else []
    company = [builder.node(o, nest=False) for o in builder.roots() if o.owner_type == "company"] if builder else []
    manages = bool(actor.below)
    behind = _behind_below(actor, builder, cycle) if manages else []
    return Home(name=actor.person.name, week=iso_week_of(on), cycle_name=cycle.name if cycle else None,
                objectives=mine, company=company, checked_in=has_checked_in(actor.id, on),
                team=_team_pulse(actor.person.team_id, on), manages=manages,
                behind=behind[:BEHIND_SHOWN], behind_total=len(behind))


def _team_pulse(team_id: int | None, on: date) -> TeamPulse | None:
    if team_id is None:
        return None
    row = db.session.execute(
        sa.select(Team.name, sa.func.count(Person.id)).outerjoin(
            Person, sa.and_(Person.team_id == Team.id, Person.active.is_(True)))
        .where(Team.id == team_id).group_by(Team.id, Team.name)).first()
    if row is None:
        return None
    return TeamPulse(team_id=team_id, name=row[0], members=row[1], missing=not_checked_in(iso_week_of(on), team_id))


def _behind_below(actor: Actor, builder: TreeBuilder | None, cycle: Cycle | None) -> list[BehindRow]:
    """People below me whose objective has a key result behind pace or at risk, or no check-in for
    2+ weeks, least progress first; then my direct reports with no objective in the cycle."""
    rows: list[BehindRow] = []
    owners: set[int] = set()
    if builder is not None:
        for objective in builder.visible_objectives_of(actor.below):
            owners.add(objective.owner_person_id)
            node = builder.node(objective, nest=False)
            reasons = _reasons(node)
            if reasons:
                rows.append(BehindRow(objective.owner_person_id, objective.owner_label, node.id, node.progress,
                                      reasons))
    rows.sort(key=lambda r: (r.progress, r.name.lower()))
    if cycle is not None:
        direct = db.session.execute(sa.select(Person.id, Person.name).where(
            Person.manager_id == actor.id, Person.active.is_(True)).order_by(Person.name))
        rows += [BehindRow(pid, name, None, None, [f"no objective in {cycle.name} yet"])
                 for pid, name in direct if pid not in owners]
    return rows


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
