"""Notifications: a line of text and a link for one person, in the app and by e-mail.

Features call `notify(person_ids, text, link)` (pay: questions, answers, published plans) or
`notify_person(person, text, endpoint, values)` (conversations and nudges) inside their own transaction: both
add the rows the person sees on /notifications/ (which marks them read) and may send the same text through
the mail module (`okr_app.mail.services`: delivered after the commit, never twice for one key, and never to
someone who unsubscribed from the kind).
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Notification, Person
from okr_app.policy import Actor
from okr_app.ritual.preferences import NOTIFICATION

PAGE_SIZE = 100


def notify(person_ids: Iterable[int | None], text: str, link: str = "", mail_key: str = "",
           subject: str = "", kind: str = "pay_notice", endpoint: tuple[str, dict] | None = None) -> int:
    """One notification per distinct person (None is skipped); returns how many were added.

    With `mail_key` each active person is also e-mailed `text` (`subject`, a link built from
    `endpoint` as (name, values)) once for that key."""
    wanted = sorted({person_id for person_id in person_ids if person_id is not None})
    db.session.add_all(Notification(person_id=person_id, text=text, link=link) for person_id in wanted)
    if mail_key and wanted:
        full_link = absolute_url(endpoint[0], **endpoint[1]) if endpoint else ""
        for person in db.session.scalars(sa.select(Person).where(Person.id.in_(wanted), Person.active.is_(True))):
            send(compose(kind, person, subject or text, "pay_notice", unsubscribe=True, text=text, link=full_link),
                 period_key=mail_key)
    return len(wanted)


def notify_person(person: Person, text: str, endpoint: str, values: dict, email: bool = True,
                  anchor: str = "") -> Notification:
    """Leave `text` for `person`, linking to `endpoint`; with `email`, mail it too (kind `notification`, keyed
    by the notification, so each is mailed at most once; not to someone who turned these mails off)."""
    link = absolute_url(endpoint, **values) + (f"#{anchor}" if anchor else "")
    path = link.removeprefix(current_app.config["BASE_URL"].rstrip("/")) or "/"  # in-app: site-relative
    entry = Notification(person_id=person.id, text=text, link=path[:255])
    db.session.add(entry)
    db.session.flush()
    if email and person.active:
        send(compose(NOTIFICATION, person, text[:150], "notification", unsubscribe=True, text=text, link=link),
             period_key=f"notification-{entry.id}")
    return entry


def notifications_for(actor: Actor) -> list[Notification]:
    """The person's newest notifications (unread first is the order they arrived: newest first)."""
    return list(db.session.scalars(sa.select(Notification).where(Notification.person_id == actor.id)
                                   .order_by(Notification.id.desc()).limit(PAGE_SIZE)))


def unread_count(actor: Actor) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.person_id == actor.id, Notification.read_at.is_(None))) or 0


def mark_read(actor: Actor) -> None:
    db.session.execute(sa.update(Notification).where(Notification.person_id == actor.id,
                                                     Notification.read_at.is_(None)).values(read_at=utcnow()))
