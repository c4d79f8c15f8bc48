"""Cycle verbs: create, activate, take the mid-cycle snapshot, grade and close.

Services flush but never commit: the request or command that calls them commits once.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from okr_app.audit.services import record
from okr_app.domain.progress import default_grade
from okr_app.errors import CycleClosed, InvalidInput, NotAllowed
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective, Snapshot
from okr_app.policy import Actor, can_manage_cycles
from okr_app.timeutil import utcnow


def allowed_lengths() -> tuple[int, ...]:
    return tuple(current_app.config["CYCLE_LENGTHS_WEEKS"])


def validate_cycle_shape(start: date, weeks: int) -> None:
    """A cycle starts on a Monday and lasts one of the configured numbers of weeks."""
    lengths = allowed_lengths()
    if weeks not in lengths:
        raise InvalidInput(f"A cycle lasts {' or '.join(map(str, lengths))} weeks, not {weeks}.")
    if start.weekday() != 0:
        raise InvalidInput(f"A cycle starts on a Monday; {start.isoformat()} is a {start.strftime('%A')}.")


def create_cycle(actor: Actor, name: str, start: date, weeks: int) -> Cycle:
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins create cycles.")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A cycle needs a name.")
    validate_cycle_shape(start, weeks)
    cycle = Cycle(name=name[:120], start=start, weeks=weeks, state="planning")
    db.session.add(cycle)
    db.session.flush()
    record(actor.person, "cycle.create", "cycle", cycle.id,
           after={"name": cycle.name, "start": start.isoformat(), "weeks": weeks})
    return cycle


def activate_cycle(actor: Actor, cycle: Cycle) -> Cycle:
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins start cycles.")
    ensure_open(cycle)
    before = cycle.state
    cycle.state = "active"
    record(actor.person, "cycle.activate", "cycle", cycle.id, before=before, after="active")
    return cycle


def ensure_open(cycle: Cycle) -> None:
    """A closed cycle is locked."""
    if cycle.state == "closed":
        raise CycleClosed(f"The cycle {cycle.name} is closed; its OKRs are locked.")


def take_snapshot(actor: Actor | None, cycle: Cycle) -> int:
    """Freeze every key result's progress and confidence (the mid-cycle review of a 12-week cycle).

    Taken once; returns the number of key results frozen."""
    from okr_app.okrs.progress import ProgressBook

    if actor is not None and not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins take cycle snapshots.")
    if cycle.weeks < 12:
        raise InvalidInput("Only a 12-week cycle takes a mid-cycle snapshot.")
    if cycle.snapshot_taken_at is not None:
        return 0
    book = ProgressBook.for_cycle(cycle.id)
    for kr in book.key_results.values():
        db.session.add(Snapshot(cycle_id=cycle.id, key_result_id=kr.id, progress=book.kr_progress(kr.id),
                                confidence=kr.confidence))
    cycle.snapshot_taken_at = utcnow()
    record(actor.person if actor else None, "cycle.snapshot", "cycle", cycle.id, after=len(book.key_results))
    db.session.flush()
    return len(book.key_results)


def snapshot_due(cycle: Cycle, today: date) -> bool:
    """A 12-week active cycle whose week 6 has ended and which has no snapshot yet."""
    return (cycle.weeks >= 12 and cycle.state == "active" and cycle.snapshot_taken_at is None
            and today > cycle.midpoint)


def set_grade(actor: Actor, key_result: KeyResult, grade: float) -> None:
    """Override a key result's grade (0.0–1.0) before its cycle closes."""
    from okr_app.policy import can_edit_objective

    objective = key_result.objective
    ensure_open(objective.cycle)
    if not can_edit_objective(actor, objective):
        raise NotAllowed("You cannot grade this key result.")
    if not 0.0 <= grade <= 1.0:
        raise InvalidInput("A grade is between 0.0 and 1.0.")
    before = key_result.grade
    key_result.grade = round(grade, 2)
    record(actor.person, "kr.grade", "key_result", key_result.id, before=before, after=key_result.grade)


def close_cycle(actor: Actor, cycle: Cycle) -> int:
    """Grade every key result not graded by hand (its progress rounded to 0.1) and lock the cycle.

    Returns the number of key results graded."""
    from okr_app.okrs.progress import ProgressBook

    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins close cycles.")
    ensure_open(cycle)
    book = ProgressBook.for_cycle(cycle.id)
    grades = {}
    for kr in book.key_results.values():
        if kr.grade is None:
            kr.grade = default_grade(book.kr_progress(kr.id))
        grades[kr.id] = kr.grade
    before = cycle.state
    cycle.state = "closed"
    cycle.closed_at = utcnow()
    record(actor.person, "cycle.close", "cycle", cycle.id, before=before, after={"state": "closed",
                                                                             "grades": grades})
    db.session.flush()
    return len(grades)


def current_cycle() -> Cycle | None:
    """The active cycle that started last, else the newest planning one, else the newest closed one."""
    for state in ("active", "planning", "closed"):
        cycle = db.session.scalar(sa.select(Cycle).where(Cycle.state == state).order_by(Cycle.start.desc()).limit(1))
        if cycle is not None:
            return cycle
    return None


def cycle_objective_count(cycle: Cycle) -> int:
    return db.session.scalar(sa.select(sa.func.count(Objective.id)).where(Objective.cycle_id == cycle.id)) or 0
