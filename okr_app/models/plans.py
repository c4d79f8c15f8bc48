"""Signed plans: a plan version finance published to the reps on it, and each rep's acknowledgement.

A `PlanVersion` keeps the exact TOML text published (and its sha256), the quarter whose roster
named its reps, and an optional PDF of the plan document stored under a random name in the
instance folder. Each rep it was sent to has one `PlanAcknowledgement` row: unsigned until the rep
types their name in the web, then kept with the name typed and the time, for the record.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.models.payouts import ID_LENGTH


class PlanVersion(db.Model):
    __tablename__ = "plan_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_key: Mapped[str] = mapped_column(sa.String(ID_LENGTH), index=True)
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    period: Mapped[str] = mapped_column(sa.String(7))
    toml_text: Mapped[str] = mapped_column(sa.Text)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    pdf_name: Mapped[str | None] = mapped_column(sa.String(255))
    pdf_key: Mapped[str | None] = mapped_column(sa.String(64))
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)

    published_by = relationship("Person")

    __table_args__ = (sa.UniqueConstraint("plan_key", "version", name="uq_plan_version_key_version"),)


class PlanAcknowledgement(db.Model):
    __tablename__ = "plan_acknowledgement"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_version_id: Mapped[int] = mapped_column(sa.ForeignKey("plan_version.id"), index=True)
    rep_id: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    name: Mapped[str] = mapped_column(sa.String(ID_LENGTH))
    email: Mapped[str] = mapped_column(sa.String(254))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    typed_name: Mapped[str | None] = mapped_column(sa.String(ID_LENGTH))
    acknowledged_at: Mapped[datetime | None]

    plan_version: Mapped[PlanVersion] = relationship()

    __table_args__ = (sa.UniqueConstraint("plan_version_id", "rep_id", name="uq_plan_acknowledgement_version_rep"),)
