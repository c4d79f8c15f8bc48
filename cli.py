"""The `cadence` command: one entry point for admins and finance.

Each group lives in `okr_app/commands/<topic>.py`; this module only assembles them.
"""
import click

from okr_app.commands import (audit, backup, deals, demo, payout, payout_reports, payout_runs, people, plans,
                              ritual,
                              setup, tokens)


@click.group()
@click.version_option(package_name="cadence")
def cli() -> None:
    """Cadence: OKRs and incentive compensation for revenue teams."""


# payout_runs and payout_reports add their commands to the `payout` group when imported.
for module in (setup, demo, people, tokens, deals, payout, payout_runs, payout_reports, plans, audit, backup, ritual):
    for command in module.COMMANDS:
        cli.add_command(command)


if __name__ == "__main__":
    cli()
