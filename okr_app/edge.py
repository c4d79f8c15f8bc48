"""The edge of every web request: services flush, this commits once.

A request that answers below 400 commits what its services flushed; a 4xx/5xx answer, a raised error or a
refusal caught by `attempt` rolls back. Views never call commit or rollback themselves."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import Flask, flash, request

from okr_app.errors import CadenceError
from okr_app.extensions import db

T = TypeVar("T")
REFUSED = "cadence.refused"  # kept on the request itself: an app context (and its `g`) can outlive one request


def init_app(app: Flask) -> None:
    @app.after_request
    def commit_once(response):
        if response.status_code >= 400 or request.environ.get(REFUSED):
            db.session.rollback()
        else:
            db.session.commit()
        return response

    @app.teardown_request
    def roll_back_on_error(exc: BaseException | None) -> None:
        if exc is not None:
            db.session.rollback()


def attempt(action: Callable[[], T], show: bool = True) -> tuple[T | None, CadenceError | None]:
    """Run a service call; (result, None) when it succeeded, (None, error) when the rules refused it.

    A refusal rolls back at once (the page re-rendered next must not see half a change) and marks the request
    so the edge commits nothing; `show` flashes the refusal's message."""
    try:
        return action(), None
    except CadenceError as exc:
        refuse()
        if getattr(exc, "audit", None):
            from okr_app.audit.services import record_refusal  # the audit package imports the edge

            record_refusal(exc)
        if show:
            flash(exc.message, "error")
        return None, exc


def refuse() -> None:
    """Undo what this request flushed and commit nothing at its end."""
    db.session.rollback()
    request.environ[REFUSED] = True


def form_status(form) -> int:
    """200 for a fresh form; 422 when it was submitted and did not validate."""
    return 422 if form.is_submitted() else 200
