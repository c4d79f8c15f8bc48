"""The edge of a request that changes something: one commit on success; on a domain error,
roll back, flash its message and let the view re-render its form with the error's status."""
from __future__ import annotations

from typing import Callable, TypeVar

from flask import flash

from okr_app.errors import CadenceError
from okr_app.extensions import db

T = TypeVar("T")


def commit_or_flash(action: Callable[[], T]) -> tuple[T | None, CadenceError | None]:
    """Run a service call and commit it; (result, None) when saved, (None, error) when refused."""
    try:
        result = action()
        db.session.commit()
    except CadenceError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return None, exc
    return result, None


def form_status(form) -> int:
    """200 for a fresh form; 422 when it was submitted and did not validate."""
    return 422 if form.is_submitted() else 200
