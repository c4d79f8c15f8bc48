"""`cadence` commands: audit."""
import click

COMMANDS: list[click.Command] = []
