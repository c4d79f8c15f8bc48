"""`cadence payout` commands: payout_runs (added to the `payout` group)."""
import click

COMMANDS: list[click.Command] = []
