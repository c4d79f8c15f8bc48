"""`cadence users ...` and `cadence teams ...`: the people admin for whoever runs the server.

Same rules as the People pages (they call the same `okr_app.people.services`); changes made
here are audited with the actor "system". Passwords are never taken as arguments (they would
end up in shell history and `ps`): `--password-stdin` reads one line from standard input.
"""
from __future__ import annotations

import sys

import click
import sqlalchemy as sa
from flask import current_app

from okr_app.auth.links import invite as send_invitation
from okr_app.commands.edge import UsageFailure, app_context, unit_of_work
from okr_app.extensions import db
from okr_app.mail.services import delivers_to_outbox
from okr_app.models import ROLES, TEAM_KINDS, Person
from okr_app.people import services
from okr_app.people.importing import import_people_file


def _read_password() -> str:
    """One line from stdin; on a terminal, a hidden prompt asked twice."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    line = sys.stdin.readline()
    if not line:
        raise UsageFailure("--password-stdin: nothing on standard input.")
    return line.rstrip("\r\n")


@click.group()
def users() -> None:
    """Add, import and change the people who use Cadence."""


@users.command("add")
@click.argument("email")
@click.option("--name", required=True, help="Full name, as colleagues know it.")
@click.option("--role", default="employee", show_default=True, type=click.Choice(ROLES, case_sensitive=False))
@click.option("--manager", "manager_email", metavar="EMAIL", help="Their manager (already in Cadence).")
@click.option("--team", metavar="TEAM", help="An existing team (see `cadence teams list`).")
@click.option("--password-stdin", is_flag=True, help="Read their initial password from standard input.")
@click.option("--invite", is_flag=True, help="E-mail them a link to choose their password (valid 7 days).")
def add_user(email: str, name: str, role: str, manager_email: str | None, team: str | None,
             password_stdin: bool, invite: bool) -> None:
    """Add one person. Without a password or an invitation they cannot sign in until one is set."""

    password = _read_password() if password_stdin else None
    with app_context(), unit_of_work():
        manager = services.get_person(manager_email) if manager_email else None
        person = services.add_person(None, email=email, name=name, role=role.lower(), manager=manager,
                                     team=services.get_team(team) if team else None, password=password)
        sent = send_invitation(None, person) if invite else None
        message = (f"Added {person.name} <{person.email}> as {person.role}"
                   + ("." if password or invite else "; set a password with `cadence users set-password`."))
        lines = [message, *_invitation_lines([sent] if sent else [])]
    click.echo("\n".join(lines))


@users.command("invite")
@click.argument("email")
def invite_user(email: str) -> None:
    """E-mail a person a link to choose their password (valid 7 days, works once).

    Without CADENCE_SMTP_URL the message goes to the instance's outbox/ and the link is printed here, for
    you to pass on."""

    with app_context(), unit_of_work():
        sent = send_invitation(None, services.get_person(email))
        lines = _invitation_lines([sent])
    click.echo("\n".join(lines))


def _invitation_lines(sent) -> list[str]:

    if not sent:
        return []
    if not delivers_to_outbox():
        return [f"Invitation e-mailed to {item.person.email}." for item in sent]
    return [f"No SMTP relay (CADENCE_SMTP_URL): the invitation is in the outbox; its link for {item.person.email}: "
            f"{item.link}" for item in sent]


@users.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, exists=True))
@click.option("--invite", is_flag=True, help="E-mail everyone imported a link to choose their password.")
def import_users(csv_file: str, invite: bool) -> None:
    """Add everyone in a CSV, or nobody.

    Header: email,name,role,manager_email,team (optional extra column: password). A blank role
    means employee; a manager may be in the same file or already in Cadence; teams must exist
    (`cadence teams add`). Any problem refuses the whole file; each is printed as
    file:line: field: message (line 1 is the header).
    """



    with app_context(), unit_of_work():
        result = import_people_file(None, csv_file, current_app.config["MAX_IMPORT_BYTES"])
        sent = [send_invitation(None, person) for person in result.people] if invite else []
        lines = [f"Imported {len(result.people)} people from {result.file}.", *_invitation_lines(sent)]
    click.echo("\n".join(lines))


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=click.Choice(ROLES, case_sensitive=False))
def set_role(email: str, role: str) -> None:
    """Change someone's role; their open sessions end at once."""

    with app_context(), unit_of_work():
        person = services.get_person(email)
        before = person.role
        services.set_role(None, person, role.lower())
        message = (f"{person.email}: {before} → {person.role}; their sessions have ended."
                   if before != person.role else f"{person.email} is already {person.role}.")
    click.echo(message)


@users.command("deactivate")
@click.argument("email")
def deactivate(email: str) -> None:
    """Stop someone signing in: ends their sessions and revokes their API tokens. Their OKRs,
    reports and history stay."""

    with app_context(), unit_of_work():
        person = services.get_person(email)
        was_active = person.active
        waiting = [p.email for p in services.deactivate(None, person)]
        message = f"Deactivated {person.email}." if was_active else f"{person.email} was already deactivated."
    click.echo(message)
    if waiting:
        click.echo(f"Still reporting to {email}, and needing a new manager: {', '.join(waiting)}")


@users.command("set-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, required=True, help="Read the new password from standard input.")
def set_password(email: str, password_stdin: bool) -> None:
    """Set someone's password; their other sessions end."""

    password = _read_password()
    with app_context(), unit_of_work():
        person = services.get_person(email)
        services.set_password(None, person, password)
        message = f"Password set for {person.email}; their other sessions have ended."
    click.echo(message)


@users.command("list")
@click.option("--all", "include_inactive", is_flag=True, help="Include deactivated people.")
def list_users(include_inactive: bool) -> None:
    """Everyone, one per line: email, role, team, manager."""


    with app_context():
        query = sa.select(Person).order_by(Person.email)
        if not include_inactive:
            query = query.where(Person.active.is_(True))
        for person in db.session.scalars(query):
            click.echo("\t".join([person.email, person.role, person.team.name if person.team else "-",
                                  person.manager.email if person.manager else "-",
                                  "" if person.active else "deactivated"]).rstrip())


@click.group()
def teams() -> None:
    """Functions (sales, marketing, ...) and cross-functional pods."""


@teams.command("add")
@click.argument("name")
@click.option("--kind", default="function", show_default=True, type=click.Choice(TEAM_KINDS))
def add_team(name: str, kind: str) -> None:
    """Add a team."""

    with app_context(), unit_of_work():
        team = services.create_team(None, name, kind)
        message = f"Added team {team.name} ({team.kind})."
    click.echo(message)


@teams.command("list")
def list_teams() -> None:
    """Every team, its kind and its number of active members."""

    with app_context():
        for team, members in services.list_teams(None):
            click.echo(f"{team.name}\t{team.kind}\t{members}")
