"""Personal API tokens: created once, stored only as a sha256 hash, revocable, optionally expiring.

The secret is returned to the caller exactly once (`create_token`); the database holds its hash and a
short prefix so people can tell their tokens apart in `cadence tokens list`. Lookups go by hash.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from okr_app.audit.services import record
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import ApiToken, Person
from okr_app.policy import Actor
from okr_app.clock import utcnow

TOKEN_PREFIX = "cad_"
SHOWN_PREFIX_LENGTH = 12
MAX_TOKEN_LENGTH = 200
# last_used_at is refreshed at most this often, so a busy integration does not write on every call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(person: Person, name: str = "", expires_at: datetime | None = None,
                 actor: Person | None = None) -> tuple[ApiToken, str]:
    """A new token for `person`; returns (row, secret). The secret is never stored: show it now."""
    name = (name or "").strip()
    if len(name) > 120:
        raise InvalidInput("A token name is at most 120 characters.")
    if expires_at is not None and expires_at <= utcnow():
        raise InvalidInput("A token's expiry must be in the future.")
    if not person.active:
        raise InvalidInput(f"{person.email} is deactivated; a deactivated person gets no API token.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(person_id=person.id, token_hash=hash_token(secret), prefix=secret[:SHOWN_PREFIX_LENGTH],
                     name=name, expires_at=expires_at)
    db.session.add(token)
    db.session.flush()
    record(actor, "token.create", "api_token", token.id,
           after={"person": person.email, "name": name, "prefix": token.prefix,
                  "expires_at": expires_at.isoformat(timespec="seconds") if expires_at else None})
    return token, secret


def revoke_tokens(person: Person, actor: Person | None = None) -> int:
    """Revoke every live token of `person`; returns how many were revoked (already revoked ones do not count)."""
    now = utcnow()
    live = list(db.session.scalars(sa.select(ApiToken).where(
        ApiToken.person_id == person.id, ApiToken.revoked_at.is_(None))))
    for token in live:
        token.revoked_at = now
    if live:
        record(actor, "token.revoke", "person", person.id,
               after={"person": person.email, "revoked": [t.prefix for t in live]})
    db.session.flush()
    return len(live)


def tokens_of(person: Person) -> list[ApiToken]:
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.person_id == person.id)
                                   .order_by(ApiToken.created_at, ApiToken.id)))


def token_status(token: ApiToken, now: datetime | None = None) -> str:
    """'active', 'expired' or 'revoked'."""
    now = now or utcnow()
    if token.revoked_at is not None:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= now:
        return "expired"
    return "active"


@dataclass(frozen=True)
class BearerCheck:
    """The outcome of reading an Authorization header: an actor, or why there is none."""

    actor: Actor | None
    reason: str = ""


def check_bearer(header: str | None) -> BearerCheck:
    """Read `Authorization: Bearer <token>` in one query (token joined to its owner)."""
    scheme, _, secret = (header or "").strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return BearerCheck(None, "Send your API token as 'Authorization: Bearer <token>'.")
    if len(secret) > MAX_TOKEN_LENGTH or not secret.isascii():
        return BearerCheck(None, "That API token is not valid.")
    token = db.session.scalar(sa.select(ApiToken).options(joinedload(ApiToken.person))
                              .where(ApiToken.token_hash == hash_token(secret)))
    if token is None:
        return BearerCheck(None, "That API token is not valid.")
    now = utcnow()
    status = token_status(token, now)
    if status != "active":
        return BearerCheck(None, f"That API token was {status}; ask for a new one (`cadence tokens create`).")
    if not token.person.active:
        return BearerCheck(None, "That API token belongs to a deactivated account.")
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        token.last_used_at = now
    return BearerCheck(Actor(token.person))

