"""`cadence backup` and `cadence restore`: a copy of everything, and getting it back."""
from __future__ import annotations

from pathlib import Path

import click

from okr_app.backup import (
    backup_database,
    check_backup_file,
    describe,
    restore_database,
)
from okr_app.commands.edge import cli_errors
from okr_app.config import Config


def _database_url() -> str:
    """The configured database (CADENCE_DATABASE_URL, else SQLite in the instance folder).

    Read from the configuration alone, without building the app: a restore onto a fresh machine
    works before `cadence init` has written a secret key."""

    return Config().SQLALCHEMY_DATABASE_URI


@click.command()
@click.argument("out", type=click.Path(path_type=Path))
@click.option("--yes", is_flag=True, help="Overwrite OUT without asking when it already exists.")
def backup(out: Path, yes: bool) -> None:
    """Copy the whole database to the file OUT, while Cadence keeps running.

    SQLite is copied with its online backup API; PostgreSQL with pg_dump (custom format; needs
    the PostgreSQL client tools). Get it back with `cadence restore OUT`."""

    url = _database_url()
    if out.is_file() and not yes:
        click.confirm(f"{out} already exists. Replace it with a new backup?", abort=True)
    with cli_errors():
        size = backup_database(url, out)
    click.echo(f"Backed up {describe(url)} to {out} ({size:,} bytes).")


@click.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Replace the database without asking.")
def restore(file: Path, yes: bool) -> None:
    """Replace everything in the database with the backup FILE made by `cadence backup`.

    Stop `cadence serve` first. The file is checked before anything changes; a restore that fails
    half way leaves the database as it was. Run `cadence init` afterwards when the backup comes
    from an older version of Cadence (it upgrades the tables)."""

    url = _database_url()
    with cli_errors():
        check_backup_file(url, file)
    if not yes:
        click.confirm(f"This replaces everything in {describe(url)} with {file}. Continue?", abort=True)
    with cli_errors():
        restore_database(url, file)
    click.echo(f"Restored {describe(url)} from {file}.")
