"""`cadence` commands: deals."""
import click

COMMANDS: list[click.Command] = []
