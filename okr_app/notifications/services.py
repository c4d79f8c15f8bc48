"""In-app notifications: a line of text and a link for one person, kept until they read it.

Features call `notify(person_ids, text, link)` inside their own transaction (it only adds
rows); the person sees them on /notifications/, which marks them read.
"""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.models import Notification
from okr_app.policy import Actor

PAGE_SIZE = 100


def notify(person_ids: Iterable[int | None], text: str, link: str = "") -> int:
    """One notification per distinct person (None is skipped); returns how many were added."""
    wanted = sorted({person_id for person_id in person_ids if person_id is not None})
    db.session.add_all(Notification(person_id=person_id, text=text, link=link) for person_id in wanted)
    return len(wanted)


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
