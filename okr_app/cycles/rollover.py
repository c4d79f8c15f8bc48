"""Roll-over: carry an objective and its unfinished key results from a closed cycle into the next one.

One action instead of retyping: the copy keeps title, description, owner and privacy; each key result
whose progress was below 100% comes along with its kind, start, target, unit and weight, and its value
back at the start (no check-ins, no grade, no due date: the old one lay in the old cycle). Alignment is
kept where the key result it pointed at was itself rolled over into the same cycle; objectives rolled
over earlier whose parent arrives now are re-aligned to the parent's copy."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from okr_app.audit.services import record
from okr_app.errors import AlreadyRolledOver, InvalidInput
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective
from okr_app.okrs.progress import ProgressBook
from okr_app.okrs.services import add_key_result, create_objective
from okr_app.policy import Actor, can_own_objective


def next_cycle_after(cycle: Cycle) -> Cycle | None:
    """The first cycle starting after this one that is not closed (where a roll-over lands)."""
    return db.session.scalar(sa.select(Cycle).where(Cycle.start > cycle.start, Cycle.state != "closed")
                             .order_by(Cycle.start, Cycle.id).limit(1))


def rolled_over_copy(objective: Objective, into: Cycle) -> Objective | None:
    return db.session.scalar(sa.select(Objective).where(Objective.copied_from_id == objective.id,
                                                        Objective.cycle_id == into.id).limit(1))


def unfinished_key_results(objective: Objective) -> list[KeyResult]:
    """The objective's key results whose progress stayed below 100%."""
    book = ProgressBook.for_cycle(objective.cycle_id)
    return [kr for kr in book.krs_of.get(objective.id, []) if book.kr_progress(kr.id) < 1.0]


def _copy_of_kr(kr_id: int | None, into: Cycle) -> int | None:
    if kr_id is None:
        return None
    return db.session.scalar(
        sa.select(KeyResult.id).join(Objective, KeyResult.objective_id == Objective.id)
        .where(KeyResult.copied_from_id == kr_id, Objective.cycle_id == into.id).limit(1))


@dataclass(frozen=True)
class RollOverOffer:
    """What the objective page offers under a closed objective: where it would go and what it takes."""

    into: Cycle
    key_results: int
    copy_id: int | None  # already rolled over: the copy to link to


def roll_over_offer(actor: Actor, objective: Objective) -> RollOverOffer | None:
    """None unless the objective's cycle is closed, a next cycle exists and the reader may own the copy."""
    if objective.cycle.state != "closed":
        return None
    into = next_cycle_after(objective.cycle)
    if into is None or not can_own_objective(actor, objective.owner_type, objective.owner_person_id):
        return None
    copy = rolled_over_copy(objective, into)
    return RollOverOffer(into=into, key_results=len(unfinished_key_results(objective)),
                         copy_id=copy.id if copy else None)


def roll_over(actor: Actor, objective: Objective, into: Cycle | None = None) -> Objective:
    """Copy `objective` (from a closed cycle) and its unfinished key results into `into` (default: the
    next open cycle). The same rules as creating them by hand apply: who may own it, the limits."""
    source = objective.cycle
    if source.state != "closed":
        raise InvalidInput(f"{source.name} is still open; roll an objective over once its cycle is closed.")
    into = into or next_cycle_after(source)
    if into is None:
        raise InvalidInput(f"There is no cycle after {source.name} to roll over into; a leader creates one first.")
    if rolled_over_copy(objective, into) is not None:
        raise AlreadyRolledOver(f"{objective.title!r} is already in {into.name}.")
    unfinished = unfinished_key_results(objective)
    copy = create_objective(actor, into, objective.title, objective.owner_type,
                            owner_person=objective.owner_person, team=objective.team,
                            aligned_kr_id=_copy_of_kr(objective.aligned_kr_id, into),
                            private=objective.private, description=objective.description)
    copy.copied_from_id = objective.id
    for kr in unfinished:
        new = add_key_result(actor, copy, kr.title, kr.kind, start=kr.start_value, target=kr.target_value,
                             unit=kr.unit, weight=kr.weight, leads_to_action=kr.leads_to_action,
                             reproducible=kr.reproducible, about_buyers=kr.about_buyers)
        new.copied_from_id = kr.id
    db.session.flush()
    _realign_children(copy, into)
    record(actor.person, "objective.roll_over", "objective", copy.id,
           before={"objective": objective.id, "cycle": source.id},
           after={"cycle": into.id, "key_results": len(unfinished)})
    return copy


def _realign_children(copy: Objective, into: Cycle) -> None:
    """Copies made earlier that aligned (in the old cycle) to a key result just copied now follow it."""
    old = aliased(Objective)
    for new_kr in copy.key_results:
        children = db.session.scalars(
            sa.select(Objective).join(old, old.id == Objective.copied_from_id)
            .where(Objective.cycle_id == into.id, Objective.aligned_kr_id.is_(None),
                   old.aligned_kr_id == new_kr.copied_from_id)).all()
        for child in children:
            child.aligned_kr_id = new_kr.id
    db.session.flush()
