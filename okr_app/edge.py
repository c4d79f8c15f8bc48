"""The edge of every web request: services flush, this commits once.

A request that answers below 400 commits what its services flushed; a 4xx/5xx answer, a raised error or a
refusal caught by `attempt` rolls back. Views never call commit or rollback themselves."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import Flask, flash, g, request
from flask_login import current_user

from okr_app.audit.services import record_now, record_refusal
from okr_app.errors import CadenceError, NotAllowed
from okr_app.extensions import db

T = TypeVar("T")
REFUSED = "cadence.refused"  # kept on the request itself: an app context (and its `g`) can outlive one request
AUDITED = "cadence.refusal_audited"


def init_app(app: Flask) -> None:
    @app.after_request
    def commit_once(response):
        if response.status_code >= 400 or request.environ.get(REFUSED):
            db.session.rollback()
        else:
            db.session.commit()
        if response.status_code == 403 and not request.environ.get(AUDITED):
            audit_refused_action("403")
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
            record_refusal(exc)
            request.environ[AUDITED] = True
        elif isinstance(exc, NotAllowed):
            audit_refused_action(exc.message)
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


def audit_refused_action(reason: str) -> None:
    """Every action the policy refuses (a 403, or a NotAllowed caught by `attempt`) is an audit event
    `action.refused` (ASVS 7.2.2): who, which request, why. Written in its own transaction, after this
    request's changes were rolled back."""
    request.environ[AUDITED] = True
    actor = g.get("actor")
    person = actor.person if actor is not None else (
        current_user._get_current_object() if current_user and current_user.is_authenticated else None)
    record_now(person, "action.refused", "request", f"{request.method} {request.path}"[:60],
               after={"endpoint": request.endpoint or "", "reason": reason[:300], "address": request.remote_addr or ""})
