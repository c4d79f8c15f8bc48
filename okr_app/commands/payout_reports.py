"""`cadence payout` commands: payout_reports (added to the `payout` group)."""
import click

COMMANDS: list[click.Command] = []
