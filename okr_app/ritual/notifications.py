"""In-app notifications (replies, mentions, nudges) and, for those who want them, the same by e-mail."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Notification, Person
from okr_app.ritual.preferences import NOTIFICATION, wants

SHOWN = 50


@dataclass(frozen=True)
class NotificationRow:
    id: int
    kind: str
    text: str
    link: str
    at: datetime
    unread: bool


def notify(person: Person, kind: str, text: str, endpoint: str, values: dict, actor: Person | None = None,
           email: bool = True, anchor: str = "") -> Notification:
    """Leave a notification for `person` linking to `endpoint`; also mail it when `email` and they want it
    (kind `notification`, keyed by the notification's id, so each is mailed at most once)."""
    link = absolute_url(endpoint, **values) + (f"#{anchor}" if anchor else "")
    path = link.removeprefix(current_app.config["BASE_URL"].rstrip("/")) or "/"  # shown in-app: site-relative
    entry = Notification(person_id=person.id, kind=kind, actor_id=actor.id if actor else None, text=text[:300],
                         link=path[:300], created_at=utcnow())
    db.session.add(entry)
    db.session.flush()
    if email and person.active and wants(person.id, NOTIFICATION):
        send(compose(NOTIFICATION, person, text[:150], "notification", unsubscribe=True, text=text, link=link),
             period_key=f"notification-{entry.id}")
    return entry


def unread_count(person_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.person_id == person_id, Notification.read_at.is_(None))) or 0


def notifications_of(person_id: int, limit: int = SHOWN) -> list[NotificationRow]:
    rows = db.session.scalars(sa.select(Notification).where(Notification.person_id == person_id)
                              .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit))
    return [NotificationRow(n.id, n.kind, n.text, n.link, n.created_at, n.read_at is None) for n in rows]


def mark_all_read(person_id: int) -> int:
    result = db.session.execute(sa.update(Notification).where(
        Notification.person_id == person_id, Notification.read_at.is_(None)).values(read_at=utcnow()))
    return result.rowcount or 0
