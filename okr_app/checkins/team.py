"""Who has checked in: a team's members with their latest weekly report and their objectives, and the
people with no report this ISO week. Read models only; a fixed number of queries at any team size,
and plain rows out (templates never reach back into the database)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from okr_app.errors import NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, Person, ReportReply, Team, WeeklyReport
from okr_app.okrs.tree import KrNode, ObjectiveNode, TreeBuilder
from okr_app.policy import Actor, can_read_weekly, can_reply_to
from okr_app.timeutil import iso_week_of


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
    is_me: bool
    checked_in: bool  # a report for this ISO week exists
    latest_week: str | None  # the week of the latest report, shown to everyone
    readable: bool  # may the viewer read this member's reports (text and satisfaction)?
    report: ReportView | None  # the latest report, only when readable
    objectives: list[ObjectiveNode]

    @property
    def progress(self) -> float | None:
        return sum(o.progress for o in self.objectives) / len(self.objectives) if self.objectives else None

    @property
    def risky_krs(self) -> list[KrNode]:
        """Key results their owner marks at risk or off track."""
        return [kr for o in self.objectives for kr in o.key_results if kr.at_risk]


@dataclass(frozen=True)
class TeamStatus:
    team_id: int
    team_name: str
    week: str
    cycle_name: str | None
    members: list[MemberRow]

    @property
    def missing(self) -> list[MemberRow]:
        return [m for m in self.members if not m.checked_in]

    @property
    def checked_in_count(self) -> int:
        return len(self.members) - len(self.missing)


@dataclass(frozen=True)
class PersonRow:
    id: int
    name: str
    team_name: str | None


def teams() -> list[Team]:
    return list(db.session.scalars(sa.select(Team).order_by(Team.name)))


def team_status(actor: Actor, team_id: int, week: str, cycle: Cycle | None = None,
                on: date | None = None) -> TeamStatus:
    """A team's active members (people whose team is this team), each with their latest report up to
    `week` (its text only when `can_read_weekly` allows), whether they checked in this week, and
    their visible objectives in `cycle` with progress and at-risk key results."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise NotFound("No such team.")
    members = db.session.execute(
        sa.select(Person.id, Person.name, Person.role)
        .where(Person.team_id == team_id, Person.active.is_(True)).order_by(Person.name, Person.id)).all()
    latest_query = _latest_reports_query(sa.select(Person.id).where(Person.team_id == team_id), week)
    latest = {r.person_id: r for r in db.session.scalars(latest_query)}
    replies = _replies_of(latest_query.with_only_columns(WeeklyReport.id)) if latest else {}
    nodes: dict[int, list[ObjectiveNode]] = {}
    if cycle is not None:
        builder = TreeBuilder.for_cycle(actor, cycle, on)
        for objective in builder.visible_objectives_of(m.id for m in members):
            nodes.setdefault(objective.owner_person_id, []).append(builder.node(objective, nest=False))
    rows = []
    for member in members:
        report = latest.get(member.id)
        readable = can_read_weekly(actor, member.id)
        rows.append(MemberRow(
            person_id=member.id, name=member.name, role=member.role, is_me=member.id == actor.id,
            checked_in=report is not None and report.iso_week == week,
            latest_week=report.iso_week if report else None, readable=readable,
            report=report_view(actor, report, member.name, replies.get(report.id, []))
            if report is not None and readable else None,
            objectives=nodes.get(member.id, [])))
    return TeamStatus(team_id=team.id, team_name=team.name, week=week,
                      cycle_name=cycle.name if cycle else None, members=rows)


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


def has_checked_in(person_id: int, on: date) -> bool:
    return db.session.scalar(sa.select(sa.func.count(WeeklyReport.id)).where(
        WeeklyReport.person_id == person_id, WeeklyReport.iso_week == iso_week_of(on))) > 0
