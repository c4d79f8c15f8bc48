"""Recording a payout run from the imported data: once, whole, and never twice for a quarter.

`record_run` writes the quarter's inputs from the database as CSV files, calls the same
`comp_engine.run_payout` as `cadence payout run --deals ...`, and records a draft run,
with every statement and line, in the caller's single transaction:

- the same inputs as the quarter's current draft: nothing new, the same run comes back;
- different inputs while the quarter is a draft: the draft is superseded by a new one;
- an approved (or exported) quarter never changes: running it again is refused.

Corrections to an approved quarter are paid later, as adjustment lines of the next run
(rule and arithmetic in `okr_app.payouts.adjustments`). For every approved quarter A
before the quarter P being run, A is recomputed on today's inputs (A's own roster,
quotas up to A, deals closed by A's last day, today's plan files); each difference is a
line `adjustment:<A>:<component>` in P's run, added to the rep's total, and a rep owed
an adjustment who is not on P's roster gets a statement with only those lines. The run
records which approved runs it was computed against (`basis_runs`): once another run is
approved, a draft computed before must be run again before it can be approved, so no
correction is ever paid twice.

Two runs of one quarter cannot overlap: PostgreSQL takes an advisory lock on the quarter
for the transaction (a second run is refused at once); SQLite has one writer at a time
(a second run waits for the first, up to the busy timeout, then finds its run); and a
partial unique index allows one live run per quarter whatever happens.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError

from comp_engine import PayoutResult, PeriodInvalid, Period, RepStatement, parse_period
from comp_engine.money import cents_to_decimal, format_amount, round_half_up
from comp_engine.outputs import ATTAINMENT_PLACES
from okr_app.audit.services import record
from okr_app.errors import Conflict, InvalidInput, NotAllowed
from okr_app.extensions import db
from okr_app.models import PayoutLine, PayoutRun, Person, RunStatement
from okr_app.models.payouts import LOCKED_STATES
from okr_app.payouts.adjustments import Adjustment, adjustment_count, adjustments_for
from okr_app.payouts.draw_balances import settled_with_adjustments
from okr_app.payouts.plan_signing import unacknowledged_warnings
from okr_app.payouts.questions import question_adjustments, with_questions
from okr_app.payouts.run_inputs import PeriodInputs, cents_of, compute, write_period_inputs
from okr_app.policy import Actor, can_run_payouts
from okr_app.clock import utcnow
from reports.statement_model import statement_to_dict

LOCK_NAMESPACE = 0x43414450
"""First key of Cadence's PostgreSQL advisory locks ("CADP"); the second is the quarter
as year x 10 + quarter, or 0 for the lock every approval takes."""
APPROVALS_LOCK = 0
_LINE_BATCH = 5000


class RunInProgress(Conflict):
    """Another run (or approval) of this quarter holds the lock right now."""

    def __init__(self, period: str) -> None:
        super().__init__(f"Another payout run or approval for {period} is in progress; nothing was recorded. "
                         "Wait for it to finish, then run again (the same inputs give the same run).")


class PeriodLocked(Conflict):
    """The quarter's run was approved: it never changes."""

    def __init__(self, run: PayoutRun, inputs_changed: bool) -> None:
        who = run.approved_by.email if run.approved_by else "finance"
        when = run.approved_at.strftime("%Y-%m-%d %H:%M") if run.approved_at else ""
        if inputs_changed:
            super().__init__(f"{run.period} was approved in run #{run.id} by {who} on {when} UTC and an approved "
                             "quarter never changes; nothing was recorded. The imported data for it has changed "
                             "since: the next quarter's run will pay the difference as adjustment lines.")
        else:
            super().__init__(f"{run.period} is already approved, in run #{run.id} by {who} on {when} UTC, and its "
                             "inputs are unchanged since: there is nothing to run again (an approved quarter never "
                             "changes); nothing was recorded.")


@dataclass(frozen=True)
class RunOutcome:
    """What `record_run` did: `status` is created, replaced or unchanged."""

    run: PayoutRun
    status: str
    replaced: PayoutRun | None = None
    adjustments: int = 0
    notes: tuple[str, ...] = ()  # the engine's notes (e.g. deals crediting people no longer on the roster), and
    # warnings about reps paid on a plan version they have not acknowledged (`okr_app.payouts.plan_signing`)


# --- locks ----------------------------------------------------------------------------------------

def lock_period(period: str) -> None:
    """Hold the quarter for this transaction, or refuse at once with RunInProgress."""
    bind = db.session.get_bind()
    if bind.dialect.name == "postgresql":
        quarter = parse_period(period)
        taken = db.session.scalar(sa.text("SELECT pg_try_advisory_xact_lock(:space, :key)"),
                                  {"space": LOCK_NAMESPACE, "key": quarter.year * 10 + quarter.quarter})
        if not taken:
            raise RunInProgress(period)
    elif bind.dialect.name == "sqlite":
        _take_sqlite_write_lock(period)


def lock_approvals() -> None:
    """Approvals one at a time (PostgreSQL waits for the lock; SQLite already holds its writer lock)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT pg_advisory_xact_lock(:space, :key)"),
                           {"space": LOCK_NAMESPACE, "key": APPROVALS_LOCK})


def _take_sqlite_write_lock(period: str) -> None:
    """A write that changes nothing starts SQLite's write transaction: one writer at a time."""
    try:
        db.session.execute(sa.text("UPDATE payout_run SET state = state WHERE 0 = 1"))
    except OperationalError as error:
        if "locked" in str(error.orig).lower() or "busy" in str(error.orig).lower():
            db.session.rollback()
            raise RunInProgress(period) from None
        raise


def pause_for_fault_tests(stage: str) -> None:
    """Fault-injection hook for the tests (never set in production): with
    CADENCE_TEST_PAUSE_SECONDS set, sleep inside the open transaction at `stage`
    (CADENCE_TEST_PAUSE_AT: locked or half_lines, default half_lines) so a test can
    start a second run or kill this one there. With CADENCE_TEST_PAUSE_UNTIL (a file
    path) the pause ends as soon as that file exists, so a test decides when it ends."""
    seconds = os.environ.get("CADENCE_TEST_PAUSE_SECONDS")
    if not seconds or os.environ.get("CADENCE_TEST_PAUSE_AT", "half_lines") != stage:
        return
    print(f"cadence: paused at {stage}", file=sys.stderr, flush=True)
    release = os.environ.get("CADENCE_TEST_PAUSE_UNTIL")
    deadline = time.monotonic() + float(seconds)
    while time.monotonic() < deadline and not (release and os.path.exists(release)):
        time.sleep(min(0.05, max(0.0, deadline - time.monotonic())))


# --- recording a run --------------------------------------------------------------------------------

def record_run(actor: Actor | None, period: str | Period, plans_dir: str | Path) -> RunOutcome:
    """Compute the quarter on the imported data and record it as a draft (see the module)."""
    if actor is None or not can_run_payouts(actor):
        raise NotAllowed("Only finance runs payouts.")
    try:
        quarter = parse_period(period) if isinstance(period, str) else period
    except PeriodInvalid as refused:
        raise InvalidInput(str(refused)) from None
    lock_period(str(quarter))
    pause_for_fault_tests("locked")
    live = live_run(str(quarter))
    approved = list(db.session.scalars(sa.select(PayoutRun).where(PayoutRun.state.in_(LOCKED_STATES))
                                       .order_by(PayoutRun.id)))
    with tempfile.TemporaryDirectory(prefix="cadence-run-") as folder:
        if live is not None and live.locked:
            raise PeriodLocked(live, inputs_changed=_changed_since(live, Path(folder), plans_dir))
        inputs = write_period_inputs(quarter, Path(folder) / str(quarter), plans_dir)
        earlier = sorted((run for run in approved if parse_period(run.period) < quarter),
                         key=lambda run: parse_period(run.period))
        recomputations = {run.id: write_period_inputs(parse_period(run.period), Path(folder) / f"run-{run.id}",
                                                      plans_dir) for run in earlier}
        basis_runs = ",".join(str(run.id) for run in approved)
        owed_on_questions = question_adjustments(quarter)
        basis_fingerprint = with_questions(_basis_fingerprint(earlier, recomputations), owed_on_questions)
        if live is not None and (live.fingerprint, live.basis_runs, live.basis_fingerprint) == (
                inputs.fingerprint, basis_runs, basis_fingerprint):
            return RunOutcome(live, "unchanged", adjustments=adjustment_count(live),
                              notes=tuple(unacknowledged_warnings(live.id)))
        result = compute(inputs, f"The imported data for {quarter} cannot be paid")
        adjustments = [adjustment for run in earlier for adjustment in adjustments_for(run, recomputations[run.id])]
        adjustments += owed_on_questions
        run = _new_run(actor, quarter, inputs, result, live, basis_runs, basis_fingerprint)
        _store(run, result, adjustments)
    record(actor.person, "payout.run", "payout_run", run.id,
           before={"run": live.id, "fingerprint": live.fingerprint} if live else None,
           after={"period": run.period, "fingerprint": run.fingerprint, "reps": run.rep_count,
                  "lines": run.line_count, "adjustments": len(adjustments),
                  "totals": {currency: f"{amount:f}" for currency, amount in totals_of(run).items()}})
    return RunOutcome(run, "replaced" if live else "created", live, len(adjustments),
                      result.notes + tuple(unacknowledged_warnings(run.id)))


def _changed_since(run: PayoutRun, folder: Path, plans_dir: str | Path) -> bool:
    """Whether the quarter's inputs differ from those the run was computed on (unreadable ones do)."""
    try:
        return write_period_inputs(parse_period(run.period), folder / "check", plans_dir).fingerprint != run.fingerprint
    except InvalidInput:
        return True


def live_run(period: str) -> PayoutRun | None:
    """The quarter's run that counts (draft, approved or exported), if any."""
    return db.session.scalar(sa.select(PayoutRun).where(PayoutRun.period == period, PayoutRun.state != "superseded")
                             .execution_options(populate_existing=True))


def totals_of(run: PayoutRun) -> dict[str, Decimal]:
    """The run's total per currency (the sum of its statements' totals)."""
    rows = db.session.execute(sa.select(RunStatement.currency, sa.func.sum(RunStatement.total_cents))
                              .where(RunStatement.run_id == run.id).group_by(RunStatement.currency)
                              .order_by(RunStatement.currency))
    return {currency: cents_to_decimal(int(cents)) for currency, cents in rows}


def _basis_fingerprint(earlier: list[PayoutRun], recomputations: dict[int, PeriodInputs]) -> str:
    if not earlier:
        return ""
    text = ";".join(f"{run.id}:{run.period}:{recomputations[run.id].fingerprint}" for run in earlier)
    return hashlib.sha256(text.encode()).hexdigest()


def _new_run(actor: Actor, quarter: Period, inputs: PeriodInputs, result: PayoutResult, live: PayoutRun | None,
             basis_runs: str, basis_fingerprint: str) -> PayoutRun:
    """Supersede the draft (first, so the one-live-run index holds), then add the new run."""
    if live is not None:
        live.state, live.superseded_at = "superseded", utcnow()
    run = PayoutRun(period=str(quarter), state="draft", fingerprint=result.fingerprint, basis_runs=basis_runs,
                    basis_fingerprint=basis_fingerprint, created_by_id=actor.id,
                    inputs=json.dumps({"files": inputs.files, "plans": inputs.plan_texts}, sort_keys=True))
    db.session.add(run)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise RunInProgress(str(quarter)) from None
    if live is not None:
        live.superseded_by_id = run.id
    return run


# --- storing --------------------------------------------------------------------------------------

def _store(run: PayoutRun, result: PayoutResult, adjustments: list[Adjustment]) -> None:
    """Every statement, then every line in two halves (the fault tests stop between them)."""
    by_rep: dict[str, list[Adjustment]] = defaultdict(list)
    for adjustment in adjustments:
        by_rep[adjustment.rep_id].append(adjustment)
    people = _people_by_email([s.email for s in result.statements] + [a.email for a in adjustments])
    names = {statement.rep_id: statement.name for statement in result.statements}
    statements, lines = [], []
    for statement in result.statements:
        owed = by_rep.pop(statement.rep_id, [])
        _check_currency(statement, owed)
        statement = settled_with_adjustments(statement, sum(a.amount_cents for a in owed))
        person_id = people.get(statement.email.strip().lower())
        statements.append({
            "rep_id": statement.rep_id, "person_id": person_id, "name": statement.name, "email": statement.email,
            "manager_rep_id": statement.manager_id, "plan_key": statement.plan_key, "currency": statement.currency,
            "total_cents": cents_of(statement.total) + sum(a.amount_cents for a in owed),
            "detail": json.dumps(statement_to_dict(statement, result, names), sort_keys=True),
            "adjustments": json.dumps([a.as_dict() for a in owed]),
            "earned_cents": cents_of(statement.earned) + (0 if statement.draw else sum(a.amount_cents for a in owed)),
            "draw_balance_cents": statement.draw.balance_after_cents if statement.draw else None,
        })
        lines += (_engine_lines(statement, result.period, person_id) + _adjustment_lines(owed, person_id)
                  + _draw_rows(statement, person_id))
    for rep_id, owed in by_rep.items():
        first = owed[0]
        _check_currency(None, owed)
        person_id = people.get(first.email.strip().lower())
        statements.append({"rep_id": rep_id, "person_id": person_id, "name": first.name, "email": first.email,
                           "manager_rep_id": None, "plan_key": "", "currency": first.currency,
                           "total_cents": sum(a.amount_cents for a in owed), "detail": "",
                           "earned_cents": sum(a.amount_cents for a in owed), "draw_balance_cents": None,
                           "adjustments": json.dumps([a.as_dict() for a in owed])})
        lines += _adjustment_lines(owed, person_id)
    for position, row in enumerate(statements):
        row.update(run_id=run.id, position=position)
    db.session.execute(sa.insert(RunStatement), statements)
    for position, row in enumerate(lines):
        row.update(run_id=run.id, position=position)
    half = len(lines) // 2
    _insert_lines(lines[:half])
    db.session.flush()
    pause_for_fault_tests("half_lines")
    _insert_lines(lines[half:])
    run.rep_count, run.line_count = len(statements), len(lines)
    db.session.flush()


def _insert_lines(rows: list[dict]) -> None:
    for start in range(0, len(rows), _LINE_BATCH):
        db.session.execute(sa.insert(PayoutLine), rows[start:start + _LINE_BATCH])


def _check_currency(statement: RepStatement | None, owed: list[Adjustment]) -> None:
    currencies = {a.currency for a in owed} | ({statement.currency} if statement else set())
    if len(currencies) > 1:
        rep = owed[0]
        raise InvalidInput(f"Rep {rep.rep_id} is owed adjustments in {', '.join(sorted(currencies))}: a statement "
                           "pays in one currency. Pay the correction by hand; nothing was recorded.")


def _engine_lines(statement: RepStatement, period: str, person_id: int | None) -> list[dict]:
    """The statement's rows exactly as lines.csv writes them (text unescaped: this is not a spreadsheet)."""
    rows = []
    for line in statement.components:
        rows.append(_line(statement.rep_id, person_id, line.component, "", _optional(line.credited),
                          _optional(line.quota), "" if line.attainment is None
                          else f"{round_half_up(line.attainment, ATTAINMENT_PLACES):f}", line.amount))
    for modifier in statement.modifiers:
        rows.append(_line(statement.rep_id, person_id, modifier.component, "", "", "", "", modifier.amount))
    for clawback in statement.clawbacks:
        rows.append(_line(statement.rep_id, person_id, "clawback", clawback.deal_id, "", "", "", clawback.amount))
    return rows


def _draw_rows(statement: RepStatement, person_id: int | None) -> list[dict]:
    """draw:recovery and draw:advance, after the adjustments they were settled on."""
    return [_line(statement.rep_id, person_id, line.component, "", "", "", "", line.amount)
            for line in statement.draw_lines]


def _adjustment_lines(owed: list[Adjustment], person_id: int | None) -> list[dict]:
    return [{"rep_id": a.rep_id, "person_id": person_id, "component": a.line_component, "deal_id": "",
             "credited": "", "quota": "", "attainment": "", "amount_cents": a.amount_cents} for a in owed]


def _line(rep_id: str, person_id: int | None, component: str, deal_id: str, credited: str, quota: str,
          attainment: str, amount: Decimal) -> dict:
    return {"rep_id": rep_id, "person_id": person_id, "component": component, "deal_id": deal_id,
            "credited": credited, "quota": quota, "attainment": attainment, "amount_cents": cents_of(amount)}


def _people_by_email(emails: list[str]) -> dict[str, int]:
    wanted = sorted({email.strip().lower() for email in emails if email})
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        rows = db.session.execute(sa.select(sa.func.lower(Person.email), Person.id)
                                  .where(sa.func.lower(Person.email).in_(wanted[start:start + 500])))
        found.update((email, person_id) for email, person_id in rows)
    return found


def _optional(value: Decimal | None) -> str:
    return "" if value is None else format_amount(value)
