"""`cadence` commands: backup."""
import click

COMMANDS: list[click.Command] = []
