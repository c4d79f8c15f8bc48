"""The weekly digest for managers: one message about everyone below them for the last completed ISO week.

Who checked in and who did not, each report's satisfaction and Progress / Plans / Problems, and the key
results of their personal objectives that their owner marks at risk or off track or that are behind the
straight-line pace. Built from one read of the org, the week's reports and the cycle, whatever the number
of managers; sent once per manager per week (key: digest, manager, ISO week)."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from okr_app.cycles.services import current_cycle
from okr_app.domain.weeks import iso_week_of, parse_iso_week
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Cycle, Person, WeeklyReport
from okr_app.okrs.display import CONFIDENCE_LABELS, format_pct
from okr_app.okrs.pace import pace_reading
from okr_app.okrs.progress import ProgressBook
from okr_app.ritual.preferences import DIGEST, opted_out_ids
from okr_app.ritual.reminders import SendReport


@dataclass(frozen=True)
class RiskyKr:
    id: int
    title: str
    why: str  # "at risk", "behind pace: 30% against 55% expected"
    link: str


@dataclass(frozen=True)
class DigestRow:
    person_id: int
    name: str
    direct: bool
    manager_name: str
    checked_in: bool
    satisfaction: int | None
    progress: str
    plans: str
    problems: str
    risky: list[RiskyKr]
    link: str


@dataclass
class Digest:
    manager: Person
    week: str
    cycle_name: str | None
    rows: list[DigestRow] = field(default_factory=list)

    @property
    def checked_in(self) -> list[DigestRow]:
        return [r for r in self.rows if r.checked_in]

    @property
    def missing(self) -> list[DigestRow]:
        return [r for r in self.rows if not r.checked_in]

    @property
    def mean_satisfaction(self) -> str:
        scores = [r.satisfaction for r in self.rows if r.satisfaction is not None]
        return f"{sum(scores) / len(scores):.1f}" if scores else "–"

    @property
    def risky_count(self) -> int:
        return sum(len(r.risky) for r in self.rows)


def last_completed_week(on: date) -> str:
    return iso_week_of(on - timedelta(days=7))


class DigestBook:
    """Everything every digest of one week needs, read once: active people, the week's reports and the
    key results of the cycle that week fell in."""

    def __init__(self, week: str) -> None:
        self.week = week
        self.sunday = parse_iso_week(week) + timedelta(days=6)
        people = db.session.execute(sa.select(Person.id, Person.name, Person.manager_id)
                                    .where(Person.active.is_(True)).order_by(Person.name, Person.id)).all()
        self.names = {pid: name for pid, name, _ in people}
        self.children: dict[int, list[int]] = defaultdict(list)
        for pid, _, manager_id in people:
            if manager_id is not None:
                self.children[manager_id].append(pid)
        self.reports = {r.person_id: r for r in db.session.scalars(
            sa.select(WeeklyReport).where(WeeklyReport.iso_week == week))}
        self.manager_of = {pid: manager_id for pid, _, manager_id in people}
        self.cycle: Cycle | None = current_cycle(self.sunday)
        self.risky = self._risky_krs() if self.cycle is not None and self.cycle.state != "closed" else {}

    def _risky_krs(self) -> dict[int, list[RiskyKr]]:
        book = ProgressBook.for_cycle(self.cycle.id)
        out: dict[int, list[RiskyKr]] = defaultdict(list)
        for objective in book.objectives.values():
            if objective.owner_type != "person":
                continue
            for kr in book.krs_of.get(objective.id, []):
                progress = book.kr_progress(kr.id)
                reading = pace_reading(kr, progress, self.cycle, self.sunday)
                if kr.kind != "rollup" and kr.confidence in ("at_risk", "off_track"):
                    why = CONFIDENCE_LABELS.get(kr.confidence, kr.confidence).lower()
                elif reading.pace == "behind":
                    why = f"behind pace: {format_pct(progress)} against {format_pct(reading.expected_progress)} expected"
                else:
                    continue
                out[objective.owner_person_id].append(
                    RiskyKr(kr.id, kr.title, why, absolute_url("okrs.key_result", kr_id=kr.id)))
        return out

    def managers(self) -> list[int]:
        """Active people with at least one active report."""
        return [pid for pid in self.names if self.children.get(pid)]

    def below(self, manager_id: int) -> list[tuple[int, bool]]:
        """(person, is a direct report) for everyone below, directs first, each group by name."""
        direct = list(self.children.get(manager_id, []))
        seen, indirect, stack = set(direct) | {manager_id}, [], list(direct)
        while stack:
            for child in self.children.get(stack.pop(), []):
                if child not in seen:
                    seen.add(child)
                    indirect.append(child)
                    stack.append(child)
        indirect.sort(key=lambda pid: (self.names[pid], pid))
        return [(pid, True) for pid in direct] + [(pid, False) for pid in indirect]

    def digest_for(self, manager: Person) -> Digest:
        digest = Digest(manager=manager, week=self.week, cycle_name=self.cycle.name if self.cycle else None)
        for pid, direct in self.below(manager.id):
            report = self.reports.get(pid)
            digest.rows.append(DigestRow(
                person_id=pid, name=self.names[pid], direct=direct,
                manager_name=self.names.get(self.manager_of.get(pid), ""), checked_in=report is not None,
                satisfaction=report.satisfaction if report else None, progress=report.progress if report else "",
                plans=report.plans if report else "", problems=report.problems if report else "",
                risky=self.risky.get(pid, []),
                link=absolute_url("checkins.report", report_id=report.id) if report
                else absolute_url("people.show", person_id=pid)))
        return digest


def digest_recipients(book: DigestBook) -> list[Person]:
    ids = book.managers()
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Person).where(Person.id.in_(ids),
                                                           Person.id.not_in(opted_out_ids(DIGEST)))
                                   .order_by(Person.name, Person.id)))


def send_digests(on: date) -> SendReport:
    """Claim one digest per manager for the last completed ISO week; the caller commits."""
    week = last_completed_week(on)
    book = DigestBook(week)
    team_link = absolute_url("checkins.team", reports="all")
    claimed = []
    for manager in digest_recipients(book):
        digest = book.digest_for(manager)
        letter = compose(DIGEST, manager, f"Your team's week {week}: {len(digest.checked_in)} of "
                         f"{len(digest.rows)} checked in", "digest", unsubscribe=True, digest=digest,
                         team_link=team_link)
        row = send(letter, period_key=week)
        if row is not None:
            claimed.append(row.id)
    return SendReport(kind=DIGEST, period=week, claimed=claimed)
