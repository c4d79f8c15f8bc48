"""The command line's edge, as `okr_app.edge` is the web's: every `cadence` command gets an app context, one
commit, and its errors as exit 2."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click
from flask import Flask, has_app_context

from okr_app import create_app
from okr_app.audit.services import record_refusal
from okr_app.errors import CadenceError
from okr_app.extensions import db


@contextmanager
def app_context() -> Iterator[Flask]:
    try:
        app = create_app()
    except RuntimeError as exc:
        raise click.ClickException(str(exc)) from None
    with app.app_context():
        try:
            yield app
        finally:  # close pooled connections now rather than when garbage collected (psycopg warns then)
            db.session.remove()
            db.engine.dispose()


class UsageFailure(click.ClickException):
    """A user's mistake: the message, exit code 2."""

    exit_code = 2


@contextmanager
def cli_errors() -> Iterator[None]:
    """Domain errors become a message and exit 2; the transaction is rolled back."""
    try:
        yield
    except CadenceError as exc:
        _rollback()
        if getattr(exc, "audit", None):
            record_refusal(exc)
        raise UsageFailure(exc.message) from None


@contextmanager
def unit_of_work() -> Iterator[None]:
    """One commit for the whole command; any error rolls everything back."""
    with cli_errors():
        try:
            yield
            db.session.commit()
        except BaseException:
            db.session.rollback()
            raise


def _rollback() -> None:
    if has_app_context():
        db.session.rollback()
