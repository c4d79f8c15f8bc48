"""Who has checked in: a group of people (my reports, everyone below me, or a team or pod) with their
latest weekly report and their objectives, and the people with no report this ISO week. Read models
only; a fixed number of queries at any group size, and plain rows out (templates never reach back
into the database)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from okr_app.cycles.picked import picked_cycle_id
from okr_app.cycles.services import current_cycle
from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, Objective, Person, ReportReply, Team, WeeklyReport
from okr_app.okrs.tree import CascadeView, KrNode, ObjectiveNode
from okr_app.policy import Actor, can_nudge, can_read_weekly, can_reply_to, can_view_objective
from okr_app.domain.weeks import iso_week_of


@dataclass(frozen=True)
class ReplyView:
    author: str
    body: str
    at: datetime


@dataclass(frozen=True)
class ReportView:
    id: int
    person_id: int
    person_name: str
    week: str
    satisfaction: int
    progress: str
    plans: str
    problems: str
    updated_at: datetime
    replies: list[ReplyView] = field(default_factory=list)
    can_reply: bool = False


@dataclass(frozen=True)
class MemberRow:
    person_id: int
    name: str
    role: str
    detail: str  # where they sit, on a page that is not one team's: "Sales · reports to Sam Rivera"
    is_me: bool
    checked_in: bool  # a report for this ISO week exists
    latest_week: str | None  # the week of the latest report, shown to everyone
    readable: bool  # may the viewer read this member's reports (text and satisfaction)?
    report: ReportView | None  # the latest report, only when readable
    objectives: list[ObjectiveNode]
    objectives_note: str | None  # what to say when no objective is listed (None: say nothing)
    can_nudge: bool = False  # the viewer is above them and may remind them to check in

    @property
    def risky_krs(self) -> list[KrNode]:
        """Key results their owner marks at risk or off track."""
        return [kr for o in self.objectives for kr in o.key_results if kr.at_risk]


@dataclass(frozen=True)
class Group:
    """Whose check-ins the team page shows: the viewer's direct reports ("reports"), everyone below
    them in the org chart ("below"), or the members of one team or pod ("team")."""

    kind: str
    title: str
    team_id: int | None = None
    is_pod: bool = False

    @property
    def empty_text(self) -> str:
        if self.kind == "team":
            return f"Nobody is on this {'pod' if self.is_pod else 'team'} yet."
        return "Nobody reports to you in the org chart."

    @property
    def query_args(self) -> dict[str, str | int]:
        """The page's address for this group, also where a reply posted from it leads back."""
        if self.kind == "team":
            return {"team": self.team_id}
        return {"reports": "all" if self.kind == "below" else "direct"}


@dataclass(frozen=True)
class ReportsCount:
    """How many active people report to the viewer: directly, and in all (directly or not)."""

    direct: int
    all: int


@dataclass(frozen=True)
class TeamStatus:
    group: Group
    subtitle: str
    week: str
    cycle_name: str | None
    members: list[MemberRow]

    @property
    def missing(self) -> list[MemberRow]:
        return [m for m in self.members if not m.checked_in]

    @property
    def checked_in_count(self) -> int:
        return len(self.members) - len(self.missing)

    @property
    def unreadable_count(self) -> int:
        """Members whose reports only their managers and leaders read: the page says why once."""
        return sum(not m.readable for m in self.members)


@dataclass(frozen=True)
class TeamChoices:
    """The team selector: functional teams and cross-functional pods, each by name."""

    functions: list[tuple[int, str]]
    pods: list[tuple[int, str]]


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    team_name: str | None


def teams() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).order_by(Team.name)))


def team_choices(all_teams: list[Team]) -> TeamChoices:
    ordered = sorted(all_teams, key=lambda t: t.name.lower())
    return TeamChoices(functions=[(t.id, t.name) for t in ordered if t.kind != "pod"],
                       pods=[(t.id, t.name) for t in ordered if t.kind == "pod"])


def _below_ids(person_id: int) -> sa.Select:
    """Everyone under this person in the org chart, directly or not, as a subquery (the rule of
    `okr_app.org.subordinate_ids`, kept in SQL so no list of ids travels back and forth)."""
    below = sa.select(Person.id).where(Person.manager_id == person_id).cte("below", recursive=True)
    below = below.union(sa.select(Person.id).join(below, Person.manager_id == below.c.id))
    return sa.select(below.c.id)


def reports_count(actor: Actor) -> ReportsCount:
    """One query: the active people below the viewer, and how many of them report directly."""
    direct, total = db.session.execute(
        sa.select(sa.func.count(sa.case((Person.manager_id == actor.id, Person.id))), sa.func.count(Person.id))
        .where(Person.id.in_(_below_ids(actor.id)), Person.active.is_(True))).one()
    return ReportsCount(direct=direct, all=total)


def choose_group(actor: Actor, team_id: int | None, reports: str | None, count: ReportsCount) -> Group | None:
    """The group asked for, else the default: my reports when people report to me, else my own team
    (None: no reports and no team, the page asks to pick one). An unknown team is NotFound."""
    if team_id is not None:
        team = db.session.get(Team, team_id)
        if team is None:
            raise NotFound("No such team.")
        return Group("team", team.name, team.id, team.kind == "pod")
    if reports == "all":
        return Group("below", "Everyone below me")
    if reports == "direct" or count.direct:
        return Group("reports", "My reports")
    if actor.person.team_id is not None:
        team = db.session.get(Team, actor.person.team_id)
        return Group("team", team.name, team.id, team.kind == "pod") if team else None
    return None


def _subtitle(group: Group, members: int) -> str:
    people = f"{members} {'person' if members == 1 else 'people'}"
    if group.kind == "reports":
        return f"{people} reporting to you directly"
    if group.kind == "below":
        return f"{people} below you in the org chart, directly or not"
    return f"{'Pod' if group.is_pod else 'Team'} of {people}"


def team_status(actor: Actor, group: Group, week: str, cycle: Cycle | None = None, on: date | None = None,
                view: CascadeView | None = None) -> TeamStatus:
    """The group's active members, each with their latest report up to `week` (its text only when
    `can_read_weekly` allows), whether they checked in this week, and their visible personal
    objectives in `cycle` with progress and at-risk key results. A fixed number of queries at any size."""
    if group.kind == "team":
        member_ids = sa.select(Person.id).where(Person.team_id == group.team_id)
    elif group.kind == "reports":
        member_ids = sa.select(Person.id).where(Person.manager_id == actor.id)
    else:
        member_ids = _below_ids(actor.id)
    manager, team = aliased(Person), aliased(Team)
    members = db.session.execute(
        sa.select(Person.id, Person.name, Person.role, Person.manager_id, manager.name, team.name)
        .outerjoin(manager, Person.manager_id == manager.id).outerjoin(team, Person.team_id == team.id)
        .where(Person.id.in_(member_ids), Person.active.is_(True)).order_by(Person.name, Person.id)).all()
    latest_query = _latest_reports_query(member_ids, week)
    latest = {r.person_id: r for r in db.session.scalars(latest_query)}
    replies = _replies_of(latest_query.with_only_columns(WeeklyReport.id)) if latest else {}
    nodes: dict[int, list[ObjectiveNode]] = {}
    if cycle is not None:
        view = view or CascadeView.for_cycle(actor, cycle, on=on)
        for oid in view.objectives_of(m.id for m in members):
            node = view.node(oid, 0)
            nodes.setdefault(node.owner_person_id, []).append(node)
    rows = []
    for member_id, name, role, manager_id, manager_name, team_name in members:
        report = latest.get(member_id)
        readable = can_read_weekly(actor, member_id)
        objectives = nodes.get(member_id, [])
        rows.append(MemberRow(
            person_id=member_id, name=name, role=role,
            detail=_where_they_sit(group, actor, team_name, manager_id, manager_name), is_me=member_id == actor.id,
            checked_in=report is not None and report.iso_week == week,
            latest_week=report.iso_week if report else None, readable=readable,
            report=report_view(actor, report, name, replies.get(report.id, []))
            if report is not None and readable else None,
            objectives=objectives,
            objectives_note=_no_objective_note(actor, member_id) if cycle is not None and not objectives else None,
            can_nudge=can_nudge(actor, member_id)))
    return TeamStatus(group=group, subtitle=_subtitle(group, len(rows)), week=week,
                      cycle_name=cycle.name if cycle else None, members=rows)


def _where_they_sit(group: Group, actor: Actor, team_name: str | None, manager_id: int | None,
                    manager_name: str | None) -> str:
    """Nothing on a team's page; the team on 'My reports'; team and manager further down the chart."""
    if group.kind == "team":
        return ""
    parts = [team_name] if team_name else []
    if group.kind == "below" and manager_id != actor.id and manager_name:
        parts.append(f"reports to {manager_name}")
    return " · ".join(parts)


def _no_objective_note(actor: Actor, person_id: int) -> str:
    """Never claim someone has no objective when a private one may be hidden from the viewer: the
    policy is asked whether a private objective of theirs would be visible (a stand-in objective,
    never saved, so the rule stays in `can_view_objective`)."""
    stand_in = Objective(owner_type="person", owner_person_id=person_id, private=True)
    if can_view_objective(actor, stand_in):
        return "No personal objective in this cycle."
    return "No personal objective you can see in this cycle."


@dataclass(frozen=True)
class TeamPage:
    status: TeamStatus | None  # None: nobody reports to me and I am on no team
    choices: TeamChoices
    reports: ReportsCount


def team_page(actor: Actor, team_id: int | None, reports: str | None, on: date) -> TeamPage:
    """The team page: the group asked for (see `choose_group`) in the current cycle, the selector's
    teams and pods, and how many report to me. Only the group's members' objectives become nodes."""
    count = reports_count(actor)
    group = choose_group(actor, team_id, reports, count)
    cycle = current_cycle(on, picked_id=picked_cycle_id())
    status = team_status(actor, group, iso_week_of(on), cycle, on) if group is not None else None
    return TeamPage(status=status, choices=team_choices(teams()), reports=count)


def report_view(actor: Actor, report: WeeklyReport, person_name: str, replies: list[ReplyView]) -> ReportView:
    return ReportView(id=report.id, person_id=report.person_id, person_name=person_name, week=report.iso_week,
                      satisfaction=report.satisfaction, progress=report.progress, plans=report.plans,
                      problems=report.problems, updated_at=report.updated_at, replies=replies,
                      can_reply=can_reply_to(actor, report))


def one_report(actor: Actor, report: WeeklyReport) -> ReportView:
    """A report the actor may read (see `report_for`), with its author's name and the replies."""
    name = db.session.scalar(sa.select(Person.name).where(Person.id == report.person_id)) or "?"
    replies = _replies_of([report.id])
    return report_view(actor, report, name, replies.get(report.id, []))


def _latest_reports_query(person_ids: sa.Select, week: str) -> sa.Select:
    """Each person's latest report up to `week` (ISO week strings sort in time order)."""
    newest = (sa.select(WeeklyReport.person_id, sa.func.max(WeeklyReport.iso_week).label("week"))
              .where(WeeklyReport.person_id.in_(person_ids), WeeklyReport.iso_week <= week)
              .group_by(WeeklyReport.person_id).subquery())
    return sa.select(WeeklyReport).join(
        newest, sa.and_(WeeklyReport.person_id == newest.c.person_id, WeeklyReport.iso_week == newest.c.week))


def _replies_of(report_ids: sa.Select | list[int]) -> dict[int, list[ReplyView]]:
    """The replies to these reports with their authors' names, oldest first, one query."""
    author = aliased(Person)
    rows = db.session.execute(
        sa.select(ReportReply.report_id, author.name, ReportReply.body, ReportReply.created_at)
        .join(author, ReportReply.author_id == author.id)
        .where(ReportReply.report_id.in_(report_ids)).order_by(ReportReply.created_at, ReportReply.id))
    out: dict[int, list[ReplyView]] = {}
    for report_id, name, body, at in rows:
        out.setdefault(report_id, []).append(ReplyView(author=name, body=body, at=at))
    return out


def not_checked_in(week: str, team_id: int | None = None) -> list[PersonRow]:
    """Active people with no weekly report for `week` (optionally on one team), by name, one query."""
    reported = sa.select(WeeklyReport.id).where(WeeklyReport.person_id == Person.id, WeeklyReport.iso_week == week)
    query = (sa.select(Person.id, Person.name, Team.name).outerjoin(Team, Person.team_id == Team.id)
             .where(Person.active.is_(True), ~reported.exists()).order_by(Person.name, Person.id))
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    return [PersonRow(id=i, name=n, team_name=t) for i, n, t in db.session.execute(query)]


def first_not_checked_in(week: str, team_id: int | None, limit: int) -> tuple[int, list[PersonRow]]:
    """How many active people (optionally of one team) have no report for `week`, and the first
    `limit` of them by name: one query, and a page that lists them stays small at any size."""
    reported = sa.select(WeeklyReport.id).where(WeeklyReport.person_id == Person.id, WeeklyReport.iso_week == week)
    query = (sa.select(Person.id, Person.name, Team.name, sa.func.count().over())
             .outerjoin(Team, Person.team_id == Team.id)
             .where(Person.active.is_(True), ~reported.exists()).order_by(Person.name, Person.id).limit(limit))
    if team_id is not None:
        query = query.where(Person.team_id == team_id)
    rows = db.session.execute(query).all()
    return (rows[0][3] if rows else 0), [PersonRow(id=i, name=n, team_name=t) for i, n, t, _ in rows]


def has_checked_in(person_id: int, on: date) -> bool:
    return db.session.scalar(sa.select(sa.func.count(WeeklyReport.id)).where(
        WeeklyReport.person_id == person_id, WeeklyReport.iso_week == iso_week_of(on))) > 0
