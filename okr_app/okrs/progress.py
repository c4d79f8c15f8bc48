"""Progress of a whole cycle at once, with a fixed number of queries whatever its size.

`ProgressBook` loads a cycle's objectives and key results in two queries and computes every
progress figure in memory, rolling `rollup` key results up from the objectives aligned to them.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from okr_app.domain.progress import Measure, explain_progress, mean, progress_of, weighted_progress
from okr_app.extensions import db
from okr_app.models import KeyResult, Objective
from okr_app.policy import Actor, can_view_objective


def measure_of(kr: KeyResult) -> Measure:
    return Measure(kind=kr.kind, start=kr.start_value, target=kr.target_value, current=kr.current_value)


@dataclass
class ProgressBook:
    objectives: dict[int, Objective]
    key_results: dict[int, KeyResult]
    krs_of: dict[int, list[KeyResult]] = field(default_factory=dict)
    aligned_to: dict[int, list[Objective]] = field(default_factory=dict)
    _objective_memo: dict[int, float] = field(default_factory=dict, repr=False)
    _kr_memo: dict[int, float] = field(default_factory=dict, repr=False)

    @classmethod
    def for_cycle(cls, cycle_id: int) -> ProgressBook:
        """A cycle's objectives (owner and team joined in) and key results: two queries at any size.

        A JOIN rather than `selectinload`, whose IN lists are split every 500 rows: one query per 500
        owners would make the count grow with the organisation."""
        objectives = db.session.scalars(
            sa.select(Objective).where(Objective.cycle_id == cycle_id)
            .options(joinedload(Objective.owner_person), joinedload(Objective.team))
            .order_by(Objective.id)).all()
        krs = db.session.scalars(
            sa.select(KeyResult).join(Objective, KeyResult.objective_id == Objective.id)
            .where(Objective.cycle_id == cycle_id).order_by(KeyResult.position, KeyResult.id)).all()
        return cls.from_rows(objectives, krs)

    @classmethod
    def from_rows(cls, objectives, key_results) -> ProgressBook:
        book = cls(objectives={o.id: o for o in objectives}, key_results={k.id: k for k in key_results})
        book.krs_of = defaultdict(list)
        for kr in key_results:
            book.krs_of[kr.objective_id].append(kr)
        book.aligned_to = defaultdict(list)
        for objective in objectives:
            if objective.aligned_kr_id is not None:
                book.aligned_to[objective.aligned_kr_id].append(objective)
        return book

    def kr_progress(self, kr_id: int, _path: frozenset[int] = frozenset()) -> float:
        if kr_id in self._kr_memo:
            return self._kr_memo[kr_id]
        kr = self.key_results[kr_id]
        rollup = None
        if kr.kind == "rollup":
            rollup = mean(self.objective_progress(o.id, _path) for o in self.aligned_to.get(kr_id, [])
                          if o.id not in _path)
        value = progress_of(measure_of(kr), rollup)
        self._kr_memo[kr_id] = value
        return value

    def objective_progress(self, objective_id: int, _path: frozenset[int] = frozenset()) -> float:
        """Σ weight × KR progress / Σ weight; 0 with no key results."""
        if objective_id in self._objective_memo:
            return self._objective_memo[objective_id]
        path = _path | {objective_id}  # alignment loops are refused on save; this guards old data
        value = weighted_progress((kr.weight, self.kr_progress(kr.id, path)) for kr in self.krs_of.get(objective_id, []))
        self._objective_memo[objective_id] = value
        return value

    def rollup_parts(self, kr_id: int) -> list[tuple[str, float]]:
        return [(o.title, self.objective_progress(o.id)) for o in self.aligned_to.get(kr_id, [])]

    def explain(self, kr_id: int, viewer: Actor | None = None) -> str:
        """How the key result's progress is computed, as `viewer` may read it: an aligned objective they may
        not see counts, but shows as "1 private objective" (no title, no value). No viewer: every private
        objective is hidden."""
        kr = self.key_results[kr_id]
        if kr.kind != "rollup":
            return explain_progress(measure_of(kr))
        shown, private = [], []
        for objective in self.aligned_to.get(kr_id, []):
            visible = can_view_objective(viewer, objective) if viewer is not None else not objective.private
            if visible:
                shown.append((objective.title, self.objective_progress(objective.id)))
            else:
                private.append(self.objective_progress(objective.id))
        return explain_progress(measure_of(kr), shown, private)

    def explain_objective(self, objective_id: int) -> str:
        """'(1 × 0.30 + 2 × 0.50) / 3 = 0.43'."""
        krs = self.krs_of.get(objective_id, [])
        if not krs:
            return "no key results yet → 0%"
        terms = " + ".join(f"{kr.weight:g} × {self.kr_progress(kr.id):.2f}" for kr in krs)
        total = sum(kr.weight for kr in krs)
        return f"({terms}) / {total:g} = {self.objective_progress(objective_id):.2f}"
