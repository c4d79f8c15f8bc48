"""Every message Cadence sends, and who asked for no more of a kind."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.clock import utcnow
from okr_app.extensions import db

MAIL_STATES = ("pending", "sent", "failed")


class SentMail(db.Model):
    """One row per message, claimed before it is sent.

    The unique key (kind, recipient, period) is what makes "exactly once" hold across processes: a second
    worker, cron run or retry that tries the same key finds the row taken and sends nothing. A message whose
    delivery failed keeps its row (state `failed`) and may be claimed again by a later attempt."""

    __tablename__ = "sent_mail"
    __table_args__ = (sa.UniqueConstraint("kind", "recipient_id", "period_key", name="uq_sent_mail_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    recipient_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    period_key: Mapped[str] = mapped_column(sa.String(80))
    address: Mapped[str] = mapped_column(sa.String(254))
    subject: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(20), default="pending")
    transport: Mapped[str] = mapped_column(sa.String(20), default="")
    error: Mapped[str] = mapped_column(sa.String(500), default="")
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]


class MailOptOut(db.Model):
    """A person who followed a one-click unsubscribe link for one kind of message (reminders, digests)."""

    __tablename__ = "mail_opt_out"
    __table_args__ = (sa.UniqueConstraint("person_id", "kind", name="uq_mail_opt_out_person"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
