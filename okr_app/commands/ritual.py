"""`cadence reminders send` and `cadence digest send`: the weekly messages, each sent at most once.

Safe to run as often as you like (cron, a systemd timer, two servers at once): a message already sent this
week is not sent again. `cadence serve` runs both on its own schedule (see okr_app.ritual.schedule)."""
from __future__ import annotations

import click
from flask import current_app

from okr_app.clock import today
from okr_app.commands.edge import app_context, unit_of_work
from okr_app.mail.services import delivers_to_outbox
from okr_app.ritual.digest import send_digests
from okr_app.ritual.reminders import send_reminders


def _say(report, what: str) -> None:


    failed = report.failed()
    where = ""
    if delivers_to_outbox():
        where = f" into {current_app.instance_path}/outbox (no CADENCE_SMTP_URL is set)"
    click.echo(f"Sent {report.count - failed} {what} for {report.period}{where}.")
    if failed:
        click.echo(f"{failed} could not be delivered; the next run tries them again.", err=True)


@click.group()
def reminders() -> None:
    """The weekly check-in reminder."""


@reminders.command("send")
def send_reminders_command() -> None:
    """Remind everyone who wants it and has no weekly report for this ISO week (once per week)."""

    with app_context():
        with unit_of_work():
            report = send_reminders(today())
        _say(report, "check-in reminder(s)")


@click.group()
def digest() -> None:
    """The weekly digest for managers."""


@digest.command("send")
def send_digests_command() -> None:
    """Send each manager who wants it the digest of last ISO week's check-ins below them (once per week)."""

    with app_context():
        with unit_of_work():
            report = send_digests(today())
        _say(report, "digest(s)")
