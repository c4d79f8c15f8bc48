"""Writing to the audit trail. Services call `record` in the same transaction as the change,
so an event exists exactly when the change it describes was committed."""
from __future__ import annotations

import json
from typing import Any

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
