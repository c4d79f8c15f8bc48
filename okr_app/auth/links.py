"""Ways in without an admin typing a password: invitations and password resets, by e-mail.

Both are one-time links to a page where the person chooses a password (the usual rules apply). The link's
secret is random (32 bytes); only its sha256 is stored, so a copy of the database opens no account. A link
works once, and only until it expires: an invitation after 7 days, a reset after 1 hour. Asking for a reset
answers the same whatever the address (so the page never tells whether someone has an account), sends
nothing for an unknown or deactivated one, and ends the person's earlier reset links. Choosing the password
ends every session the person had. The message goes through the one mail module (`okr_app.mail`): SMTP, or
the instance outbox, in which case the CLI prints the link for the admin to pass on."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from okr_app.audit.services import record
from okr_app.auth.passwords import hash_password
from okr_app.clock import utcnow
from okr_app.errors import InvalidInput, NotAllowed
from okr_app.extensions import db
from okr_app.mail.services import absolute_url, compose, send
from okr_app.models import AccountToken, Person, SignInSession
from okr_app.policy import Actor, can_manage_people

LIFETIMES = {"invitation": timedelta(days=7), "reset": timedelta(hours=1)}
SPOKEN = {"invitation": "7 days", "reset": "1 hour"}
ENDPOINTS = {"invitation": "auth.welcome", "reset": "auth.reset_password"}
NO_LONGER_VALID = ("This link is no longer valid: it was used already, or it expired. "
                   "Ask for a new one from the sign-in page (“Forgot your password?”) or from an admin.")


@dataclass(frozen=True)
class Sent:
    person: Person
    link: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _issue(person: Person, purpose: str, by: Person | None) -> tuple[str, AccountToken]:
    secret = secrets.token_urlsafe(32)
    now = utcnow()
    token = AccountToken(person_id=person.id, purpose=purpose, token_hash=_digest(secret), created_at=now,
                         expires_at=now + LIFETIMES[purpose], created_by_id=by.id if by else None)
    db.session.add(token)
    db.session.flush()
    return absolute_url(ENDPOINTS[purpose], token=secret), token


def invite(actor: Actor | None, person: Person) -> Sent:
    """Mail `person` a link to choose their password (admins; `actor` None is the CLI)."""
    if actor is not None and not can_manage_people(actor):
        raise NotAllowed("Only admins invite people.")
    if not person.active:
        raise InvalidInput(f"{person.name} is deactivated; reactivate them before inviting them.")
    inviter = actor.person if actor is not None else None
    link, token = _issue(person, "invitation", inviter)
    letter = compose("invitation", person, "You are invited to Cadence", "invitation",
                     inviter=inviter.name if inviter else "Your Cadence admin", link=link,
                     valid_for=SPOKEN["invitation"])
    send(letter, period_key=f"token-{token.id}")
    record(inviter, "auth.invitation_sent", "person", person.id, after={"expires_at": f"{token.expires_at:%Y-%m-%d %H:%M}"})
    return Sent(person, link)


def request_reset(email: str, address: str | None = None) -> Sent | None:
    """Mail a reset link when `email` is an active person's; None (and no mail) otherwise. The caller answers
    the same either way."""
    person = db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == (email or "").strip().lower()))
    if person is None or not person.active:
        return None
    now = utcnow()
    db.session.execute(sa.update(AccountToken).where(
        AccountToken.person_id == person.id, AccountToken.purpose == "reset", AccountToken.used_at.is_(None))
        .values(used_at=now))
    link, token = _issue(person, "reset", None)
    letter = compose("password_reset", person, "Reset your Cadence password", "password_reset", link=link,
                     valid_for=SPOKEN["reset"])
    send(letter, period_key=f"token-{token.id}")
    record(None, "auth.reset_requested", "person", person.id, after={"address": address or ""})
    return Sent(person, link)


def usable_token(secret: str, purpose: str) -> AccountToken:
    """The unused, unexpired token behind a link, or InvalidInput (one message for every reason)."""
    token = db.session.scalar(sa.select(AccountToken).where(AccountToken.token_hash == _digest(secret or "")))
    if (token is None or token.purpose != purpose or token.used_at is not None or utcnow() >= token.expires_at
            or not token.person.active):
        raise InvalidInput(NO_LONGER_VALID)
    return token


def choose_password(secret: str, purpose: str, password: str) -> Person:
    """Redeem the link: set the password (checked by the usual rules), use the link up, end every session."""
    from okr_app.people.services import check_password

    token = usable_token(secret, purpose)
    person = token.person
    person.password_hash = hash_password(check_password(password, "new_password", email=person.email,
                                                        name=person.name))
    # Claimed with a conditional UPDATE, so two tabs redeeming one link at once set one password.
    claimed = db.session.execute(sa.update(AccountToken).where(
        AccountToken.id == token.id, AccountToken.used_at.is_(None)).values(used_at=utcnow()))
    if claimed.rowcount != 1:
        raise InvalidInput(NO_LONGER_VALID)
    db.session.execute(sa.update(SignInSession).where(
        SignInSession.person_id == person.id, SignInSession.ended_at.is_(None)).values(ended_at=utcnow()))
    person.session_version += 1
    action = "auth.invitation_accepted" if purpose == "invitation" else "auth.password_reset"
    record(person, action, "person", person.id, after="password chosen through an e-mailed link")
    db.session.flush()
    return person
