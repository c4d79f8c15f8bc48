"""Conversations on key results (a weekly report's thread is `ReportReply`); replies, mentions and nudges
leave in-app notifications (`okr_app.models.Notification`)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.clock import utcnow
from okr_app.extensions import db


class KeyResultComment(db.Model):
    """One message in a key result's thread (a weekly report's thread is `ReportReply`)."""

    __tablename__ = "key_result_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(sa.ForeignKey("key_result.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author: Mapped["Person"] = relationship()  # noqa: F821

