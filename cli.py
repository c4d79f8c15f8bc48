"""The `cadence` command: one entry point for admins and finance.

Each group lives in `okr_app/commands/<topic>.py`; this module only assembles them.
"""
import click

from okr_app.commands import audit, backup, deals, payout, people, setup


@click.group()
@click.version_option(package_name="cadence")
def cli() -> None:
    """Cadence: OKRs and incentive compensation for revenue teams."""


for module in (setup, people, deals, payout, audit, backup):
    for command in module.COMMANDS:
        cli.add_command(command)


if __name__ == "__main__":
    cli()
