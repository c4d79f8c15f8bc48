"""Conversations on key results and the in-app notifications that replies, mentions and nudges leave."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.clock import utcnow
from okr_app.extensions import db

NOTIFICATION_KINDS = ("reply", "mention", "nudge")


class KeyResultComment(db.Model):
    """One message in a key result's thread (a weekly report's thread is `ReportReply`)."""

    __tablename__ = "key_result_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(sa.ForeignKey("key_result.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped["Person"] = relationship()  # noqa: F821


class Notification(db.Model):
    """Something for one person to look at: a reply in a thread they are in, a mention, a nudge."""

    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_unread", "person_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    text: Mapped[str] = mapped_column(sa.String(300))
    link: Mapped[str] = mapped_column(sa.String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
