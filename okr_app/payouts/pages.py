"""What the payout pages and `payout statements --run` show, built from a recorded run.

The documents (the HTML statement, its PDF, the finance summary) all read one dict per
statement: the engine's statement as the run stored it (`RunStatement.detail`, see
`reports.statement_model`) plus the run's adjustment lines, with the total the run pays
(`total_cents`). Who may read what is decided by `okr_app.payouts.services` (which asks
the policy); this module only arranges what those verbs return.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa

from comp_engine import parse_period
from comp_engine.money import cents_to_decimal
from okr_app.extensions import db
from okr_app.errors import NotAllowed
from okr_app.models import Deal, PayoutImport, PayoutRun, Person, RosterRep, RunStatement
from okr_app.models.payouts import LOCKED_STATES
from okr_app.payouts import services
from okr_app.policy import Actor, can_approve_payout, can_run_payouts, can_view_runs
from reports.figures import money
from reports.statement_model import FORMAT
from reports.statement_view import StatementView, statement_view

Inputs = tuple[tuple[str, str, str], ...]


def statement_document(statement: RunStatement) -> dict[str, Any]:
    """The statement as the documents render it: the stored detail, the run's adjustment
    lines, and the total the run pays (statement total + adjustments)."""
    run = statement.run
    if statement.detail:
        document = json.loads(statement.detail)
    else:
        document = _adjustments_only(statement, run)
    document["adjustments"] = services.adjustments_of(statement)
    document["total"] = f"{cents_to_decimal(statement.total_cents):f}"
    return document


def _adjustments_only(statement: RunStatement, run: PayoutRun) -> dict[str, Any]:
    """A rep owed corrections to an earlier quarter but not on this quarter's roster."""
    period = parse_period(run.period)
    return {
        "format": FORMAT, "period": run.period, "period_start": period.start.isoformat(),
        "period_end": period.end.isoformat(), "fingerprint": run.fingerprint, "rep_id": statement.rep_id,
        "name": statement.name, "email": statement.email, "manager_id": statement.manager_rep_id,
        "manager_name": None, "plan_key": "", "plan_name": "", "currency": statement.currency,
        "target_incentive": None, "components": [], "modifiers": [], "clawbacks": [],
    }


def run_inputs(run: PayoutRun) -> Inputs:
    """(role, file name, sha256) of each input the run read, as the run recorded them."""
    try:
        files = json.loads(run.inputs or "{}").get("files", [])
    except (ValueError, AttributeError):
        return ()
    return tuple((item.get("role", ""), item.get("name", ""), item.get("sha256", "")) for item in files)


def run_documents(actor: Actor, run_id: int) -> tuple[str, list[dict[str, Any]], Inputs]:
    """A run's period, every statement document and its inputs (finance only: NotFound otherwise)."""
    run = services.get_run(actor, run_id)
    documents = [statement_document(statement) for statement in services.statements_visible_to(actor, run)]
    return run.period, documents, run_inputs(run)


# --- pages ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class StatementLink:
    """A statement in a list: whose, which quarter, the total, and where to read it."""

    id: int
    period: str
    rep_id: str
    name: str
    plan_key: str
    currency: str
    total: str
    negative: bool
    run_state: str


@dataclass(frozen=True)
class Money:
    """An amount as shown: `USD 25,600.00`, negative ones flagged for the red ink."""

    text: str
    negative: bool


@dataclass(frozen=True)
class RunRow:
    id: int
    period: str
    state: str
    totals: list[Money]
    rep_count: int
    created_by: str
    created_at: str
    approved_by: str
    approved_at: str
    fingerprint: str


def money_of(currency: str, amount: Decimal) -> Money:
    return Money(f"{currency} {money(amount)}", amount < 0)


def link_of(statement: RunStatement) -> StatementLink:
    total = cents_to_decimal(statement.total_cents)
    return StatementLink(statement.id, statement.run.period, statement.rep_id, statement.name, statement.plan_key,
                         statement.currency, money_of(statement.currency, total).text, total < 0, statement.run.state)


def run_row(run: PayoutRun, totals: dict[str, Decimal]) -> RunRow:
    return RunRow(
        id=run.id, period=run.period, state=run.state,
        totals=[money_of(currency, amount) for currency, amount in sorted(totals.items())], rep_count=run.rep_count,
        created_by=run.created_by.name if run.created_by else "–", created_at=f"{run.created_at:%Y-%m-%d %H:%M}",
        approved_by=run.approved_by.name if run.approved_by else "",
        approved_at=f"{run.approved_at:%Y-%m-%d %H:%M}" if run.approved_at else "", fingerprint=run.fingerprint,
    )


@dataclass(frozen=True)
class PayPage:
    """The Pay page: my statements, my reports' statements and (finance) the runs."""

    mine: list[StatementLink]
    team: list[StatementLink]
    runs: list[RunRow]
    sees_runs: bool


def pay_page(actor: Actor) -> PayPage:
    """Finance reads every statement through the runs, so their list of their own is
    queried alone rather than filtered out of every approved statement."""
    if can_view_runs(actor):
        runs = [run_row(summary.run, summary.totals) for summary in services.list_runs(actor)]
        return PayPage([link_of(statement) for statement in _own_statements(actor)], [], runs, True)
    visible = services.visible_statements(actor)
    mine = [link_of(statement) for statement in visible if services.pays(actor, statement)]
    team = [link_of(statement) for statement in visible if not services.pays(actor, statement)]
    return PayPage(mine, team, [], False)


def _own_statements(actor: Actor) -> list[RunStatement]:
    """The person's own statements of approved (or exported) runs, newest quarter first."""
    return list(db.session.scalars(
        sa.select(RunStatement).join(PayoutRun, RunStatement.run_id == PayoutRun.id)
        .where(sa.or_(RunStatement.person_id == actor.id,
                      sa.and_(RunStatement.person_id.is_(None),
                              sa.func.lower(sa.func.trim(RunStatement.email)) == actor.person.email.strip().lower())),
               PayoutRun.state.in_(LOCKED_STATES))
        .order_by(PayoutRun.period.desc(), PayoutRun.id.desc())))


@dataclass(frozen=True)
class RunPage:
    run: RunRow
    statements: list[StatementLink]
    can_approve: bool
    approve_refusal: str
    inputs: Inputs
    without_account: list[tuple[str, str, str]] = field(default_factory=list)  # (rep id, name, e-mail)


def run_page(actor: Actor, run_id: int) -> RunPage:
    run = services.get_run(actor, run_id)
    totals = services.run_totals([run.id]).get(run.id, {})
    statements = [link_of(statement) for statement in services.statements_visible_to(actor, run)]
    refusal = ""
    if run.state == "superseded":
        refusal = (f"This run was replaced by run #{run.superseded_by_id} (its inputs changed); it is kept for the "
                   "record and is never paid.")
    elif run.state != "draft":
        refusal = f"This run is {run.state}: it is locked and never changes."
    elif not can_approve_payout(actor, run.created_by_id):
        refusal = "You ran this payout, so another finance person approves it (separation of duties)."
    missing = [(s.rep_id, s.name, s.email) for s in services.payees_without_account(run)]
    return RunPage(run_row(run, totals), statements, not refusal, refusal, run_inputs(run), missing)


# --- the statement page ------------------------------------------------------------------------------

@dataclass(frozen=True)
class Notice:
    """A banner above the statement: `tone` is "info" (a draft, only informing) or "warn"."""

    text: str
    tone: str


@dataclass(frozen=True)
class StatementPage:
    """The statement as the web page shows it: the `StatementView` the PDF prints (its lines named, with
    their plan keys apart for the page to set in small type), and the run's state said once at the top."""

    id: int
    view: StatementView
    notice: Notice | None


def statement_page(statement: RunStatement, generated: date) -> StatementPage:
    return StatementPage(statement.id, statement_view(statement_document(statement), generated), _notice(statement.run))


def _notice(run: PayoutRun) -> Notice | None:
    if run.state == "draft":
        return Notice(f"Draft run #{run.id}: finance has not approved it yet, so the rep does not see this "
                      "statement and nothing is paid until it is approved.", "info")
    if run.state == "superseded":
        return Notice(f"Run #{run.id} was replaced by run #{run.superseded_by_id}: this statement is kept for the "
                      "record and is never paid.", "warn")
    return None


# --- the quarter page (finance) ----------------------------------------------------------------------

@dataclass(frozen=True)
class ImportRow:
    kind: str
    file_name: str
    period: str
    rows: int
    by: str
    at: str


@dataclass(frozen=True)
class QuarterPage:
    """Finance's quarter in the browser: upload the three files, run, then review and approve
    the run on its page. `problems` lists every bad row of a refused upload or run."""

    imports: list[ImportRow]
    runs: list[RunRow]
    deal_count: int
    rosters: list[tuple[str, int]]  # (quarter, reps)
    failed: str = ""  # which form was refused: deals, roster, quotas or run
    message: str = ""
    problems: list[str] = field(default_factory=list)


def quarter_page(actor: Actor, refused: Any = None, failed: str = "") -> QuarterPage:
    """The page; NotAllowed (403) for anyone but finance, as the deals upload page answers."""
    if not can_run_payouts(actor):
        raise NotAllowed("Only finance imports payout data and runs payouts.")
    recent = db.session.execute(
        sa.select(PayoutImport, Person.name).outerjoin(Person, PayoutImport.imported_by_id == Person.id)
        .order_by(PayoutImport.id.desc()).limit(10))
    imports = [ImportRow(batch.kind, batch.file_name, batch.period or "", batch.row_count, name or "–",
                         f"{batch.imported_at:%Y-%m-%d %H:%M}") for batch, name in recent]
    rosters = [(period, int(count)) for period, count in db.session.execute(
        sa.select(RosterRep.period, sa.func.count(RosterRep.id)).group_by(RosterRep.period)
        .order_by(RosterRep.period.desc()))]
    runs = [run_row(summary.run, summary.totals) for summary in services.list_runs(actor)]
    problems = [str(problem) for problem in getattr(refused, "problems", ())]
    message = refused.message.split("\n")[0] if refused is not None else ""
    return QuarterPage(imports, runs, db.session.scalar(sa.select(sa.func.count(Deal.id))) or 0, rosters,
                       failed, message, problems)
