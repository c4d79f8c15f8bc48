"""Questions reps ask about a line of their statement, and the in-app notifications they cause.

A question belongs to one statement line (`PayoutLine`) of an approved run. It is open until
finance answers it, resolving it as `no_change` or `adjusted`: an adjustment (cents and a
reason) is paid once, as a line `adjustment:<quarter>:question:<id>` of the next run recorded
(see `okr_app.payouts.questions`). An attachment is stored under a random name in the instance
folder (`attachment_key`); its name as uploaded is kept only to label the download.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.clock import utcnow
from okr_app.extensions import db

QUESTION_STATES = ("open", "no_change", "adjusted")


class StatementQuestion(db.Model):
    __tablename__ = "statement_question"

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(sa.ForeignKey("run_statement.id"), index=True)
    line_id: Mapped[int] = mapped_column(sa.ForeignKey("payout_line.id"))
    asked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    attachment_name: Mapped[str | None] = mapped_column(sa.String(255))
    attachment_key: Mapped[str | None] = mapped_column(sa.String(64))
    attachment_bytes: Mapped[int | None]
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    state: Mapped[str] = mapped_column(sa.String(12), default="open", index=True)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    answered_at: Mapped[datetime | None]
    adjustment_cents: Mapped[int | None] = mapped_column(sa.BigInteger)
    adjustment_reason: Mapped[str] = mapped_column(sa.Text, default="")

    statement = relationship("RunStatement")
    line = relationship("PayoutLine")
    asked_by = relationship("Person", foreign_keys=[asked_by_id])
    answered_by = relationship("Person", foreign_keys=[answered_by_id])

    __table_args__ = (sa.CheckConstraint(sa.column("state").in_(QUESTION_STATES), name="state"),)


class Notification(db.Model):
    """A message for one person in the app ("your question was answered"), read or not."""

    __tablename__ = "notification"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    link: Mapped[str] = mapped_column(sa.String(255), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
