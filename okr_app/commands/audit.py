"""`cadence audit`: the audit trail on the terminal, one line per event."""
from __future__ import annotations

from datetime import datetime

import click

from okr_app.audit.objects import object_key
from okr_app.audit.services import AuditFilter, change_text, iter_events
from okr_app.commands.edge import app_context

_CONTROL = {i: f"\\x{i:02x}" for i in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
_CONTROL.update({ord("\n"): "\\n", ord("\r"): "\\r", ord("\t"): "\\t"})


def printable(text: str) -> str:
    """One line, and no escape sequence that a stored value could use to rewrite the terminal."""
    return text.translate(_CONTROL)


@click.command("audit")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), help="First day to show (UTC), e.g. 2026-01-01.")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), help="Last day to show (UTC), included.")
@click.option("--action", default="", help="An action (person.role) or a family of actions (person).")
@click.option("--actor", default="", metavar="EMAIL", help="Only what this person did ('system' for the CLI).")
def audit(since: datetime | None, until: datetime | None, action: str, actor: str) -> None:
    """Print who did what and when, oldest first:
    time (UTC), actor's email, action, object, before → after."""

    where = AuditFilter(action=action.strip(), actor=actor.strip(),
                        since=since.date() if since else None, until=until.date() if until else None)
    with app_context():
        for event in iter_events(where):
            fields = [event.at.isoformat(sep=" ", timespec="seconds"), event.actor_email, event.action,
                      object_key(event.object_type, event.object_id), change_text(event)]
            click.echo(printable("  ".join(fields).rstrip()))
