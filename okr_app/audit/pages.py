"""How an audit event's before and after values read on the admin page.

Services store each value as text (see `record`): a plain string as written, anything else as JSON.
The page turns a JSON object into "key: value" lines (when both sides are objects, only the keys that
changed, the others named once as unchanged), a list into a comma-separated line, and a bare number
into words when the action says what it counts ("173 key results frozen"). The CSV export keeps the
stored text as is.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from okr_app.audit.objects import ObjectLabel
from okr_app.models import AuditEvent

SHOWN_ITEMS = 6  # of a nested object or list inside a value; the rest is counted ("… and 167 more")

# What a bare number means for the actions that store one, as "{n}" in a phrase: (one, many).
NUMBER_PHRASES: dict[str, tuple[str, str]] = {
    "cycle.snapshot": ("{n} key result frozen", "{n} key results frozen"),
    "kr.grade": ("grade {n}", "grade {n}"),
    "objective.align": ("aligned to key result #{n}", "aligned to key result #{n}"),
}


# What each action did, in words; the stored key (the filter's value, the CSV's) is shown beside it.
ACTION_NAMES: dict[str, str] = {
    "action.refused": "Action refused", "auth.invitation_accepted": "Invitation accepted",
    "auth.invitation_sent": "Invitation sent", "auth.password_reset": "Password reset",
    "auth.reset_requested": "Password reset asked for", "auth.sign_in": "Signed in",
    "auth.sign_in_failed": "Sign-in failed", "auth.sign_in_refused": "Sign-in refused",
    "auth.sign_out": "Signed out", "auth.sign_out_everywhere": "Signed out everywhere",
    "auth.throttled": "Sign-ins held back", "cycle.activate": "Cycle started", "cycle.close": "Cycle closed",
    "cycle.create": "Cycle created", "cycle.delete": "Cycle deleted", "cycle.rename": "Cycle renamed",
    "cycle.snapshot": "Mid-cycle snapshot", "deals.correct": "Deal corrected", "deals.import": "Deals imported",
    "deals.remove": "Deal removed", "demo.load": "Demo loaded", "kr.check_in": "Key result checked in",
    "kr.comment": "Comment on a key result", "kr.create": "Key result created", "kr.delete": "Key result deleted",
    "kr.grade": "Key result graded", "kr.update": "Key result edited", "objective.align": "Objective aligned",
    "objective.create": "Objective created", "objective.delete": "Objective deleted",
    "objective.roll_over": "Objective rolled over", "objective.update": "Objective edited",
    "payout.approve": "Payout approved", "payout.approve_refused": "Payout approval refused",
    "payout.export": "Payroll exported", "payout.run": "Payout run", "people.import": "People imported",
    "person.create": "Person added", "person.deactivate": "Person deactivated", "person.password": "Password changed",
    "person.reactivate": "Person reactivated", "person.role": "Role changed", "person.update": "Person edited",
    "plan.acknowledge": "Plan acknowledged", "plan.publish": "Plan published", "question.answer": "Question answered",
    "question.ask": "Question asked", "quotas.import": "Quotas imported", "roster.import": "Roster imported",
    "team.create": "Team created", "token.create": "API token created", "token.revoke": "API tokens revoked",
    "weekly.create": "Weekly report written", "weekly.reply": "Reply to a weekly report",
}


def action_name(action: str) -> str:
    """`auth.sign_in` → "Signed in"; an action without a name of its own reads as its key in words."""
    if action in ACTION_NAMES:
        return ACTION_NAMES[action]
    words = action.replace(".", " ").replace("_", " ")
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Entry:
    key: str
    value: str


@dataclass(frozen=True)
class Shown:
    """One side of a change: plain `text`, or `entries` for an object; `unchanged` names the keys an
    update left as they were (on the after side only, so they are said once)."""

    text: str = ""
    entries: list[Entry] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EventRow:
    at: str
    actor: str
    actor_label: ObjectLabel | None  # the actor's name and page, with the e-mail as its key; None for "system"
    action: ObjectLabel  # its name, with the stored action beside it
    object: ObjectLabel
    before: Shown
    after: Shown


def event_row(event: AuditEvent, labels: dict[tuple[str, str], ObjectLabel]) -> EventRow:
    """One event as the page shows it; `labels` from `objects.object_labels` over the page's events."""
    before, after = _parsed(event.before), _parsed(event.after)
    if isinstance(before, dict) and isinstance(after, dict):
        same = [key for key in after if key in before and before[key] == after[key]]
        before_side = shown({k: v for k, v in before.items() if k not in same}, event.action)
        after_side = shown({k: v for k, v in after.items() if k not in same}, event.action)
        after_side = Shown(after_side.text, after_side.entries, [_key_words(key) for key in same])
    else:
        before_side, after_side = shown(before, event.action), shown(after, event.action)
    person = labels.get(("person", str(event.actor_id))) if event.actor_id else None
    actor = ObjectLabel(person.text, person.url, event.actor_email) if person else None
    return EventRow(at=event.at.strftime("%Y-%m-%d %H:%M:%S"), actor=event.actor_email, actor_label=actor,
                    action=ObjectLabel(action_name(event.action), None, event.action),
                    object=labels[(event.object_type, event.object_id)],
                    before=before_side, after=after_side)


def shown(value: Any, action: str) -> Shown:
    """A stored value, parsed (see `_parsed`), as the page shows it."""
    if isinstance(value, dict):
        return Shown(entries=[Entry(_key_words(key), _inline(item)) for key, item in value.items()])
    if isinstance(value, (int, float)) and not isinstance(value, bool) and action in NUMBER_PHRASES:
        one, many = NUMBER_PHRASES[action]
        return Shown(text=(one if value == 1 else many).format(n=_number(value)))
    return Shown(text=_inline(value))


def _parsed(stored: str) -> Any:
    """The value as recorded: JSON when it parses as an object, list or number, else the text itself."""
    if not stored:
        return None
    try:
        value = json.loads(stored)
    except ValueError:
        return stored
    return value if isinstance(value, (dict, list, int, float)) or value is None else stored


def _inline(value: Any) -> str:
    """A value on one line: nested objects as "k: v, k: v", lists comma-separated, long ones cut."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, float)):
        return _number(value)
    if isinstance(value, dict):
        items = [f"{_key_words(k)}: {_inline(v)}" for k, v in list(value.items())[:SHOWN_ITEMS]]
        return _with_rest(items, len(value))
    if isinstance(value, list):
        return _with_rest([_inline(v) for v in value[:SHOWN_ITEMS]], len(value))
    return str(value)


def _with_rest(items: list[str], total: int) -> str:
    text = ", ".join(items) if items else "none"
    return f"{text} … and {total - len(items):,} more" if total > len(items) else text


def _number(value: int | float) -> str:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.6g}" if abs(value) >= 1000 else f"{value:g}"
    return f"{int(value):,}" if abs(value) >= 10_000 else str(int(value))


def _key_words(key: str) -> str:
    """'check_ins' → 'check ins': keys are read, not parsed."""
    return str(key).replace("_", " ")
