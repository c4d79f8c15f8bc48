"""People, teams and personal API tokens: the org chart everything else hangs off."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.clock import utcnow

ROLES = ("employee", "manager", "leader", "finance", "admin")
TEAM_KINDS = ("function", "pod")


class Team(db.Model):
    __tablename__ = "team"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(20), default="function")
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id", use_alter=True), index=True)

    members: Mapped[list[Person]] = relationship(back_populates="team", foreign_keys="Person.team_id")

    def __repr__(self) -> str:
        return f"<Team {self.name}>"


class Person(UserMixin, db.Model):
    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    role: Mapped[str] = mapped_column(sa.String(20), default="employee")
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on password or role change so other sessions of this person end (Flask-Login alternative id).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    manager: Mapped[Person | None] = relationship(remote_side=[id], back_populates="reports")
    reports: Mapped[list[Person]] = relationship(back_populates="manager")
    team: Mapped[Team | None] = relationship(back_populates="members", foreign_keys=[team_id])

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def is_active(self) -> bool:  # Flask-Login: deactivated people cannot sign in
        return self.active

    def __repr__(self) -> str:
        return f"<Person {self.email}>"


class ApiToken(db.Model):
    """A personal bearer token; only its sha256 is stored, the secret is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()
