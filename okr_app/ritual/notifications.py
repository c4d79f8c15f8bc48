"""Conversation and nudge notifications: the in-app line (`okr_app.notifications`) and, for those who want
them, the same by e-mail (kind `notification`, keyed by the notification, so each is mailed at most once)."""
from __future__ import annotations

from flask import current_app

from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import Notification, Person
from okr_app.ritual.preferences import NOTIFICATION, wants


def notify(person: Person, text: str, endpoint: str, values: dict, email: bool = True,
           anchor: str = "") -> Notification:
    """Leave `text` for `person`, linking to `endpoint`; also mail it when `email` and they want it."""
    link = absolute_url(endpoint, **values) + (f"#{anchor}" if anchor else "")
    path = link.removeprefix(current_app.config["BASE_URL"].rstrip("/")) or "/"  # in-app: site-relative
    entry = Notification(person_id=person.id, text=text, link=path[:255])
    db.session.add(entry)
    db.session.flush()
    if email and person.active and wants(person.id, NOTIFICATION):
        send(compose(NOTIFICATION, person, text[:150], "notification", unsubscribe=True, text=text, link=link),
             period_key=f"notification-{entry.id}")
    return entry
