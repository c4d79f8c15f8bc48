"""The roll-up cache: each cycle's computed progress, stored where every worker and host sees it."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db


class CycleRollup(db.Model):
    """One row per cycle. `generation` moves on every write that changes the cycle's progress; the
    payload is valid only while `payload_generation` equals it (see `okr_app.okrs.rollup_cache`).
    No foreign key: the row is a cache, and a cycle id with no cycle behind it is simply never read."""

    __tablename__ = "cycle_rollup"

    cycle_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    generation: Mapped[int] = mapped_column(default=0)
    payload_generation: Mapped[int | None]
    payload: Mapped[str | None] = mapped_column(sa.Text)
    computed_at: Mapped[datetime | None]
