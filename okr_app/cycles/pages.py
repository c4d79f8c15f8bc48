"""What the cycle pages show: the list with each cycle's progress, a cycle's summary and actions,
the grading sheet and the close preview. Computed here so the templates only print."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import Team
from okr_app.cycles.services import SnapshotComparison, snapshot_comparison, snapshot_due
from okr_app.domain.progress import default_grade, mean
from okr_app.models import Cycle
from okr_app.okrs.display import KIND_LABELS, format_grade, format_pct
from okr_app.okrs.pages import ObjectiveLink, all_cycles, objective_link
from okr_app.okrs.progress import ProgressBook
from okr_app.policy import (Actor, can_manage_cycles, can_own_objective, can_view_growth_review, can_view_objective,
                            cycle_is_open, may_edit_objective)


@dataclass(frozen=True)
class CycleRow:
    id: int
    name: str
    state: str
    start: date
    end: date
    weeks: int
    when: str
    progress: float
    objective_count: int
    key_result_count: int


@dataclass(frozen=True)
class ComparisonRow:
    kr_id: int
    kr_title: str
    objective_id: int
    objective_title: str
    owner_label: str
    snapshot_progress: float | None
    snapshot_confidence: str | None
    final_progress: float
    final_confidence: str
    grade_label: str


@dataclass
class CyclePage:
    row: CycleRow
    can_manage: bool
    can_activate: bool
    can_snapshot: bool
    snapshot_note: str
    can_close: bool
    closed: bool
    top_objectives: list[ObjectiveLink]
    comparison: list[ComparisonRow]
    comparison_summary: str
    can_review_growth: bool = False
    can_delete: bool = False
    setup: LeaderSetup | None = None


@dataclass(frozen=True)
class TeamChoice:
    id: int
    name: str


@dataclass(frozen=True)
class LeaderSetup:
    """On an open cycle's page, for leaders: set the company objective (while there is none) and an
    objective for each team that has none yet."""

    company: bool
    teams: list[TeamChoice]


def leader_setup(actor: Actor, cycle: Cycle, book: ProgressBook) -> LeaderSetup | None:
    if cycle.state == "closed" or not can_own_objective(actor, "company"):
        return None
    owned = {o.team_id for o in book.objectives.values() if o.owner_type == "team"}
    has_company = any(o.owner_type == "company" for o in book.objectives.values())
    teams = [TeamChoice(t.id, t.name) for t in db.session.scalars(sa.select(Team).order_by(Team.name))
             if t.id not in owned]
    return LeaderSetup(company=not has_company, teams=teams)


@dataclass(frozen=True)
class GradeRow:
    kr_id: int
    kr_title: str
    kind_label: str
    objective_id: int
    objective_title: str
    owner_label: str
    progress: float
    default_grade: float
    default_label: str
    grade: float         # what closing will record: the hand-set grade, else the default
    set_by_hand: bool
    editable: bool
    vanity_risk: bool


@dataclass(frozen=True)
class ClosePreview:
    key_results: int
    graded_by_hand: int
    mean_grade: float


def when_label(cycle: Cycle, on: date) -> str:
    """'week 4 of 12', 'starts in 5 days', 'ended 2026-03-29'."""
    if not cycle_is_open(cycle):
        return f"closed {cycle.closed_at:%Y-%m-%d}" if cycle.closed_at else "closed"
    if on < cycle.start:
        days = (cycle.start - on).days
        return f"starts in {days} day{'s' if days != 1 else ''}"
    if on > cycle.end:
        return f"ended {cycle.end.isoformat()}, not closed yet"
    return f"week {(on - cycle.start).days // 7 + 1} of {cycle.weeks}"


def cycle_progress(book: ProgressBook) -> float:
    """A cycle's headline figure: the mean progress of its company objectives, or of its top-level
    objectives (aligned to nothing) when it has no company objective; 0 with no objectives."""
    objectives = list(book.objectives.values())
    top = [o for o in objectives if o.owner_type == "company"] or [o for o in objectives if o.aligned_kr_id is None]
    return mean(book.objective_progress(o.id) for o in top)


def cycle_row(cycle: Cycle, book: ProgressBook, on: date) -> CycleRow:
    return CycleRow(id=cycle.id, name=cycle.name, state=cycle.state, start=cycle.start, end=cycle.end,
                    weeks=cycle.weeks, when=when_label(cycle, on), progress=cycle_progress(book),
                    objective_count=len(book.objectives), key_result_count=len(book.key_results))


def cycle_rows(on: date) -> list[CycleRow]:
    """Every cycle, newest first (two queries per cycle: a company has a handful a year)."""
    return [cycle_row(cycle, ProgressBook.for_cycle(cycle.id), on) for cycle in all_cycles()]


def _comparison_rows(actor: Actor, cycle: Cycle) -> list[ComparisonRow]:
    def row(c: SnapshotComparison) -> ComparisonRow:
        return ComparisonRow(kr_id=c.key_result.id, kr_title=c.key_result.title, objective_id=c.objective.id,
                             objective_title=c.objective.title, owner_label=c.objective.owner_label,
                             snapshot_progress=c.snapshot_progress,
                             snapshot_confidence=c.snapshot_confidence, final_progress=c.final_progress,
                             final_confidence=c.final_confidence, grade_label=format_grade(c.grade))
    return [row(c) for c in snapshot_comparison(actor, cycle)]


def comparison_summary(rows: list[ComparisonRow], closed: bool) -> str:
    """'Mean key-result progress: 46% at mid-cycle → 67% final (173 key results).'"""
    frozen = [r.snapshot_progress for r in rows if r.snapshot_progress is not None]
    if not rows:
        return ""
    return (f"Mean key-result progress: {format_pct(mean(frozen))} at mid-cycle → "
            f"{format_pct(mean(r.final_progress for r in rows))} {'final' if closed else 'now'} "
            f"({len(rows)} key results).")


def cycle_page(actor: Actor, cycle: Cycle, on: date) -> CyclePage:
    book = ProgressBook.for_cycle(cycle.id)
    manage = can_manage_cycles(actor)
    closed = not cycle_is_open(cycle)
    if cycle.weeks < 12:
        note = "A 6-week cycle has no mid-cycle snapshot."
    elif cycle.snapshot_taken_at is not None:
        note = f"Mid-cycle snapshot taken {cycle.snapshot_taken_at:%Y-%m-%d}."
    elif snapshot_due(cycle, on):
        note = "Week 6 has ended: take the mid-cycle snapshot to freeze every key result's progress and confidence."
    elif closed:
        note = "No mid-cycle snapshot was taken."
    else:
        note = f"The mid-cycle snapshot is due once week 6 ends ({cycle.midpoint.isoformat()})."
    comparison = _comparison_rows(actor, cycle) if cycle.snapshot_taken_at is not None else []
    top = [o for o in book.objectives.values() if o.owner_type in ("company", "team") and can_view_objective(actor, o)]
    top.sort(key=lambda o: (o.owner_type != "company", o.owner_label, o.id))
    return CyclePage(
        row=cycle_row(cycle, book, on), can_manage=manage, can_activate=manage and cycle.state == "planning",
        can_snapshot=manage and snapshot_due(cycle, on), snapshot_note=note, can_close=manage and not closed,
        closed=closed, top_objectives=[objective_link(book, o) for o in top],
        comparison=comparison, comparison_summary=comparison_summary(comparison, closed),
        can_review_growth=can_view_growth_review(actor),
        can_delete=manage and cycle.state == "planning" and not book.objectives,
        setup=leader_setup(actor, cycle, book))


def grade_rows(actor: Actor, cycle: Cycle) -> list[GradeRow]:
    """Every key result with its progress and the grade closing will record. Leaders and admins see
    the whole cycle; everyone else the key results they may grade (their own and their reports')."""
    book = ProgressBook.for_cycle(cycle.id)
    manage = can_manage_cycles(actor)
    open_ = cycle_is_open(cycle)
    rows = []
    for objective in book.objectives.values():
        if not can_view_objective(actor, objective):
            continue
        editable = may_edit_objective(actor, objective)
        if not (manage or editable or not open_):
            continue
        for kr in book.krs_of.get(objective.id, []):
            progress = book.kr_progress(kr.id)
            default = default_grade(progress)
            rows.append(GradeRow(
                kr_id=kr.id, kr_title=kr.title, kind_label=KIND_LABELS[kr.kind], objective_id=objective.id,
                objective_title=objective.title, owner_label=objective.owner_label, progress=progress,
                default_grade=default, default_label=format_grade(default),
                grade=kr.grade if kr.grade is not None else default,
                set_by_hand=kr.grade is not None and open_, editable=editable, vanity_risk=kr.vanity_risk))
    return rows


def close_preview(rows: list[GradeRow]) -> ClosePreview:
    return ClosePreview(key_results=len(rows), graded_by_hand=sum(r.set_by_hand for r in rows),
                        mean_grade=mean(r.grade for r in rows))

