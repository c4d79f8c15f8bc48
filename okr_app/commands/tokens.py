"""`cadence tokens ...`: personal API tokens for integrations.

A token acts with its owner's permissions. Only its sha256 is stored, so `create` shows the
secret once, alone on the last line (scripts can take it with `| tail -n 1`); lose it and create
another. `revoke` ends every token of a person at once.
"""
from __future__ import annotations

from datetime import timedelta

import click

from okr_app.api.tokens import create_token, revoke_tokens, token_status, tokens_of
from okr_app.clock import utcnow
from okr_app.commands.audit import printable
from okr_app.commands.edge import app_context, cli_errors, unit_of_work
from okr_app.people.services import get_person


def _when(value) -> str:
    return value.isoformat(sep=" ", timespec="minutes") if value else "-"


@click.group()
def tokens() -> None:
    """Create, list and revoke personal API tokens (Authorization: Bearer <token>)."""


@tokens.command("create")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. 'CRM sync'.")
@click.option("--expires-days", type=click.IntRange(1, 3650), default=None,
              help="Expire after this many days (default: never; revoke it instead).")
def create(email: str, name: str, expires_days: int | None) -> None:
    """Create a token for EMAIL and print it once, alone on the last line."""

    expires_at = utcnow() + timedelta(days=expires_days) if expires_days else None
    with app_context(), unit_of_work():
        person = get_person(email)
        token, secret = create_token(person, name=name, expires_at=expires_at)
        summary = (f"Created API token {token.prefix}… {name!r} for {person.email}"
                   + (f", expires {_when(expires_at)} UTC." if expires_at else ", no expiry."))
    click.echo(summary)
    click.echo("Copy it now: Cadence stores only its hash and cannot show it again.")
    click.echo(secret)


@tokens.command("revoke")
@click.argument("email")
def revoke(email: str) -> None:
    """Revoke every token of EMAIL; calls with them answer 401 from now on."""

    with app_context(), unit_of_work():
        person = get_person(email)
        count = revoke_tokens(person)
        address = person.email
    click.echo(f"Revoked {count} token(s) of {address}.")


@tokens.command("list")
@click.argument("email")
def list_tokens(email: str) -> None:
    """Show EMAIL's tokens (prefix, name, status, created, expires, last used); never the secrets."""

    with app_context(), cli_errors():
        person = get_person(email)
        rows = [(t.prefix + "…", printable(t.name) or "-", token_status(t), _when(t.created_at),
                 _when(t.expires_at), _when(t.last_used_at)) for t in tokens_of(person)]
        address = person.email
    if not rows:
        click.echo(f"{address} has no API tokens.")
        return
    header = ("TOKEN", "NAME", "STATUS", "CREATED (UTC)", "EXPIRES", "LAST USED")
    widths = [max(len(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    for row in (header, *rows):
        click.echo("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
