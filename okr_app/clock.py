"""The one place Cadence reads the wall clock, so that tests can pin it and every rule sees the same moment.

Stored moments are naive UTC (SQLite and PostgreSQL then store and compare the same value). "Today" is the
company's calendar day: the UTC moment seen in `CADENCE_TIMEZONE` (default UTC), so a check-in at 23:30 in
New York on a Sunday still belongs to that Sunday's ISO week."""
from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo


def utcnow() -> datetime:
    """Now, as naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def company_timezone() -> tzinfo:
    """The company's timezone from the app's configuration; UTC outside an app (the pure engine, the CLI's parsing)."""
    # Imported here, not at the top: the file-mode payout commands read the clock and must not load Flask.
    from flask import current_app, has_app_context

    name = current_app.config.get("TIMEZONE", "UTC") if has_app_context() else "UTC"
    return ZoneInfo(name)


def today() -> date:
    """The company's calendar date now."""
    return local_date_of(utcnow())


def local_date_of(moment: datetime) -> date:
    """The company's calendar date of a naive-UTC moment."""
    return moment.replace(tzinfo=timezone.utc).astimezone(company_timezone()).date()
