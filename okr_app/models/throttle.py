"""Sign-in throttle counters, in the database every worker and host shares (the default store)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from okr_app.extensions import db


class ThrottleCounter(db.Model):
    """Failures under one key ("account:ana@example.com", "address:203.0.113.9") since `window_start`."""

    __tablename__ = "throttle_counter"

    key: Mapped[str] = mapped_column(sa.String(300), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    window_start: Mapped[datetime]
    last_at: Mapped[datetime]
