"""Objective and key-result verbs: the rules the web form, the API and the CLI all call.

Limits (one objective per person per cycle, five key results per objective by default) come from
configuration; past a limit nothing is saved and `LimitExceeded` says why.
"""
from __future__ import annotations

import math
from datetime import date

import sqlalchemy as sa
from flask import current_app

from okr_app.audit.services import record
from okr_app.domain import limits
from okr_app.domain.progress import QUANTITATIVE
from okr_app.cycles.services import ensure_may_edit, ensure_open
from okr_app.errors import InvalidInput, LimitExceeded, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.okrs.display import KIND_LABELS
from okr_app.ledger.key_results import latest_deals_import, load_ledger, metric_of, refresh, window_of
from okr_app.models import CONFIDENCES, KR_KINDS, CheckIn, Cycle, KeyResult, Objective, Person, Snapshot, Team
from okr_app.policy import Actor, can_own_objective, can_view_objective
from okr_app.clock import utcnow



# --- lookups that respect visibility --------------------------------------------------------

def visible_objective(actor: Actor, objective_id: int) -> Objective:
    """The objective, or NotFound when it does not exist or the actor may not see it (no id leaks)."""
    objective = db.session.get(Objective, objective_id)
    if objective is None or not can_view_objective(actor, objective):
        raise NotFound("No such objective.")
    return objective


def visible_key_result(actor: Actor, kr_id: int) -> KeyResult:
    kr = db.session.get(KeyResult, kr_id)
    if kr is None or not can_view_objective(actor, kr.objective):
        raise NotFound("No such key result.")
    return kr


def editable_objective(actor: Actor, objective_id: int) -> Objective:
    """The objective when `may_edit_objective` allows changing it now; NotAllowed or CycleClosed says why not."""
    objective = visible_objective(actor, objective_id)
    ensure_may_edit(actor, objective, "You cannot change this objective.")
    return objective


# --- the two limits (configuration: CADENCE_MAX_PERSONAL_OBJECTIVES, CADENCE_MAX_KEY_RESULTS) ----------

def personal_objective_limit() -> int:
    return current_app.config["MAX_PERSONAL_OBJECTIVES"]


def key_result_limit() -> int:
    return current_app.config["MAX_KEY_RESULTS"]


def has_room_for_personal_objective(existing: int) -> bool:
    """One objective per person per cycle by default: room while `existing` is under the limit."""
    return existing < personal_objective_limit()


def has_room_for_key_result(existing: int) -> bool:
    """Five key results per objective by default: room while `existing` is under the limit."""
    return existing < key_result_limit()


def ensure_room_for_personal_objective(cycle: Cycle, person: Person) -> None:
    """LimitExceeded when the person already has the allowed number of objectives in the cycle."""
    existing = db.session.scalar(sa.select(sa.func.count(Objective.id)).where(
        Objective.cycle_id == cycle.id, Objective.owner_type == "person",
        Objective.owner_person_id == person.id)) or 0
    if not has_room_for_personal_objective(existing):
        raise LimitExceeded(f"{person.name} already has {existing} objective(s) in {cycle.name}; "
                            f"the limit is {personal_objective_limit()} per person per cycle.")


def ensure_room_for_key_result(objective: Objective) -> int:
    """The objective's number of key results; LimitExceeded when it already has the allowed number."""
    existing = db.session.scalar(sa.select(sa.func.count(KeyResult.id)).where(
        KeyResult.objective_id == objective.id)) or 0
    if not has_room_for_key_result(existing):
        raise LimitExceeded(f"This objective already has {existing} key results; the limit is "
                            f"{key_result_limit()}. Fewer, sharper key results work better.")
    return existing


# --- objectives --------------------------------------------------------------------------

def _finite(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number.") from None
    if not math.isfinite(value) or abs(value) > limits.VALUE_MAX_ABS:
        raise InvalidInput(f"{name} must be a finite number of at most {limits.VALUE_MAX_ABS:,.0f} either way.")
    return value


def _clean_title(title: str | None, limit: limits.TextLimit, what: str) -> str:
    if not (title or "").strip():
        raise InvalidInput(f"{what} needs a title.")
    return limits.clean_text(limit, title)


def _check_alignment(actor: Actor, cycle: Cycle, aligned_kr_id: int | None, objective: Objective | None) -> None:
    """An objective aligns to a key result of the same cycle, never to one of its own descendants."""
    if aligned_kr_id is None:
        return
    kr = db.session.get(KeyResult, aligned_kr_id)
    if kr is None or not can_view_objective(actor, kr.objective):
        raise InvalidInput(f"Key result {aligned_kr_id} does not exist.")
    if kr.objective.cycle_id != cycle.id:
        raise InvalidInput("An objective aligns to a key result of the same cycle.")
    if objective is not None:
        seen, parent = set(), kr.objective
        while parent is not None and parent.id not in seen:
            if parent.id == objective.id:
                raise InvalidInput("That alignment would make the cascade loop back on itself.")
            seen.add(parent.id)
            parent = parent.aligned_kr.objective if parent.aligned_kr is not None else None


def create_objective(actor: Actor, cycle: Cycle, title: str, owner_type: str, *,
                     owner_person: Person | None = None, team: Team | None = None,
                     aligned_kr_id: int | None = None, private: bool = False, description: str = "") -> Objective:
    ensure_open(cycle)
    title = _clean_title(title, limits.OBJECTIVE_TITLE, "An objective")
    description = limits.clean_text(limits.OBJECTIVE_DESCRIPTION, description)
    if owner_type == "person":
        if owner_person is None:
            raise InvalidInput("A personal objective needs an owner.")
        team = None
    elif owner_type == "team":
        if team is None:
            raise InvalidInput("A team objective needs a team.")
        owner_person = None
    elif owner_type == "company":
        owner_person, team = None, None
    else:
        raise InvalidInput("An objective is owned by a person, a team or the company.")
    if not can_own_objective(actor, owner_type, owner_person.id if owner_person else None):
        raise NotAllowed("You cannot set objectives for that owner.")
    if owner_type == "person":
        ensure_room_for_personal_objective(cycle, owner_person)
    _check_alignment(actor, cycle, aligned_kr_id, None)
    objective = Objective(cycle_id=cycle.id, title=title, owner_type=owner_type,
                          owner_person_id=owner_person.id if owner_person else None,
                          team_id=team.id if team else None, aligned_kr_id=aligned_kr_id,
                          private=bool(private), description=description,
                          created_by_id=actor.id)
    db.session.add(objective)
    db.session.flush()
    record(actor.person, "objective.create", "objective", objective.id,
           after={"title": title, "owner": owner_type, "aligned_to": aligned_kr_id, "private": bool(private)})
    return objective


def update_objective(actor: Actor, objective: Objective, *, title: str | None = None,
                     description: str | None = None, aligned_kr_id: int | None | type(...) = ...,
                     private: bool | None = None) -> Objective:
    ensure_may_edit(actor, objective, "You cannot change this objective.")
    before = {"title": objective.title, "aligned_to": objective.aligned_kr_id, "private": objective.private}
    if title is not None:
        objective.title = _clean_title(title, limits.OBJECTIVE_TITLE, "An objective")
    if description is not None:
        objective.description = limits.clean_text(limits.OBJECTIVE_DESCRIPTION, description)
    if aligned_kr_id is not ...:
        _check_alignment(actor, objective.cycle, aligned_kr_id, objective)
        if aligned_kr_id != objective.aligned_kr_id:
            record(actor.person, "objective.align", "objective", objective.id,
                   before=objective.aligned_kr_id, after=aligned_kr_id)
        objective.aligned_kr_id = aligned_kr_id
    if private is not None:
        objective.private = bool(private)
    after = {"title": objective.title, "aligned_to": objective.aligned_kr_id, "private": objective.private}
    if after != before:
        record(actor.person, "objective.update", "objective", objective.id, before=before, after=after)
    db.session.flush()
    return objective


def delete_objective(actor: Actor, objective: Objective) -> None:
    ensure_may_edit(actor, objective, "You cannot delete this objective.")
    kr_ids = [kr.id for kr in objective.key_results]
    if kr_ids:
        db.session.execute(sa.update(Objective).where(Objective.aligned_kr_id.in_(kr_ids)).values(aligned_kr_id=None))
        _forget_snapshots(kr_ids)
    record(actor.person, "objective.delete", "objective", objective.id, before={"title": objective.title})
    db.session.delete(objective)
    db.session.flush()


def _forget_snapshots(kr_ids: list[int]) -> None:
    """A deleted key result takes its mid-cycle snapshot with it (PostgreSQL enforces the foreign key)."""
    db.session.execute(sa.delete(Snapshot).where(Snapshot.key_result_id.in_(kr_ids)))


# --- key results ---------------------------------------------------------------------------

def _validate_kr_fields(kind: str, start: float | None, target: float | None, due: date | None,
                        weight: float | None, cycle: Cycle) -> tuple[float | None, float | None, float]:
    if kind not in KR_KINDS:
        raise InvalidInput(f"A key result's kind is one of {', '.join(KIND_LABELS[k].lower() for k in KR_KINDS)}; "
                           f"not {kind!r}.", field="kind")
    start, target = _finite(start, "Start"), _finite(target, "Target")
    if kind == "metric":
        if target is None:
            raise InvalidInput("A metric key result needs a target.")
        start = 0.0 if start is None else start
        if target <= start:
            raise InvalidInput("A metric key result's target is above its start (its progress follows the increase rule).")
    elif kind in QUANTITATIVE:
        if start is None or target is None:
            raise InvalidInput(f"{_article(KIND_LABELS[kind])} “{KIND_LABELS[kind].lower()}” key result needs a "
                               "start and a target.", field="start" if start is None else "target")
        if kind == "increase" and target <= start:
            raise InvalidInput("An “increase” key result's target is above its start.", field="target")
        if kind == "decrease" and target >= start:
            raise InvalidInput("A “decrease” key result's target is below its start.", field="target")
    else:
        start, target = None, None  # ignored for milestone and rollup
    weight = 1.0 if weight is None else _finite(weight, "Weight")
    if weight <= 0 or weight > limits.WEIGHT_MAX:
        raise InvalidInput(f"A weight is above 0 and at most {limits.WEIGHT_MAX:g}.", field="weight")
    if due is not None and not (cycle.start <= due <= cycle.end):
        raise InvalidInput(f"The due date must be inside the cycle ({cycle.start} to {cycle.end}).", field="due")
    return start, target, weight


def _article(word: str) -> str:
    return "An" if word[:1].lower() in "aeiou" else "A"


def add_key_result(actor: Actor, objective: Objective, title: str, kind: str, *, start: float | None = None,
                   target: float | None = None, unit: str = "", due: date | None = None,
                   weight: float | None = None, leads_to_action: bool = True, reproducible: bool = True,
                   about_buyers: bool = True, metric: str | None = None, window_months: int | None = None) -> KeyResult:
    """A new key result; a `metric` one is bound to a revenue metric and measured from the deals at once."""
    ensure_may_edit(actor, objective, "You cannot add key results to this objective.")
    count = ensure_room_for_key_result(objective)
    title = _clean_title(title, limits.KR_TITLE, "A key result")
    unit = limits.clean_text(limits.KR_UNIT, unit)
    start, target, weight = _validate_kr_fields(kind, start, target, due, weight, objective.cycle)
    bound = str(metric_of(metric)) if kind == "metric" else None
    window = window_of(window_months) if kind == "metric" else None
    kr = KeyResult(objective_id=objective.id, title=title, kind=kind, start_value=start, target_value=target,
                   unit=unit, due=due, weight=weight, position=count,
                   leads_to_action=bool(leads_to_action), reproducible=bool(reproducible),
                   about_buyers=bool(about_buyers), metric=bound, window_months=window)
    db.session.add(kr)
    db.session.flush()
    after = {"title": title, "kind": kind, "start": start, "target": target, "objective": objective.id}
    if bound:
        after |= {"metric": bound, "window_months": window}
        refresh(kr, load_ledger(), latest_deals_import())
        db.session.flush()
    record(actor.person, "kr.create", "key_result", kr.id, after=after)
    return kr


def update_key_result(actor: Actor, kr: KeyResult, *, title: str | None = None, start: float | None = None,
                      target: float | None = None, unit: str | None = None, due: date | None = None,
                      weight: float | None = None, leads_to_action: bool | None = None,
                      reproducible: bool | None = None, about_buyers: bool | None = None) -> KeyResult:
    """Change what is given (None keeps a value); the kind never changes, the vanity answers may."""
    objective = kr.objective
    ensure_may_edit(actor, objective, "You cannot change this key result.")
    before = {"title": kr.title, "start": kr.start_value, "target": kr.target_value, "due": kr.due,
              "weight": kr.weight, "vanity_risk": kr.vanity_risk}
    new_start = kr.start_value if start is None else start
    new_target = kr.target_value if target is None else target
    new_start, new_target, new_weight = _validate_kr_fields(
        kr.kind, new_start, new_target, due if due is not None else kr.due,
        weight if weight is not None else kr.weight, objective.cycle)
    if title is not None:
        kr.title = _clean_title(title, limits.KR_TITLE, "A key result")
    if unit is not None:
        kr.unit = limits.clean_text(limits.KR_UNIT, unit)
    if due is not None:
        kr.due = due
    kr.start_value, kr.target_value, kr.weight = new_start, new_target, new_weight
    for name, answer in (("leads_to_action", leads_to_action), ("reproducible", reproducible),
                         ("about_buyers", about_buyers)):
        if answer is not None:
            setattr(kr, name, bool(answer))
    after = {"title": kr.title, "start": kr.start_value, "target": kr.target_value, "due": kr.due,
             "weight": kr.weight, "vanity_risk": kr.vanity_risk}
    if after != before:
        record(actor.person, "kr.update", "key_result", kr.id, before=before, after=after)
    db.session.flush()
    return kr


def delete_key_result(actor: Actor, kr: KeyResult) -> None:
    objective = kr.objective
    ensure_may_edit(actor, objective, "You cannot delete this key result.")
    db.session.execute(sa.update(Objective).where(Objective.aligned_kr_id == kr.id).values(aligned_kr_id=None))
    _forget_snapshots([kr.id])
    record(actor.person, "kr.delete", "key_result", kr.id, before={"title": kr.title})
    db.session.delete(kr)
    db.session.flush()


def check_in(actor: Actor, kr: KeyResult, value: float, confidence: str | None = None, note: str = "") -> CheckIn:
    """Record a new value for a key result; the latest check-in is its current value.

    A milestone takes 1 (done) or 0 (not yet); a rollup is computed, never checked in."""
    objective = kr.objective
    ensure_may_edit(actor, objective, "You cannot update this key result.")
    if kr.kind == "rollup":
        raise InvalidInput("A rollup key result is computed from the objectives aligned to it; it takes no check-ins.")
    if kr.kind == "metric":
        raise InvalidInput(f"A metric key result is computed from the imported deals ({kr.metric}); "
                           "it cannot be updated by hand. The next deals import updates it.")
    value = _finite(value, "Value")
    if value is None:
        raise InvalidInput("A check-in needs a value.")
    if kr.kind == "milestone" and value not in (0.0, 1.0):
        raise InvalidInput("A milestone takes 1 (done) or 0 (not done yet).")
    confidence = confidence or kr.confidence
    if confidence not in CONFIDENCES:
        raise InvalidInput(f"Confidence is one of {', '.join(CONFIDENCES)}.")
    note = limits.clean_text(limits.CHECK_IN_NOTE, note)
    before = {"value": kr.current_value, "confidence": kr.confidence}
    entry = CheckIn(key_result_id=kr.id, value=value, confidence=confidence, note=note, author_id=actor.id,
                    created_at=utcnow())
    db.session.add(entry)
    kr.current_value, kr.confidence, kr.last_checkin_at = value, confidence, entry.created_at
    record(actor.person, "kr.check_in", "key_result", kr.id, before=before,
           after={"value": value, "confidence": confidence})
    db.session.flush()
    return entry
