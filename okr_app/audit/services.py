"""Writing and reading the audit trail. Services call `record` in the same transaction as the
change, so an event exists exactly when the change it describes was committed."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Iterator

import sqlalchemy as sa
import sqlalchemy.orm

from okr_app.extensions import db
from okr_app.models import AuditEvent, Person


def _dump(value: Any) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def record(actor: Person | None, action: str, object_type: str, object_id: Any = "",
           before: Any = None, after: Any = None) -> AuditEvent:
    """Append one event (`actor` None means the system or a CLI run without a person)."""
    event = AuditEvent(actor_id=actor.id if actor else None, actor_email=actor.email if actor else "system",
                       action=action, object_type=object_type, object_id=str(object_id),
                       before=_dump(before), after=_dump(after))
    db.session.add(event)
    return event


def record_now(actor: Person | None, action: str, object_type: str, object_id: Any = "", before: Any = None,
               after: Any = None, actor_email: str | None = None) -> None:
    """Append one event in a transaction of its own, for what happens in a request that is rolled back: a
    failed or throttled sign-in (answered 401 or 429), a refused action. Call it after the request's own
    changes were rolled back (on SQLite a second writer would wait for them)."""
    event = AuditEvent(actor_id=actor.id if actor else None,
                       actor_email=actor.email if actor else (actor_email or "anonymous"),
                       action=action, object_type=object_type, object_id=str(object_id)[:60],
                       before=_dump(before), after=_dump(after))
    with sa.orm.Session(db.engine) as session:
        session.add(event)
        session.commit()


def record_refusal(refusal: Any) -> None:
    """After a rollback, keep a refusal the rules want audited (`okr_app.errors.SeparationOfDuties`):
    its own event, committed alone."""
    audit = getattr(refusal, "audit", None)
    if not audit:
        return
    actor_id, actor_email, action, object_type, object_id, details = audit
    db.session.add(AuditEvent(actor_id=actor_id, actor_email=actor_email, action=action, object_type=object_type,
                              object_id=str(object_id), before="", after=_dump(details)))
    db.session.commit()


# --- reading -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditFilter:
    """Which events to show: all fields optional; dates are whole UTC days, both ends included."""

    action: str = ""
    actor: str = ""
    since: date | None = None
    until: date | None = None

    def where(self) -> list[sa.ColumnElement[bool]]:
        clauses = []
        if self.action:
            # "person" matches person.create, person.role, ...; "person.role" matches only itself.
            clauses.append(sa.or_(AuditEvent.action == self.action, AuditEvent.action.startswith(
                self.action.rstrip(".") + ".", autoescape=True)))
        if self.actor:
            clauses.append(sa.func.lower(AuditEvent.actor_email) == self.actor.strip().lower())
        if self.since:
            clauses.append(AuditEvent.at >= datetime.combine(self.since, time.min))
        if self.until:
            clauses.append(AuditEvent.at < datetime.combine(self.until + timedelta(days=1), time.min))
        return clauses


def find_events(where: AuditFilter, limit: int, offset: int = 0) -> list[AuditEvent]:
    """Newest first, one page."""
    query = sa.select(AuditEvent).where(*where.where()).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    return list(db.session.scalars(query.limit(limit).offset(offset)))


def count_events(where: AuditFilter) -> int:
    return db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(*where.where())) or 0


def iter_events(where: AuditFilter, batch: int = 1000) -> Iterator[AuditEvent]:
    """Oldest first, streamed in batches, for the CLI and the CSV export (any size of trail)."""
    query = sa.select(AuditEvent).where(*where.where()).order_by(AuditEvent.at, AuditEvent.id)
    yield from db.session.scalars(query.execution_options(yield_per=batch))


def known_actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def change_text(event: AuditEvent) -> str:
    """'before → after', '→ after' for a creation, 'before →' for a removal."""
    if event.before and event.after:
        return f"{event.before} → {event.after}"
    if event.after:
        return f"→ {event.after}"
    if event.before:
        return f"{event.before} →"
    return ""
