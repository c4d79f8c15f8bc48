"""The cycle a person last chose in a cycle picker, remembered in their session.

It only matters when no active cycle contains today (between cycles, or before the first starts):
then `current_cycle` shows what the person picked rather than a guess."""
from __future__ import annotations

from flask import has_request_context, session

KEY = "picked_cycle"


def picked_cycle_id() -> int | None:
    if not has_request_context():
        return None
    value = session.get(KEY)
    return value if isinstance(value, int) else None


def remember_pick(cycle_id: int | None) -> None:
    if cycle_id is not None and has_request_context() and session.get(KEY) != cycle_id:
        session[KEY] = cycle_id
