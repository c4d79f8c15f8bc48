"""A manager's nudge: one e-mail (and an in-app notification) to someone below them who has not checked in
this ISO week, at most once a day per person whoever nudges (key: nudge, person, day)."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from okr_app.domain.weeks import iso_week_of
from okr_app.errors import Conflict, InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Person, WeeklyReport
from okr_app.policy import Actor, can_nudge
from okr_app.notifications.services import notify_person

NUDGE = "nudge"


class AlreadyNudged(Conflict):
    """A person hears at most one nudge a day."""


def nudge(actor: Actor, person_id: int, on: date) -> Person:
    person = db.session.get(Person, person_id)
    if person is None or not person.active:
        raise NotFound("No such person.")
    if not can_nudge(actor, person_id):
        raise NotAllowed("You nudge only the people who report to you, directly or not.")
    week = iso_week_of(on)
    done = db.session.scalar(sa.select(sa.func.count(WeeklyReport.id)).where(
        WeeklyReport.person_id == person_id, WeeklyReport.iso_week == week))
    if done:
        raise InvalidInput(f"{person.name} has already checked in for {week}.")
    letter = compose(NUDGE, person, f"{actor.person.name} is waiting for your check-in", "nudge",
                     sender=actor.person.name, week=week, link=absolute_url("checkins.weekly"))
    if send(letter, period_key=on.isoformat()) is None:
        raise AlreadyNudged(f"{person.name} was already nudged today; one nudge a day is enough.")
    notify_person(person, f"{actor.person.name} nudged you to check in for {week}.", "checkins.weekly", {},
                  email=False)
    return person
