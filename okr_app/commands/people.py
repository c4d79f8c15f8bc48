"""`cadence` commands: people."""
import click

COMMANDS: list[click.Command] = []
