"""Signing in and changing one's own password: the checks the login page and account page call."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.audit.services import record, record_now
from okr_app.auth.passwords import hash_password, needs_rehash, verify_password
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Person
from okr_app.people.services import check_password


def authenticate(email: str, password: str) -> Person | None:
    """The active person with this email and password, or None.

    An unknown email costs the same argon2 work as a wrong password, so response times do not tell
    an attacker which addresses have accounts. A hash made with older parameters is upgraded.
    """
    person = db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.strip().lower()))
    matches = verify_password(person.password_hash if person is not None else None, password)
    if person is None or not matches or not person.active:
        return None
    if needs_rehash(person.password_hash):
        person.password_hash = hash_password(password)
        db.session.flush()
    return person


def change_own_password(person: Person, current: str, new: str) -> Person:
    """Needs the current password (a borrowed, unlocked laptop is not enough); every other session
    of this person ends."""
    if not verify_password(person.password_hash, current):
        raise InvalidInput("Your current password is not right.")
    person.password_hash = hash_password(check_password(new, "new_password", email=person.email, name=person.name))
    person.session_version += 1
    record(person, "person.password", "person", person.id, after="changed by themselves")
    db.session.flush()
    return person


# --- the sign-in trail (ASVS 7.2.1): every attempt, with the address it came from ----------------------------

def note_signed_in(person: Person, address: str | None) -> None:
    record(person, "auth.sign_in", "person", person.id, after={"address": address or ""})


def note_failed_sign_in(email: str, address: str | None, started=None) -> None:
    """A failed attempt (401): written at once, since the request rolls back; `started` is the back-off
    (a throttle.Refusal) this failure began, if any."""
    details = {"email": email.strip().lower()[:254], "address": address or ""}
    record_now(None, "auth.sign_in_failed", "sign_in", details["email"], after=details)
    if started is not None:
        record_now(None, "auth.throttled", "sign_in", details["email"],
                   after={**details, "scope": started.scope, "until": f"{started.until:%Y-%m-%d %H:%M:%S}"})


def note_refused_sign_in(email: str, address: str | None, scope: str) -> None:
    """An attempt refused by the throttle before its password was checked (429)."""
    record_now(None, "auth.sign_in_refused", "sign_in", email.strip().lower()[:254],
               after={"email": email.strip().lower()[:254], "address": address or "", "scope": scope})


def note_signed_out(person: Person, everywhere: bool = False) -> None:
    record(person, "auth.sign_out_everywhere" if everywhere else "auth.sign_out", "person", person.id)
