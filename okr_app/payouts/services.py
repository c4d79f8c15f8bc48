"""Payout verbs shared by the CLI and the web pages: who acts, reading runs and
statements, approving a run and exporting its payroll file.

Reading follows the policy (`okr_app.policy`): finance sees every run and statement;
anyone else sees only statements of approved runs that `can_view_statement` allows
(their own, and for managers their reports'); anything else answers NotFound, so ids
leak nothing. Recording a run lives in `okr_app.payouts.runs`, imports in
`okr_app.payouts.imports`.
"""
from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from comp_engine import RepStatement, parse_period
from comp_engine.money import cents_to_decimal
from okr_app.audit.services import record
from okr_app.csv_safety import SafeWriter
from okr_app.errors import Conflict, InvalidInput, NotAllowed, NotFound, SeparationOfDuties
from okr_app.extensions import db
from okr_app.models import AuditEvent, PayoutLine, PayoutRun, Person, RunStatement
from okr_app.models.payouts import LOCKED_STATES
from okr_app.payouts.runs import lock_approvals, lock_period, totals_of
from okr_app.policy import (Actor, approval_conflict, can_approve_payout, can_run_payouts, can_view_runs,
                            can_view_statement)
from okr_app.clock import utcnow
from reports.statement_model import statement_from_dict

PAYROLL_HEADER = ("rep", "email", "period", "currency", "amount")


def actor_by_email(email: str | None) -> Actor:
    """The active person a command acts as (`--as EMAIL` or CADENCE_USER)."""
    if not email or not email.strip():
        raise InvalidInput("Say who you are: --as EMAIL (or set CADENCE_USER) naming a finance person in Cadence.")
    person = db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.strip().lower()))
    if person is None or not person.active:
        raise NotFound(f"No active person in Cadence has the email {email.strip()!r}.")
    return Actor(person)


# --- runs -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RunSummary:
    """A run with its totals per currency, for a list."""

    run: PayoutRun
    totals: dict[str, Decimal]


def list_runs(actor: Actor, period: str | None = None, include_superseded: bool = False) -> list[RunSummary]:
    """Newest first; superseded drafts only when asked. Finance only."""
    if not can_view_runs(actor):
        raise NotAllowed("Only finance sees payout runs.")
    query = sa.select(PayoutRun).order_by(PayoutRun.period.desc(), PayoutRun.id.desc())
    if period:
        query = query.where(PayoutRun.period == period.strip())
    if not include_superseded:
        query = query.where(PayoutRun.state != "superseded")
    runs = list(db.session.scalars(query))
    totals = run_totals([run.id for run in runs])
    return [RunSummary(run, totals.get(run.id, {})) for run in runs]


def run_totals(run_ids: list[int]) -> dict[int, dict[str, Decimal]]:
    """Total per currency of each run, in one query."""
    if not run_ids:
        return {}
    rows = db.session.execute(
        sa.select(RunStatement.run_id, RunStatement.currency, sa.func.sum(RunStatement.total_cents))
        .where(RunStatement.run_id.in_(run_ids)).group_by(RunStatement.run_id, RunStatement.currency)
        .order_by(RunStatement.run_id, RunStatement.currency))
    totals: dict[int, dict[str, Decimal]] = {}
    for run_id, currency, cents in rows:
        totals.setdefault(run_id, {})[currency] = cents_to_decimal(int(cents))
    return totals


def get_run(actor: Actor, run_id: int) -> PayoutRun:
    """A run by id for finance; NotFound for anyone else and for unknown ids."""
    run = db.session.get(PayoutRun, run_id) if can_view_runs(actor) else None
    if run is None:
        raise NotFound(f"No payout run #{run_id}.")
    return run


def lines_of(actor: Actor, run: PayoutRun, rep_id: str | None = None) -> list[PayoutLine]:
    """The run's lines in lines.csv order (one rep's when `rep_id` is given). Finance only."""
    get_run(actor, run.id)
    query = sa.select(PayoutLine).where(PayoutLine.run_id == run.id).order_by(PayoutLine.position)
    if rep_id is not None:
        query = query.where(PayoutLine.rep_id == rep_id)
    return list(db.session.scalars(query))


# --- statements -----------------------------------------------------------------------------------

def statements_visible_to(actor: Actor, run: PayoutRun) -> list[RunStatement]:
    """The run's statements this person may read, in roster order: finance all of them;
    anyone else, once the run is approved, their own and (managers) their reports'."""
    query = sa.select(RunStatement).where(RunStatement.run_id == run.id).order_by(RunStatement.position)
    if can_view_runs(actor):
        return list(db.session.scalars(query))
    if not run.locked:
        return []
    return _readable(actor, query)


def visible_statements(actor: Actor) -> list[RunStatement]:
    """Every statement of an approved run this person may read, newest quarter first
    (finance: every approved run's statements)."""
    query = (sa.select(RunStatement).join(PayoutRun, RunStatement.run_id == PayoutRun.id)
             .where(PayoutRun.state.in_(LOCKED_STATES))
             .order_by(PayoutRun.period.desc(), RunStatement.position))
    if can_view_runs(actor):
        return list(db.session.scalars(query))
    return _readable(actor, query)


def payee_id(statement: RunStatement) -> int | None:
    """Who a statement pays in Cadence: the person matched when the run was recorded, or,
    for a rep whose account was created after it, the active person with the roster's
    e-mail now (matched at view time, case-insensitively)."""
    if statement.person_id is not None:
        return statement.person_id
    return db.session.scalar(sa.select(Person.id).where(
        sa.func.lower(Person.email) == statement.email.strip().lower(), Person.active).limit(1))


def pays(actor: Actor, statement: RunStatement) -> bool:
    """Whether the statement is this person's own (see `payee_id`)."""
    if statement.person_id is not None:
        return statement.person_id == actor.id
    return statement.email.strip().lower() == actor.person.email.strip().lower()


def payees_without_account(run: PayoutRun) -> list[RunStatement]:
    """The run's payees whose roster e-mail no active person in Cadence has (finance invites them)."""
    known = sa.select(sa.func.lower(Person.email)).where(Person.active)
    return list(db.session.scalars(
        sa.select(RunStatement).where(RunStatement.run_id == run.id, RunStatement.person_id.is_(None),
                                      sa.func.lower(sa.func.trim(RunStatement.email)).not_in(known))
        .order_by(RunStatement.position)))


def _readable(actor: Actor, query: sa.Select) -> list[RunStatement]:
    """The statements of `query` paying this person or someone below them, as the policy allows;
    a statement recorded before its rep had an account is matched by its e-mail."""
    ids = _ids_around(actor)
    emails = sa.select(sa.func.lower(Person.email)).where(Person.id.in_(ids), Person.active)
    rows = db.session.scalars(query.where(sa.or_(
        RunStatement.person_id.in_(ids),
        sa.and_(RunStatement.person_id.is_(None), sa.func.lower(sa.func.trim(RunStatement.email)).in_(emails)))))
    return [statement for statement in rows if can_view_statement(actor, payee_id(statement))]


def get_statement(actor: Actor, statement_id: int) -> RunStatement:
    """One statement, or NotFound when it does not exist or is not this person's to read."""
    statement = db.session.get(RunStatement, statement_id)
    if statement is not None and not can_view_runs(actor):
        if not statement.run.locked or not can_view_statement(actor, payee_id(statement)):
            statement = None
    if statement is None:
        raise NotFound(f"No statement #{statement_id}.")
    return statement


def statement_of(statement: RunStatement) -> RepStatement | None:
    """The engine's statement, rebuilt exactly from what the run stored (None when the rep
    is only owed adjustments for an earlier quarter)."""
    return statement_from_dict(json.loads(statement.detail)) if statement.detail else None


def adjustments_of(statement: RunStatement) -> list[dict[str, Any]]:
    """The statement's adjustment lines (see `okr_app.payouts.runs.Adjustment.as_dict`)."""
    return json.loads(statement.adjustments or "[]")


def _ids_around(actor: Actor) -> list[int]:
    return [actor.id, *sorted(actor.below)]


# --- approving and exporting ---------------------------------------------------------------------

INPUT_CHANGES = ("deals.import", "deals.correct", "deals.remove", "roster.import", "quotas.import")
"""Audit actions that change a run's inputs (plans are files: who edited one is not known)."""


def approve_run(actor: Actor, run: PayoutRun, plans_dir: str | Path | None = None) -> PayoutRun:
    """Lock a draft run: from now on it never changes. Finance, and separation of duties
    (`okr_app.policy.approval_conflict`): never the person who ran it, one it pays, or one
    who changed its inputs after it was computed. Those refusals are audited."""
    if not can_view_runs(actor):
        raise NotFound(f"No payout run #{run.id}.")
    if not can_approve_payout(actor, run.created_by_id) and run.created_by_id != actor.id:
        raise NotAllowed("Only finance approves payouts.")
    _check_separation_of_duties(actor, run, plans_dir)
    lock_period(run.period)
    lock_approvals()
    db.session.refresh(run)
    if run.state == "superseded":
        raise Conflict(f"Run #{run.id} was replaced by run #{run.superseded_by_id}; approve that one instead.")
    if run.locked:
        who = run.approved_by.email if run.approved_by else "finance"
        raise Conflict(f"Run #{run.id} ({run.period}) is already approved, by {who}.")
    current = ",".join(str(run_id) for run_id in db.session.scalars(
        sa.select(PayoutRun.id).where(PayoutRun.state.in_(LOCKED_STATES)).order_by(PayoutRun.id)))
    if current != run.basis_runs:
        raise Conflict(f"Run #{run.id} was computed before another run was approved, so its adjustment lines may "
                       f"be out of date: run `cadence payout run --period {run.period}` again and approve the new "
                       "run. Nothing was approved.")
    run.state, run.approved_by_id, run.approved_at = "approved", actor.id, utcnow()
    db.session.flush()
    record(actor.person, "payout.approve", "payout_run", run.id, before={"state": "draft"},
           after={"state": "approved", "period": run.period, "fingerprint": run.fingerprint,
                  "totals": {currency: f"{amount:f}" for currency, amount in totals_of(run).items()}})
    return run


def _check_separation_of_duties(actor: Actor, run: PayoutRun, plans_dir: str | Path | None) -> None:
    email = actor.person.email.strip().lower()
    paying = db.session.scalar(sa.select(RunStatement.rep_id).where(
        RunStatement.run_id == run.id,
        sa.or_(sa.func.lower(RunStatement.email) == email, RunStatement.person_id == actor.id)).limit(1))
    changes = [] if run.state != "draft" else list(db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.at).where(
            AuditEvent.actor_id == actor.id, AuditEvent.action.in_(INPUT_CHANGES), AuditEvent.at > run.created_at)
        .order_by(AuditEvent.at).limit(1)))
    changed = bool(changes) and _inputs_differ(run, plans_dir)
    conflict = approval_conflict(actor, run.created_by_id == actor.id, paying is not None, changed)
    if conflict is None:
        return
    fix = "another finance person must approve it. Nothing was approved."
    if conflict == "ran_it":
        message = f"Separation of duties: you ran payout run #{run.id}, so {fix}"
    elif conflict == "paid_by_it":
        message = (f"Separation of duties: payout run #{run.id} pays you ({actor.person.email} is on its "
                   f"{run.period} roster as rep {paying}), so {fix}")
    else:
        action, at = changes[0]
        message = (f"Separation of duties: you changed the inputs of payout run #{run.id} after it was computed "
                   f"({action} on {at:%Y-%m-%d %H:%M} UTC), so {fix} Or run {run.period} again to pay on the new "
                   "inputs.")
    raise SeparationOfDuties(message, (actor.id, actor.person.email, "payout.approve_refused", "payout_run",
                                       str(run.id), {"reason": conflict, "period": run.period, "message": message}))


def _inputs_differ(run: PayoutRun, plans_dir: str | Path | None) -> bool:
    """Whether the quarter's imported data (and plans) now differ from what the run was computed on."""
    from flask import current_app

    from okr_app.payouts.run_inputs import write_period_inputs

    with tempfile.TemporaryDirectory(prefix="cadence-check-") as folder:
        try:
            inputs = write_period_inputs(parse_period(run.period), Path(folder) / "now",
                                         plans_dir or current_app.config["PLANS_DIR"])
        except InvalidInput:
            return True
    return inputs.fingerprint != run.fingerprint


def export_run(actor: Actor, run: PayoutRun) -> str:
    """The payroll CSV of an approved run; marks the run exported (each export is audited)."""
    if not can_view_runs(actor):
        raise NotFound(f"No payout run #{run.id}.")
    if not can_run_payouts(actor):
        raise NotAllowed("Only finance exports payouts.")
    db.session.refresh(run)
    if not run.locked:
        what = "was replaced by a newer run" if run.state == "superseded" else "is a draft: approve it first"
        raise Conflict(f"Run #{run.id} ({run.period}) {what}; only an approved run is paid. Nothing was exported.")
    text = payroll_csv(run)
    before = run.state
    run.state, run.exported_by_id, run.exported_at = "exported", actor.id, utcnow()
    db.session.flush()
    record(actor.person, "payout.export", "payout_run", run.id, before={"state": before},
           after={"state": "exported", "period": run.period, "rows": run.rep_count})
    return text


def payroll_csv(run: PayoutRun) -> str:
    """rep, email, period, currency, amount: one row per statement, amounts with two decimals;
    text that a spreadsheet would run as a formula is escaped."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\n")
    writer.writerow(PAYROLL_HEADER)
    rows = db.session.execute(sa.select(RunStatement.rep_id, RunStatement.email, RunStatement.currency,
                                        RunStatement.total_cents)
                              .where(RunStatement.run_id == run.id).order_by(RunStatement.position))
    for rep_id, email, currency, cents in rows:
        writer.writerow((rep_id, email, run.period, currency, f"{cents_to_decimal(int(cents)):f}"))
    return buffer.getvalue()


def lines_of_statement(statement: RunStatement) -> list[PayoutLine]:
    """The stored lines of one statement, in statement order (what a question can be about)."""
    return list(db.session.scalars(sa.select(PayoutLine).where(
        PayoutLine.run_id == statement.run_id, PayoutLine.rep_id == statement.rep_id).order_by(PayoutLine.position)))
