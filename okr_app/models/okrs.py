"""Cycles, objectives, key results and their value history."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from okr_app.extensions import db
from okr_app.clock import utcnow

CYCLE_STATES = ("planning", "active", "closed")
OWNER_TYPES = ("person", "team", "company")
KR_KINDS = ("increase", "decrease", "stay_above", "stay_below", "milestone", "rollup", "metric")
CONFIDENCES = ("on_track", "at_risk", "off_track")


class Cycle(db.Model):
    __tablename__ = "cycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    start: Mapped[date]
    weeks: Mapped[int]
    state: Mapped[str] = mapped_column(sa.String(20), default="planning")
    snapshot_taken_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    objectives: Mapped[list[Objective]] = relationship(back_populates="cycle")

    @property
    def end(self) -> date:
        """The cycle's last day, a Sunday."""
        return self.start + timedelta(weeks=self.weeks, days=-1)

    @property
    def midpoint(self) -> date:
        """Last day of week 6, when a 12-week cycle takes its mid-cycle snapshot."""
        return self.start + timedelta(weeks=6, days=-1)


class Objective(db.Model):
    __tablename__ = "objective"

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycle.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    owner_type: Mapped[str] = mapped_column(sa.String(10))
    owner_person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(sa.ForeignKey("team.id"), index=True)
    aligned_kr_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("key_result.id", use_alter=True, ondelete="SET NULL"), index=True)
    private: Mapped[bool] = mapped_column(default=False)
    # Set when rolled over from a closed cycle: the objective this one continues.
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("objective.id", ondelete="SET NULL"),
                                                       index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    cycle: Mapped[Cycle] = relationship(back_populates="objectives")
    owner_person: Mapped["Person | None"] = relationship(foreign_keys=[owner_person_id])  # noqa: F821
    team: Mapped["Team | None"] = relationship()  # noqa: F821
    key_results: Mapped[list[KeyResult]] = relationship(
        back_populates="objective", foreign_keys="KeyResult.objective_id",
        order_by="KeyResult.position, KeyResult.id", cascade="all, delete-orphan")
    aligned_kr: Mapped[KeyResult | None] = relationship(foreign_keys=[aligned_kr_id])

    @property
    def owner_label(self) -> str:
        if self.owner_type == "company":
            return "Company"
        if self.owner_type == "team":
            return self.team.name if self.team else "Team"
        return self.owner_person.name if self.owner_person else "Person"


class KeyResult(db.Model):
    __tablename__ = "key_result"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("objective.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20))
    start_value: Mapped[float | None]
    target_value: Mapped[float | None]
    unit: Mapped[str] = mapped_column(sa.String(30), default="")
    due: Mapped[date | None]
    weight: Mapped[float] = mapped_column(default=1.0)
    position: Mapped[int] = mapped_column(default=0)
    # Denormalised latest check-in (the history is in CheckIn); None until the first check-in.
    current_value: Mapped[float | None]
    confidence: Mapped[str] = mapped_column(sa.String(10), default="on_track")
    last_checkin_at: Mapped[datetime | None]
    # The three vanity-metric questions asked when the KR is created.
    leads_to_action: Mapped[bool] = mapped_column(default=True)
    reproducible: Mapped[bool] = mapped_column(default=True)
    about_buyers: Mapped[bool] = mapped_column(default=True)
    grade: Mapped[float | None]
    copied_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("key_result.id", ondelete="SET NULL"),
                                                       index=True)
    # A `metric` key result: the revenue metric it is bound to (`comp_engine.revenue`), its retention
    # window, and the day its current value was measured on (by the last deals import).
    metric: Mapped[str | None] = mapped_column(sa.String(60))
    window_months: Mapped[int | None]
    measured_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    objective: Mapped[Objective] = relationship(back_populates="key_results", foreign_keys=[objective_id])
    check_ins: Mapped[list[CheckIn]] = relationship(
        back_populates="key_result", order_by="CheckIn.created_at, CheckIn.id", cascade="all, delete-orphan")

    @property
    def vanity_risk(self) -> bool:
        """Any 'no' to the three questions marks the KR as a possible vanity metric."""
        return not (self.leads_to_action and self.reproducible and self.about_buyers)


class CheckIn(db.Model):
    """One value reported for a key result; the full history is kept."""

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(sa.ForeignKey("key_result.id"), index=True)
    value: Mapped[float]
    confidence: Mapped[str] = mapped_column(sa.String(10), default="on_track")
    note: Mapped[str] = mapped_column(sa.Text, default="")
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("person.id"))
    # A metric key result's check-ins are recorded by a deals import: its source.
    import_id: Mapped[int | None] = mapped_column(sa.ForeignKey("payout_import.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    key_result: Mapped[KeyResult] = relationship(back_populates="check_ins")
    author: Mapped["Person | None"] = relationship()  # noqa: F821
    source_import: Mapped["PayoutImport | None"] = relationship()  # noqa: F821


class Snapshot(db.Model):
    """A key result's progress and confidence frozen at a 12-week cycle's midpoint."""

    __tablename__ = "snapshot"
    __table_args__ = (sa.UniqueConstraint("cycle_id", "key_result_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cycle_id: Mapped[int] = mapped_column(sa.ForeignKey("cycle.id"), index=True)
    key_result_id: Mapped[int] = mapped_column(sa.ForeignKey("key_result.id"), index=True)
    progress: Mapped[float]
    confidence: Mapped[str] = mapped_column(sa.String(10))
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)
