"""Weekly Progress / Plans / Problems reports and managers' replies."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.clock import utcnow


class WeeklyReport(db.Model):
    """One per person per ISO week; editable during that week."""

    __tablename__ = "weekly_report"
    __table_args__ = (sa.UniqueConstraint("person_id", "iso_week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    iso_week: Mapped[str] = mapped_column(sa.String(8), index=True)
    progress: Mapped[str] = mapped_column(sa.Text, default="")
    plans: Mapped[str] = mapped_column(sa.Text, default="")
    problems: Mapped[str] = mapped_column(sa.Text, default="")
    satisfaction: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    person: Mapped["Person"] = relationship()  # noqa: F821
    replies: Mapped[list[ReportReply]] = relationship(
        back_populates="report", order_by="ReportReply.created_at", cascade="all, delete-orphan")


class ReportReply(db.Model):
    """A manager's answer to a report's Problems."""

    __tablename__ = "report_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(sa.ForeignKey("weekly_report.id"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    report: Mapped[WeeklyReport] = relationship(back_populates="replies")
    author: Mapped["Person"] = relationship()  # noqa: F821
