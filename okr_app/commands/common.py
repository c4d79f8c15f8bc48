"""What every `cadence` command shares: an app context, one commit, and errors as exit 2."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from flask import Flask


@contextmanager
def app_context() -> Iterator[Flask]:
    from okr_app import create_app

    try:
        app = create_app()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    with app.app_context():
        try:
            yield app
        finally:  # close pooled connections now rather than when garbage collected (psycopg warns then)
            from okr_app.extensions import db

            db.session.remove()
            db.engine.dispose()


class UsageFailure(click.ClickException):
    """A user's mistake: the message, exit code 2."""

    exit_code = 2


@contextmanager
def cli_errors() -> Iterator[None]:
    """Domain errors become a message and exit 2; the transaction is rolled back."""
    from okr_app.errors import CadenceError

    try:
        yield
    except CadenceError as exc:
        _rollback()
        if getattr(exc, "audit", None):
            from okr_app.audit.services import record_refusal  # commands import the app only when they run

            record_refusal(exc)
        raise UsageFailure(exc.message) from None


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One commit for the whole command; any error rolls everything back."""
    from okr_app.extensions import db

    with cli_errors():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _rollback() -> None:
    from flask import has_app_context

    if has_app_context():
        from okr_app.extensions import db

        db.session.rollback()
