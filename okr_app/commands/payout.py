"""`cadence` commands: payout."""
import click

COMMANDS: list[click.Command] = []
