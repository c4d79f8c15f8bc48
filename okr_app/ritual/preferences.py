"""Which messages a person wants by e-mail. Everyone gets them until they say otherwise (on their account
page, or with a message's one-click unsubscribe link); both write the same opt-out row."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.mail.services import opt_out, opted_out
from okr_app.models import MailOptOut, Person

REMINDER, DIGEST, NOTIFICATION = "checkin_reminder", "digest", "notification"
CHOICES = {
    REMINDER: "A reminder when my weekly check-in is not done",
    DIGEST: "The weekly digest of my reports' check-ins (managers)",
    NOTIFICATION: "Replies and mentions in conversations I am in",
}


def wants(person_id: int, kind: str) -> bool:
    return not opted_out(person_id, kind)


def preferences_of(person: Person) -> dict[str, bool]:
    off = set(db.session.scalars(sa.select(MailOptOut.kind).where(MailOptOut.person_id == person.id)))
    return {kind: kind not in off for kind in CHOICES}


def set_preferences(person: Person, wanted: dict[str, bool]) -> None:
    """Turn each kind on or off; kinds not named stay as they were."""
    for kind, on in wanted.items():
        if kind not in CHOICES:
            continue
        if on:
            db.session.execute(sa.delete(MailOptOut).where(MailOptOut.person_id == person.id,
                                                           MailOptOut.kind == kind))
        else:
            opt_out(person, kind)
    db.session.flush()


def opted_out_ids(kind: str) -> sa.Select:
    """The people who asked for no more of this kind, as a subquery."""
    return sa.select(MailOptOut.person_id).where(MailOptOut.kind == kind)
