"""The audit trail is append-only: the ORM refuses to update or delete an `AuditEvent`.

A trail that the application itself can rewrite proves nothing to an auditor. Two hooks cover
both ways SQLAlchemy changes rows: `before_flush` (objects changed or deleted in the session) and
`do_orm_execute` (bulk `update()` / `delete()` statements aimed at the table). A database-level
grant (see docs/security.md) closes the door for anyone with direct SQL access.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import ORMExecuteState, Session

from okr_app.models import AuditEvent

TABLE = AuditEvent.__tablename__


class AuditTrailIsAppendOnly(RuntimeError):
    """Raised when code tries to change history: always a bug, never a user's mistake."""


def refuse_changed_events(session: Session, flush_context, instances) -> None:
    for obj in session.deleted:
        if isinstance(obj, AuditEvent):
            raise AuditTrailIsAppendOnly(f"audit event {obj.id} cannot be deleted")
    for obj in session.dirty:
        if isinstance(obj, AuditEvent) and session.is_modified(obj, include_collections=False):
            raise AuditTrailIsAppendOnly(f"audit event {obj.id} cannot be changed")


def refuse_bulk_changes(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    if target is not None and getattr(target, "name", None) == TABLE:
        raise AuditTrailIsAppendOnly("audit events cannot be updated or deleted in bulk")


def install() -> None:
    """Attach both hooks to every session (idempotent, so app factories may call it again)."""
    if not sa.event.contains(Session, "before_flush", refuse_changed_events):
        sa.event.listen(Session, "before_flush", refuse_changed_events)
    if not sa.event.contains(Session, "do_orm_execute", refuse_bulk_changes):
        sa.event.listen(Session, "do_orm_execute", refuse_bulk_changes)
