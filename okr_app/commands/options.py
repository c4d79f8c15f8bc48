"""What several `cadence` commands share without loading the app: `--as EMAIL` and exit 2 on bad input."""
from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn

import click

INPUT_ERROR_EXIT = 2

as_option = click.option(
    "--as", "as_email", envvar="CADENCE_USER", metavar="EMAIL",
    help="Your email in Cadence (a finance person); or set CADENCE_USER.")


def refuse_inputs(problems: Iterable[object]) -> NoReturn:
    """Print every problem on stderr and exit with status 2 (nothing was written)."""
    listed = [str(problem) for problem in problems]
    for problem in listed:
        click.echo(problem, err=True)
    count = len(listed)
    click.echo(f"Nothing was written: {count} problem{'s' if count != 1 else ''} in the inputs.", err=True)
    raise SystemExit(INPUT_ERROR_EXIT)
