"""The roll-up cache: a cycle's roll-up is computed once and reused until a write changes it.

Each cycle has a generation number. Every write that can change what the cascade shows (a check-in,
an objective or key result created, edited, deleted or aligned, a cycle's state, a weekly report, a
person's name, team or manager, a team's name) moves it in the same transaction, so the change and the
invalidation commit together. A reader reads the generation first, then (only when no copy of that
generation exists) computes the roll-up and stores it under the generation it read, if that is still
the current one. A reader therefore never keeps a roll-up older than a committed write, in any
worker or on any host that shares the database.

Two layers: `RollupStore` (the shared one; `DatabaseRollupStore` keeps it in the `cycle_rollup`
table, and a Redis store would implement the same four methods with INCR / GET / SET) and, per
process, the decoded roll-up of the last generation seen, so a warm request costs one small query.

The invalidation is two SQLAlchemy session hooks (`install`), so no write path can forget it:
`before_flush` / `after_flush` for objects changed through the session, `do_orm_execute` for bulk
`insert()` / `update()` / `delete()` statements aimed at the tables involved.
"""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, Protocol

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import ORMExecuteState, Session

from okr_app.clock import utcnow
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, CycleRollup, KeyResult, Objective, Person, Team, WeeklyReport
from okr_app.okrs.rollup import CycleRollup as Rollup, compute_rollup

TRACKED_TABLES = {m.__tablename__ for m in (CheckIn, Cycle, KeyResult, Objective, Person, Team, WeeklyReport)}
PERSON_FIELDS = ("name", "team_id", "manager_id")  # what the cascade reads of a person (a login changes nothing)
TEAM_FIELDS = ("name",)
_PENDING = "cadence.rollup_pending"
_MEMO = "cadence.rollups"


class RollupStore(Protocol):
    """Where every worker finds the cycles' roll-ups and their generations."""

    def generation(self, cycle_id: int) -> tuple[int, datetime | None]:
        """The cycle's current generation, and when the payload stored for it was computed (None: no
        payload of that generation). The moment tells apart two histories that reached the same
        generation number (a database restored from a backup under running servers)."""

    def load(self, cycle_id: int, generation: int) -> str | None:
        """The payload stored for that generation, or None."""

    def save(self, cycle_id: int, generation: int, payload: str, computed_at: datetime) -> None:
        """Store the payload, unless the generation has moved on meanwhile."""

    def invalidate(self, cycle_ids: Iterable[int] | None) -> None:
        """Move these cycles' generations on (None: every cycle's)."""


class DatabaseRollupStore:
    """The `cycle_rollup` table, through the current transaction's connection."""

    def __init__(self, connection: sa.Connection) -> None:
        self.connection = connection

    def generation(self, cycle_id: int) -> tuple[int, datetime | None]:
        row = self.connection.execute(
            sa.select(CycleRollup.generation, CycleRollup.payload_generation, CycleRollup.computed_at)
            .where(CycleRollup.cycle_id == cycle_id)).first()
        if row is None:
            # The row must exist before the roll-up is read, so that a concurrent write's upsert
            # (see `invalidate`) waits for it or moves it on rather than missing it.
            self.connection.execute(sa.text(
                "INSERT INTO cycle_rollup (cycle_id, generation) VALUES (:id, 0) ON CONFLICT (cycle_id) DO NOTHING"),
                {"id": cycle_id})
            return self.generation(cycle_id)
        return row.generation, row.computed_at if row.payload_generation == row.generation else None

    def load(self, cycle_id: int, generation: int) -> str | None:
        return self.connection.scalar(sa.select(CycleRollup.payload).where(
            CycleRollup.cycle_id == cycle_id, CycleRollup.payload_generation == generation))

    def save(self, cycle_id: int, generation: int, payload: str, computed_at: datetime) -> None:
        self.connection.execute(
            sa.update(CycleRollup).where(CycleRollup.cycle_id == cycle_id, CycleRollup.generation == generation)
            .values(payload=payload, payload_generation=generation, computed_at=computed_at))

    def invalidate(self, cycle_ids: Iterable[int] | None) -> None:
        """An upsert per cycle: a cycle nobody has read yet gets its row at generation 1."""
        which = ""
        params: dict = {}
        if cycle_ids is not None:
            params["ids"] = sorted(set(cycle_ids))
            if not params["ids"]:
                return
            which = " AND id IN :ids"
        statement = sa.text(
            "INSERT INTO cycle_rollup (cycle_id, generation) SELECT id, 1 FROM cycle WHERE true" + which +
            " ON CONFLICT (cycle_id) DO UPDATE SET generation = cycle_rollup.generation + 1")
        if cycle_ids is not None:
            statement = statement.bindparams(sa.bindparam("ids", expanding=True))
        self.connection.execute(statement, params)


def store() -> RollupStore:
    return DatabaseRollupStore(db.session.connection())


def rollup_of(cycle: Cycle) -> Rollup:
    """The cycle's roll-up as of the latest committed write: from this process's copy, else the
    shared store, else computed (and stored for every other worker)."""
    shared = store()
    generation, computed_at = shared.generation(cycle.id)
    memo = current_app.extensions.setdefault(_MEMO, {})
    kept = memo.get(cycle.id)
    if kept is not None and kept[0] == (generation, computed_at):
        return kept[1]
    rollup = None
    if computed_at is not None:
        payload = shared.load(cycle.id, generation)
        rollup = Rollup.from_json(cycle.id, payload) if payload is not None else None
    if rollup is None:
        rollup, computed_at = compute_rollup(cycle), utcnow()
        shared.save(cycle.id, generation, rollup.to_json(), computed_at)
    memo[cycle.id] = ((generation, computed_at), rollup)
    return rollup


# --- invalidation ------------------------------------------------------------------------------

def _note_changes(session: Session, flush_context, instances) -> None:
    """Before a flush: remember what changes (the ids of new rows are known only after it)."""
    pending = session.info.setdefault(_PENDING, [])
    for obj in session.new:
        if isinstance(obj, (Objective, KeyResult, CheckIn, Cycle, WeeklyReport)):
            pending.append(obj)
    for obj in session.deleted:
        if isinstance(obj, (Objective, KeyResult, CheckIn, Cycle, WeeklyReport, Person, Team)):
            pending.append(obj)
    for obj in session.dirty:
        if isinstance(obj, (Objective, KeyResult, CheckIn, Cycle, WeeklyReport)):
            if session.is_modified(obj, include_collections=False):
                pending.append(obj)
        elif isinstance(obj, (Person, Team)):
            state = sa.inspect(obj)
            names = PERSON_FIELDS if isinstance(obj, Person) else TEAM_FIELDS
            if any(state.attrs[name].history.has_changes() for name in names):
                pending.append(obj)


def _invalidate_after_flush(session: Session, flush_context) -> None:
    pending = session.info.pop(_PENDING, [])
    if not pending:
        return
    cycles: set[int] = set()
    objectives: set[int] = set()
    key_results: set[int] = set()
    everything = False
    for obj in pending:
        if isinstance(obj, Cycle):
            cycles.add(obj.id)
        elif isinstance(obj, Objective):
            cycles.add(obj.cycle_id)
        elif isinstance(obj, KeyResult):
            objectives.add(obj.objective_id)
        elif isinstance(obj, CheckIn):
            key_results.add(obj.key_result_id)
        else:  # a weekly report (staleness), a person or a team (names, teams): every cycle
            everything = True
    connection = session.connection()
    shared = DatabaseRollupStore(connection)
    if everything:
        shared.invalidate(None)
        return
    if key_results:
        objectives |= set(connection.scalars(sa.select(KeyResult.objective_id).where(
            KeyResult.id.in_(key_results))))
    if objectives:
        cycles |= set(connection.scalars(sa.select(Objective.cycle_id).where(Objective.id.in_(objectives))))
    shared.invalidate(c for c in cycles if c is not None)


def _invalidate_on_bulk(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    target = getattr(state.statement, "table", None)
    if getattr(target, "name", None) in TRACKED_TABLES:
        DatabaseRollupStore(state.session.connection()).invalidate(None)


def _forget_pending(session: Session, *args) -> None:
    session.info.pop(_PENDING, None)


def install() -> None:
    """Attach the hooks to every session (idempotent, so app factories may call it again)."""
    for event, hook in (("before_flush", _note_changes), ("after_flush", _invalidate_after_flush),
                        ("do_orm_execute", _invalidate_on_bulk), ("after_rollback", _forget_pending)):
        if not sa.event.contains(Session, event, hook):
            sa.event.listen(Session, event, hook)
