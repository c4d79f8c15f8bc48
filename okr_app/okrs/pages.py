"""What the OKR pages show, computed once here so templates only print: rows for key results
(progress, its explanation, pace, vanity risk), objective cards, the cascade around an objective
and a key result's history. Every figure comes from `ProgressBook`, so the pages agree with the
tree, the API and the reports."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from okr_app.domain.progress import current_of
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Objective, Snapshot
from okr_app.okrs.display import CONFIDENCE_LABELS, KIND_LABELS, format_grade, format_pct, format_value
from okr_app.okrs.pace import pace_reading
from okr_app.okrs.progress import ProgressBook, measure_of
from okr_app.okrs.services import (has_room_for_key_result, has_room_for_personal_objective, key_result_limit,
                                   personal_objective_limit)
from okr_app.policy import (Actor, can_own_objective, can_view_objective, can_view_revenue_accounts, cycle_is_open,
                            may_edit_objective)
from comp_engine.revenue import parse_metric
from okr_app.ledger.key_results import explanation_of

NO_COHORT = "no cohort yet"


@dataclass(frozen=True)
class KrRow:
    id: int
    objective_id: int
    title: str
    kind: str
    kind_label: str
    start_label: str
    current_label: str
    target_label: str
    checked_in: bool
    progress: float
    explanation: str
    confidence: str
    confidence_label: str
    pace: str | None
    expected_label: str
    due: date
    weight: float
    vanity_risk: bool
    grade: float | None
    grade_label: str


@dataclass(frozen=True)
class ObjectiveLink:
    id: int
    title: str
    owner_label: str
    progress: float
    private: bool


@dataclass(frozen=True)
class CascadeStep:
    """One step up the cascade: the key result an objective aligns to, and that key result's objective."""

    kr_id: int
    kr_title: str
    objective: ObjectiveLink


@dataclass(frozen=True)
class ObjectiveCard:
    id: int
    title: str
    description: str
    owner_label: str
    owner_type: str
    private: bool
    progress: float
    explanation: str
    key_results: list[KrRow]
    can_edit: bool
    can_add_key_result: bool
    key_result_limit: int
    aligned_to: CascadeStep | None


@dataclass
class MyOkrsPage:
    cycle: Cycle | None
    cycles: list[Cycle]
    cards: list[ObjectiveCard] = field(default_factory=list)
    can_add_objective: bool = False
    objective_limit: int = 1
    can_set_for_others: bool = False
    cycle_open: bool = False


@dataclass(frozen=True)
class AlignedGroup:
    """A key result and the visible objectives aligned to it."""

    key_result: KrRow
    objectives: list[ObjectiveLink]


@dataclass
class ObjectivePage:
    card: ObjectiveCard
    cycle: Cycle
    cascade: list[CascadeStep]      # from the top of the cascade down to this objective's parent
    aligned_below: list[AlignedGroup]  # only key results that have aligned objectives
    cycle_open: bool


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    author: str
    value_label: str
    confidence: str
    confidence_label: str
    note: str


@dataclass
class KeyResultPage:
    row: KrRow
    objective: ObjectiveLink
    cycle: Cycle
    unit: str
    history: list[HistoryRow]
    aligned: list[ObjectiveLink]
    can_edit: bool
    can_check_in: bool
    check_in_hint: str
    snapshot_progress: float | None  # the mid-cycle snapshot of a 12-week cycle, once taken
    snapshot_note: str
    cycle_open: bool
    metric: MetricPanel | None = None


@dataclass(frozen=True)
class MetricPanel:
    """What a metric key result's value is made of: the formula with its numbers, the last import."""

    name: str
    label: str
    explanation: str
    measured_on: date | None
    last_import: str
    may_see_accounts: bool


# --- rows -------------------------------------------------------------------------------------

def _target_label(kr: KeyResult) -> str:
    if kr.kind == "stay_above":
        return f"≥ {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "stay_below":
        return f"≤ {format_value(kr.target_value, kr.unit)}"
    if kr.kind == "milestone":
        return "done"
    if kr.kind == "rollup":
        return "100%"
    return format_value(kr.target_value, kr.unit)


def _value_label(kr: KeyResult, value: float | None) -> str:
    if kr.kind == "milestone":
        return "done" if value is not None and value >= 1 else "not done"
    return format_value(value, kr.unit)


def kr_row(book: ProgressBook, kr: KeyResult, cycle: Cycle, on: date, viewer: Actor | None = None) -> KrRow:
    """One key result as every OKR page shows it; `on` is the day pace is read for."""
    progress = book.kr_progress(kr.id)
    pace = pace_reading(kr, progress, cycle, on)
    if kr.kind == "rollup":
        current = format_pct(progress)
    elif kr.kind == "metric" and kr.current_value is None:
        current = NO_COHORT if kr.metric and parse_metric(kr.metric).is_ratio else "—"
    else:
        current = _value_label(kr, current_of(measure_of(kr)))
    return KrRow(
        id=kr.id, objective_id=kr.objective_id, title=kr.title, kind=kr.kind, kind_label=KIND_LABELS[kr.kind],
        start_label=format_value(kr.start_value, kr.unit) if kr.start_value is not None else "—",
        current_label=current, target_label=_target_label(kr), checked_in=kr.current_value is not None,
        progress=progress, explanation=book.explain(kr.id, viewer),
        confidence=None if kr.kind == "rollup" else kr.confidence,  # nobody sets a rollup's confidence
        confidence_label=CONFIDENCE_LABELS.get(kr.confidence, kr.confidence), pace=pace.pace,
        expected_label=pace.expected_label, due=pace.due, weight=kr.weight, vanity_risk=kr.vanity_risk,
        grade=kr.grade, grade_label=format_grade(kr.grade))


def objective_link(book: ProgressBook, objective: Objective) -> ObjectiveLink:
    return ObjectiveLink(id=objective.id, title=objective.title, owner_label=objective.owner_label,
                         progress=book.objective_progress(objective.id), private=objective.private)


def _parent_step(actor: Actor, book: ProgressBook, objective: Objective) -> CascadeStep | None:
    kr = book.key_results.get(objective.aligned_kr_id) if objective.aligned_kr_id else None
    if kr is None:
        return None
    parent = book.objectives.get(kr.objective_id)
    if parent is None or not can_view_objective(actor, parent):
        return None
    return CascadeStep(kr_id=kr.id, kr_title=kr.title, objective=objective_link(book, parent))


def objective_card(actor: Actor, book: ProgressBook, objective: Objective, on: date) -> ObjectiveCard:
    cycle = objective.cycle
    limit = key_result_limit()
    krs = book.krs_of.get(objective.id, [])
    editable = may_edit_objective(actor, objective)
    return ObjectiveCard(
        id=objective.id, title=objective.title, description=objective.description,
        owner_label=objective.owner_label, owner_type=objective.owner_type, private=objective.private,
        progress=book.objective_progress(objective.id), explanation=book.explain_objective(objective.id),
        key_results=[kr_row(book, kr, cycle, on, actor) for kr in krs], can_edit=editable,
        can_add_key_result=editable and has_room_for_key_result(len(krs)), key_result_limit=limit,
        aligned_to=_parent_step(actor, book, objective))


# --- pages ------------------------------------------------------------------------------------

def all_cycles() -> list[Cycle]:
    return list(db.session.scalars(sa.select(Cycle).order_by(Cycle.start.desc(), Cycle.id.desc())))


def my_okrs_page(actor: Actor, cycle: Cycle | None, on: date) -> MyOkrsPage:
    """The signed-in person's own objectives in a cycle, and what they may add."""
    page = MyOkrsPage(cycle=cycle, cycles=all_cycles(), objective_limit=personal_objective_limit(),
                      can_set_for_others=bool(actor.below) or can_own_objective(actor, "team"))
    if cycle is None:
        return page
    book = ProgressBook.for_cycle(cycle.id)
    mine = [o for o in book.objectives.values() if o.owner_type == "person" and o.owner_person_id == actor.id]
    page.cards = [objective_card(actor, book, o, on) for o in mine]
    page.cycle_open = cycle_is_open(cycle)
    page.can_add_objective = page.cycle_open and has_room_for_personal_objective(len(mine))
    return page


def objective_page(actor: Actor, objective: Objective, on: date) -> ObjectivePage:
    """An objective with the cascade above it (up to the top, as far as the reader may see) and the
    objectives aligned to each of its key results below it."""
    book = ProgressBook.for_cycle(objective.cycle_id)
    card = objective_card(actor, book, objective, on)
    cascade, seen, current = [], {objective.id}, objective
    while (step := _parent_step(actor, book, current)) is not None and step.objective.id not in seen:
        cascade.append(step)
        seen.add(step.objective.id)
        current = book.objectives[step.objective.id]
    groups = []
    for row in card.key_results:
        children = [objective_link(book, child) for child in book.aligned_to.get(row.id, [])
                    if can_view_objective(actor, child)]
        if children:
            groups.append(AlignedGroup(key_result=row, objectives=children))
    return ObjectivePage(card=card, cycle=objective.cycle, cascade=list(reversed(cascade)), aligned_below=groups,
                         cycle_open=cycle_is_open(objective.cycle))


def _check_in_hint(kr: KeyResult) -> str:
    if kr.kind == "milestone":
        return "A milestone takes 1 when it is done, 0 while it is not."
    if kr.kind in ("stay_above", "stay_below"):
        return f"The value now; it should stay {_target_label(kr)}."
    return f"The value now{f', in {kr.unit}' if kr.unit else ''}."


def key_result_page(actor: Actor, kr: KeyResult, on: date) -> KeyResultPage:
    """A key result's numbers, how its progress is computed, its history and its aligned objectives."""
    objective = kr.objective
    cycle = objective.cycle
    book = ProgressBook.for_cycle(cycle.id)
    check_ins = db.session.scalars(
        sa.select(CheckIn).where(CheckIn.key_result_id == kr.id).options(selectinload(CheckIn.author))
        .order_by(CheckIn.created_at.desc(), CheckIn.id.desc())).all()
    history = [HistoryRow(at=c.created_at, author=_author_of(c),
                          value_label=_value_label(kr, c.value), confidence=c.confidence,
                          confidence_label=CONFIDENCE_LABELS.get(c.confidence, c.confidence), note=c.note)
               for c in check_ins]
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.key_result_id == kr.id))
    snapshot_note = ""
    if snapshot is not None:
        snapshot_note = (f"{CONFIDENCE_LABELS.get(snapshot.confidence, snapshot.confidence)}, "
                         f"frozen {snapshot.taken_at:%Y-%m-%d}")
    cycle_open, can_edit = cycle_is_open(cycle), may_edit_objective(actor, objective)
    return KeyResultPage(
        row=kr_row(book, kr, cycle, on, actor), objective=objective_link(book, objective), cycle=cycle, unit=kr.unit,
        history=history,
        aligned=[objective_link(book, o) for o in book.aligned_to.get(kr.id, []) if can_view_objective(actor, o)],
        can_edit=can_edit, can_check_in=can_edit and kr.kind not in ("rollup", "metric"), check_in_hint=_check_in_hint(kr),
        snapshot_progress=snapshot.progress if snapshot is not None else None, snapshot_note=snapshot_note,
        cycle_open=cycle_open, metric=_metric_panel(actor, kr, check_ins) if kr.kind == "metric" else None)


def _author_of(entry: CheckIn) -> str:
    if entry.import_id is not None:
        return f"deals import #{entry.import_id}"
    return entry.author.name if entry.author else "an integration"


def _metric_panel(actor: Actor, kr: KeyResult, check_ins: list[CheckIn]) -> MetricPanel:
    """The value explained on the day it was measured, and the import that last changed it."""
    value = explanation_of(kr)
    metric = parse_metric(kr.metric)
    last = next((c for c in check_ins if c.import_id is not None), None)
    last_import = (f"deals import #{last.import_id} ({last.source_import.file_name}) on {last.created_at:%Y-%m-%d}"
                   if last is not None else "no deals import has changed it yet")
    explanation = value.explanation if value is not None else "no deals imported yet: nothing to compute from"
    return MetricPanel(name=str(metric), label=metric.label, explanation=explanation, measured_on=kr.measured_on,
                       last_import=last_import, may_see_accounts=can_view_revenue_accounts(actor, kr.objective))
