"""Signed-in sessions, held on the server so that signing out really ends them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.models.people import Person


class SignInSession(db.Model):
    """One sign-in on one browser. The browser's session cookie carries a random secret whose sha256 is
    `session_hash`; with "keep me signed in" its remember-me cookie carries `id.token`, whose token's sha256
    is `remember_hash` and changes each time the cookie is used. The session is live while `ended_at` is
    empty, `expires_at` is ahead, the person's `session_version` is still the one it began under, and
    (without remember-me) it was seen within the idle timeout."""

    __tablename__ = "sign_in_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    session_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(sa.String(64))
    session_version: Mapped[int]
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    user_agent: Mapped[str] = mapped_column(sa.String(200), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()


TOKEN_PURPOSES = ("invitation", "reset")


class AccountToken(db.Model):
    """A one-time link to choose a password: an invitation (7 days) or a reset (1 hour). Only the sha256 of
    the link's secret is stored; `used_at` makes it single-use."""

    __tablename__ = "account_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    purpose: Mapped[str] = mapped_column(sa.String(20))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
