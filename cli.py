"""The `cadence` command: one entry point for admins and finance.

Each group lives in `okr_app/commands/<topic>.py` and is imported only when it runs
(`okr_app.commands.lazy`), so `cadence --help` loads click alone and each command only
what it uses. The one-line help of each command is written here; a test checks that it
is the command's own.
"""
import os
import sys

import click

from okr_app.commands.lazy import LazyGroup, leaving_at_once

COMMANDS = {
    "init": ("okr_app.commands.setup:init",
             "Create or upgrade the database and generate the secret key (once) into the instance folder."),
    "serve": ("okr_app.commands.setup:serve",
              "Serve the web app with gunicorn (a production server, not Flask's development one)."),
    "schedule": ("okr_app.commands.setup:schedule",
                 "Send the weekly reminders and digests when they are due (what `cadence serve` runs by itself)."),
    "reminders": ("okr_app.commands.ritual:reminders", "The weekly check-in reminder."),
    "digest": ("okr_app.commands.ritual:digest", "The weekly digest for managers."),
    "demo": ("okr_app.commands.demo:demo",
             "Load a demo company: leadership, marketing, sales, customer success and a cross-functional pod, in "
             "week 9 of a 12-week cycle with company → team → person OKRs, eight weeks of check-ins and weekly "
             "reports."),
    "users": ("okr_app.commands.people:users", "Add, import and change the people who use Cadence."),
    "teams": ("okr_app.commands.people:teams", "Functions (sales, marketing, ...) and cross-functional pods."),
    "tokens": ("okr_app.commands.tokens:tokens",
               "Create, list and revoke personal API tokens (Authorization: Bearer <token>)."),
    "deals": ("okr_app.commands.deals:deals",
              "Closed deals for payouts from the database (`cadence payout run --period P`)."),
    "roster": ("okr_app.commands.deals:roster", "Who is paid in a quarter, and on which plan."),
    "quotas": ("okr_app.commands.deals:quotas", "Quotas per rep, quarter and plan component."),
    "payout": ("okr_app.commands.payout:payout", "Quarterly commission payouts: compute what each rep earned."),
    "plans": ("okr_app.commands.plans:plans", "Compensation plans the reps acknowledge before they are paid on them."),
    "audit": ("okr_app.commands.audit:audit",
              "Print who did what and when, oldest first: time (UTC), actor's email, action, object, before → after."),
    "backup": ("okr_app.commands.backup:backup",
               "Copy the whole database to the file OUT, while Cadence keeps running."),
    "restore": ("okr_app.commands.backup:restore",
                "Replace everything in the database with the backup FILE made by `cadence backup`."),
}


@click.group(cls=LazyGroup, lazy=COMMANDS)
@click.version_option(package_name="cadence")
def cli() -> None:
    """Cadence: OKRs and incentive compensation for revenue teams."""


def main() -> None:
    """The `cadence` console script: `cli`, then, when the command asked to (`leave_at_once`), the
    exit status given straight to the system once stdout and stderr are flushed.

    numpy's OpenBLAS starts a thread per core when numpy is imported; no command does linear
    algebra, and on 2 cores those threads took 0.07 s of CPU from a payout run's readers (set
    OPENBLAS_NUM_THREADS yourself to choose otherwise)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    try:
        cli(prog_name="cadence")
    except SystemExit as stop:
        if not leaving_at_once():
            raise
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)


if __name__ == "__main__":
    main()
