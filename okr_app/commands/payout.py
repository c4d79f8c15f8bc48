"""`cadence payout`: the quarterly commission payout, run by finance.

The group only lists its commands; each is imported when it runs, so that a payout
from files (`payout run --deals ...`) loads the engine alone, and the commands on the
database (`approve`, `export`, `runs`) load the app.
"""
from __future__ import annotations

import click

from okr_app.commands.lazy import LazyGroup

PAYOUT_COMMANDS = {
    "run": ("okr_app.commands.payout_run:run",
            "Compute a quarter's payouts from files and write OUT/lines.csv and OUT/totals.csv."),
    "compare": ("okr_app.commands.payout_compare:compare",
                "Try plans on past quarters: every quarter paid as if every rep had been on each plan."),
    "statements": ("okr_app.commands.payout_reports:statements",
                   "Write a PDF statement per rep and the finance summary into OUT."),
    "approve": ("okr_app.commands.payout_runs:approve", "Approve a draft run: it is locked and never changes again."),
    "export": ("okr_app.commands.payout_runs:export",
               "Write the payroll file of an approved run: rep, email, period, currency, amount."),
    "runs": ("okr_app.commands.payout_runs:runs",
             "List payout runs, newest quarter first: id, quarter, state, reps, totals, who ran and approved them."),
}


@click.group(cls=LazyGroup, lazy=PAYOUT_COMMANDS)
def payout() -> None:
    """Quarterly commission payouts: compute what each rep earned.

    A payout reads closed deals, the roster of reps with their plans, quotas per
    quarter and the plan files, and pays every rep on the roster for one calendar
    quarter. Every amount on a statement traces back to the deals and plan lines that
    produced it. Start with `cadence payout run --help`.
    """
