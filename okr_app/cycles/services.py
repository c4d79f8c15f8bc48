"""Cycle verbs: create, activate, take the mid-cycle snapshot, grade and close.

Services flush but never commit: the request or command that calls them commits once.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from okr_app.audit.services import record
from okr_app.domain.progress import default_grade
from okr_app.domain import limits
from okr_app.errors import CycleClosed, CyclesOverlap, InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective, Snapshot
from okr_app.okrs.progress import ProgressBook
from okr_app.policy import (Actor, can_edit_objective, can_manage_cycles, can_view_objective, cycle_is_open,
                            may_edit_objective)
from okr_app.clock import utcnow


EARLIEST_START, LATEST_START = date(2000, 1, 1), date(2999, 12, 31)


def allowed_lengths() -> tuple[int, ...]:
    return tuple(current_app.config["CYCLE_LENGTHS_WEEKS"])


def validate_cycle_shape(start: date, weeks: int) -> None:
    """A cycle starts on a Monday and lasts one of the configured numbers of weeks."""
    if not EARLIEST_START <= start <= LATEST_START:
        raise InvalidInput(f"A cycle starts between {EARLIEST_START.year} and {LATEST_START.year}.")
    lengths = allowed_lengths()
    if weeks not in lengths:
        raise InvalidInput(f"A cycle lasts {' or '.join(map(str, lengths))} weeks, not {weeks}.")
    if start.weekday() != 0:
        raise InvalidInput(f"A cycle starts on a Monday; {start.isoformat()} is a {start.strftime('%A')}.")


def create_cycle(actor: Actor, name: str, start: date, weeks: int) -> Cycle:
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins create cycles.")
    if not (name or "").strip():
        raise InvalidInput("A cycle needs a name.")
    name = limits.clean_text(limits.CYCLE_NAME, name)
    validate_cycle_shape(start, weeks)
    cycle = Cycle(name=name, start=start, weeks=weeks, state="planning")
    db.session.add(cycle)
    db.session.flush()
    record(actor.person, "cycle.create", "cycle", cycle.id,
           after={"name": cycle.name, "start": start.isoformat(), "weeks": weeks})
    return cycle


def overlapping_active(cycle: Cycle) -> Cycle | None:
    """Another active cycle sharing at least one day with this one's dates."""
    for other in db.session.scalars(sa.select(Cycle).where(Cycle.state == "active", Cycle.id != cycle.id)):
        if other.start <= cycle.end and cycle.start <= other.end:
            return other
    return None


def activate_cycle(actor: Actor, cycle: Cycle) -> Cycle:
    """Start a cycle. Refused while another active cycle overlaps its dates: everyone's home, check-in
    and cascade follow the active cycle containing today, and two of them would make that a guess."""
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins start cycles.")
    ensure_open(cycle)
    other = overlapping_active(cycle)
    if other is not None:
        raise CyclesOverlap(f"{cycle.name} ({cycle.start} to {cycle.end}) overlaps {other.name}, which is active "
                            f"until {other.end}. Close {other.name} first, or move {cycle.name} to start on "
                            f"{other.end + timedelta(days=1)} or later.")
    before = cycle.state
    cycle.state = "active"
    record(actor.person, "cycle.activate", "cycle", cycle.id, before=before, after="active")
    return cycle


def ensure_open(cycle: Cycle) -> None:
    """Refuse a change to a closed cycle (`cycle_is_open`)."""
    if not cycle_is_open(cycle):
        raise CycleClosed(f"The cycle {cycle.name} is closed; its OKRs are locked.")


def ensure_may_edit(actor: Actor, objective: Objective, refusal: str) -> None:
    """Raise why `may_edit_objective` says no: NotAllowed(refusal) without the permission, else CycleClosed."""
    if may_edit_objective(actor, objective):
        return
    if not can_edit_objective(actor, objective):
        raise NotAllowed(refusal)
    ensure_open(objective.cycle)


def take_snapshot(actor: Actor | None, cycle: Cycle) -> int:
    """Freeze every key result's progress and confidence (the mid-cycle review of a 12-week cycle).

    Taken once; returns the number of key results frozen."""
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
    ensure_may_edit(actor, key_result.objective, "You cannot grade this key result.")
    if not 0.0 <= grade <= 1.0:
        raise InvalidInput("A grade is between 0.0 and 1.0.")
    before = key_result.grade
    key_result.grade = round(grade, 2)
    record(actor.person, "kr.grade", "key_result", key_result.id, before=before, after=key_result.grade)


def close_cycle(actor: Actor, cycle: Cycle) -> int:
    """Grade every key result not graded by hand (its progress rounded to 0.1) and lock the cycle.

    Returns the number of key results graded."""
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


def current_cycle(on: date | None = None, picked_id: int | None = None) -> Cycle | None:
    """The cycle everyone's home, check-in and team pages show.

    The active cycle whose dates contain `on` (today by default); when none does, the cycle the person
    picked (`picked_id`, remembered from their last choice), else the active cycle that started last,
    else the newest planning one, else the newest closed one. A planning cycle never hides a running one."""
    from okr_app.clock import today

    on = on or today()
    for cycle in db.session.scalars(sa.select(Cycle).where(Cycle.state == "active").order_by(Cycle.start.desc())):
        if cycle.start <= on <= cycle.end:
            return cycle
    if picked_id is not None and (picked := db.session.get(Cycle, picked_id)) is not None:
        return picked
    for state in ("active", "planning", "closed"):
        cycle = db.session.scalar(sa.select(Cycle).where(Cycle.state == state).order_by(Cycle.start.desc()).limit(1))
        if cycle is not None:
            return cycle
    return None


def default_start(on: date) -> date:
    """A new cycle's proposed first day: the Monday after the latest cycle ends, else the next Monday."""
    ends = [start + timedelta(weeks=weeks) - timedelta(days=1)
            for start, weeks in db.session.execute(sa.select(Cycle.start, Cycle.weeks))]
    if ends:
        return max(ends) + timedelta(days=1)
    return on + timedelta(days=(7 - on.weekday()) % 7 or 7)


def rename_cycle(actor: Actor, cycle: Cycle, name: str) -> Cycle:
    """Any cycle may be renamed, closed ones too (a name is not a result)."""
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins rename cycles.")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A cycle needs a name.")
    if len(name) > 120:
        raise InvalidInput(f"A cycle's name is at most 120 characters; this one has {len(name)}.")
    before = cycle.name
    if name != before:
        cycle.name = name
        record(actor.person, "cycle.rename", "cycle", cycle.id, before=before, after=name)
        db.session.flush()
    return cycle


def delete_cycle(actor: Actor, cycle: Cycle) -> None:
    """Only a planning cycle with no objectives can be deleted: a started cycle has history, and a
    planned one with objectives holds someone's work."""
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins delete cycles.")
    if cycle.state != "planning":
        raise InvalidInput(f"{cycle.name} has been started; only a cycle still in planning can be deleted.")
    count = cycle_objective_count(cycle)
    if count:
        raise InvalidInput(f"{cycle.name} holds {count} objective{'s' if count != 1 else ''}; "
                           "delete or move them before deleting the cycle.")
    record(actor.person, "cycle.delete", "cycle", cycle.id,
           before={"name": cycle.name, "start": cycle.start.isoformat(), "weeks": cycle.weeks})
    db.session.delete(cycle)
    db.session.flush()


def cycle_objective_count(cycle: Cycle) -> int:
    return db.session.scalar(sa.select(sa.func.count(Objective.id)).where(Objective.cycle_id == cycle.id)) or 0


def take_mid_cycle_snapshot(actor: Actor, cycle: Cycle, on: date) -> int:
    """The mid-cycle review of a 12-week cycle: taken once, while it is active, after week 6 ends."""
    if not can_manage_cycles(actor):
        raise NotAllowed("Only leaders and admins take cycle snapshots.")
    ensure_open(cycle)
    if cycle.weeks < 12:
        raise InvalidInput("Only a 12-week cycle takes a mid-cycle snapshot.")
    if cycle.state != "active":
        raise InvalidInput("Start the cycle before taking its mid-cycle snapshot.")
    if cycle.snapshot_taken_at is not None:
        raise InvalidInput(f"The mid-cycle snapshot was already taken on {cycle.snapshot_taken_at:%Y-%m-%d}.")
    if on <= cycle.midpoint:
        raise InvalidInput(f"The mid-cycle snapshot is taken once week 6 has ended "
                           f"(from {cycle.midpoint + timedelta(days=1)}).")
    return take_snapshot(actor, cycle)


def reset_grade(actor: Actor, key_result: KeyResult) -> None:
    """Drop a hand-set grade: at close the key result is graded its progress rounded to 0.1 again."""
    ensure_may_edit(actor, key_result.objective, "You cannot grade this key result.")
    if key_result.grade is not None:
        record(actor.person, "kr.grade", "key_result", key_result.id, before=key_result.grade, after=None)
        key_result.grade = None


@dataclass(frozen=True)
class SnapshotComparison:
    """One key result's mid-cycle figures beside its figures now (final, once the cycle is closed)."""

    key_result: KeyResult
    objective: Objective
    snapshot_progress: float | None
    snapshot_confidence: str | None
    final_progress: float
    final_confidence: str
    grade: float | None


def snapshot_comparison(actor: Actor, cycle: Cycle) -> list[SnapshotComparison]:
    """Every key result the reader may see, with its frozen mid-cycle progress and confidence beside
    its progress and confidence now, and its grade (3 queries whatever the cycle's size)."""
    book = ProgressBook.for_cycle(cycle.id)
    frozen = {s.key_result_id: s for s in db.session.scalars(sa.select(Snapshot).where(Snapshot.cycle_id == cycle.id))}
    rows = []
    for objective in book.objectives.values():
        if not can_view_objective(actor, objective):
            continue
        for kr in book.krs_of.get(objective.id, []):
            snap = frozen.get(kr.id)
            rows.append(SnapshotComparison(
                key_result=kr, objective=objective, snapshot_progress=snap.progress if snap else None,
                snapshot_confidence=snap.confidence if snap else None, final_progress=book.kr_progress(kr.id),
                final_confidence=kr.confidence, grade=kr.grade))
    return rows


def apply_grades(actor: Actor, cycle: Cycle, grades: dict[int, float | None]) -> int:
    """Save a grading sheet: a grade equal to the key result's default (its progress rounded to 0.1)
    stays a default, so it follows the progress until close; any other grade is set by hand; None
    goes back to the default. Returns the number of key results whose grade changed."""
    ensure_open(cycle)
    book = ProgressBook.for_cycle(cycle.id)
    changed = 0
    for kr_id, grade in grades.items():
        kr = book.key_results.get(kr_id)
        if kr is None or not can_view_objective(actor, book.objectives[kr.objective_id]):
            raise NotFound(f"No key result {kr_id} in {cycle.name}.")
        if grade is None:
            if kr.grade is not None:
                reset_grade(actor, kr)
                changed += 1
            continue
        grade = float(grade)
        hand_set = kr.grade is not None
        if (hand_set and abs(grade - kr.grade) < 1e-9) or (
                not hand_set and abs(grade - default_grade(book.kr_progress(kr_id))) < 1e-9):
            continue
        set_grade(actor, kr, grade)
        changed += 1
    db.session.flush()
    return changed
