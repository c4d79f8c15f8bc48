"""The weekly check-in reminder: to every active person who wants it and has no report this ISO week.

Sent at most once per person per week: the mail module's key is (checkin_reminder, person, ISO week), so
a second run, a retry or a second server sending at the same moment finds the key taken."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from okr_app.domain.weeks import iso_week_of
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Person, SentMail, WeeklyReport
from okr_app.ritual.preferences import REMINDER, opted_out_ids


@dataclass(frozen=True)
class SendReport:
    """What a run did: messages claimed now (sent after the commit), and the key they were sent under."""

    kind: str
    period: str
    claimed: list[int]  # sent_mail ids

    @property
    def count(self) -> int:
        return len(self.claimed)

    def failed(self) -> int:
        """After the commit: how many of the claimed messages the relay refused."""
        if not self.claimed:
            return 0
        return db.session.scalar(sa.select(sa.func.count(SentMail.id)).where(
            SentMail.id.in_(self.claimed), SentMail.state == "failed")) or 0


def people_to_remind(week: str) -> list[Person]:
    """Active people with an e-mail address, who want reminders and have no report for `week`."""
    reported = sa.select(WeeklyReport.id).where(WeeklyReport.person_id == Person.id, WeeklyReport.iso_week == week)
    return list(db.session.scalars(
        sa.select(Person).where(Person.active.is_(True), ~reported.exists(),
                                Person.id.not_in(opted_out_ids(REMINDER)))
        .order_by(Person.name, Person.id)))


def send_reminders(on: date) -> SendReport:
    """Claim one reminder per person still to check in this ISO week; the caller commits (then they leave)."""
    week = iso_week_of(on)
    link = absolute_url("checkins.weekly")
    claimed = []
    for person in people_to_remind(week):
        letter = compose(REMINDER, person, f"Your weekly check-in for {week}", "checkin_reminder",
                         unsubscribe=True, week=week, link=link)
        row = send(letter, period_key=week)
        if row is not None:
            claimed.append(row.id)
    return SendReport(kind=REMINDER, period=week, claimed=claimed)
