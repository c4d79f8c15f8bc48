"""Adjustments: a correction to an approved quarter, paid in a later quarter's run.

An approved run never changes. When the inputs of an approved quarter A are corrected
(a deal, a quota, A's roster, a plan file), the run of a later quarter P recomputes A on
today's inputs and pays, per rep and line component (a plan component,
`modifier:<metric>` or `clawback`):

    adjustment = recomputed amount - approved amount - adjustments for it already approved

as a line `adjustment:<A>:<component>` (amounts in cents, each already rounded, so the
difference is exact). A correction is therefore paid exactly once, and undoing it pays
it back.

Draw lines (`draw:recovery`, `draw:advance`) are never adjusted: an approved quarter's
draw was settled and its balance stands; the adjustment lines count as earned in the
run that pays them, whose draw is settled on them (`okr_app.payouts.draw_balances`).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa

from comp_engine import PayoutResult
from comp_engine.money import cents_to_decimal, format_amount
from okr_app.extensions import db
from okr_app.models import PayoutLine, PayoutRun, RunStatement
from okr_app.models.payouts import LOCKED_STATES
from okr_app.payouts.run_inputs import PeriodInputs, cents_of, compute

DRAW_PREFIX = "draw:"
QUESTION_PREFIX = "question:"


@dataclass(frozen=True)
class Adjustment:
    """A correction to an approved quarter, for one rep and line component (amounts in cents)."""

    rep_id: str
    name: str
    email: str
    currency: str
    period: str
    run_id: int
    component: str
    approved_cents: int
    adjusted_cents: int
    recomputed_cents: int

    @property
    def amount_cents(self) -> int:
        return self.recomputed_cents - self.approved_cents - self.adjusted_cents

    @property
    def line_component(self) -> str:
        return f"adjustment:{self.period}:{self.component}"

    def as_dict(self) -> dict[str, str | int]:
        """JSON-safe: amounts as decimal text, as in lines.csv."""
        return {"period": self.period, "run_id": self.run_id, "component": self.component,
                "line_component": self.line_component, "currency": self.currency,
                "approved": _text(self.approved_cents), "already_adjusted": _text(self.adjusted_cents),
                "recomputed": _text(self.recomputed_cents), "amount": _text(self.amount_cents),
                "rule": (f"{self.period} recomputed on today's inputs pays {_text(self.recomputed_cents)}; approved "
                         f"run #{self.run_id} paid {_text(self.approved_cents)} and earlier adjustments "
                         f"{_text(self.adjusted_cents)}: the difference is {_text(self.amount_cents)}")}


def adjustments_for(run: PayoutRun, inputs: PeriodInputs) -> list[Adjustment]:
    """Per rep and component of approved `run`: recomputed - approved - already adjusted, if not 0."""
    approved = _amounts_by_line(run.id)
    people = {statement.rep_id: (statement.name, statement.email, statement.currency)
              for statement in db.session.scalars(sa.select(RunStatement).where(RunStatement.run_id == run.id))}
    if inputs.fingerprint == run.fingerprint:
        recomputed = dict(approved)
    else:
        result = compute(inputs, f"Recomputing approved {run.period} (run #{run.id}) to find corrections failed")
        recomputed = _amounts_of(result)
        for statement in result.statements:
            people.setdefault(statement.rep_id, (statement.name, statement.email, statement.currency))
    adjusted = _already_adjusted(run.period, people)
    adjustments = []
    for key in dict.fromkeys([*approved, *recomputed, *adjusted]):
        rep_id, component = key
        if component.startswith(QUESTION_PREFIX):
            continue  # an answered question's adjustment is owed by the question, not by a recomputation
        name, email, currency = people[rep_id]
        adjustment = Adjustment(rep_id, name, email, currency, run.period, run.id, component,
                                approved.get(key, 0), adjusted.get(key, 0), recomputed.get(key, 0))
        if adjustment.amount_cents:
            adjustments.append(adjustment)
    return adjustments


def _amounts_by_line(run_id: int) -> dict[tuple[str, str], int]:
    rows = db.session.execute(sa.select(PayoutLine.rep_id, PayoutLine.component, PayoutLine.amount_cents)
                              .where(PayoutLine.run_id == run_id, ~PayoutLine.component.startswith("adjustment:"),
                                     ~PayoutLine.component.startswith(DRAW_PREFIX))
                              .order_by(PayoutLine.position))
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    for rep_id, component, cents in rows:
        amounts[(rep_id, component)] += cents
    return dict(amounts)


def _already_adjusted(period: str, people: dict[str, tuple[str, str, str]]) -> dict[tuple[str, str], int]:
    """Adjustments for `period` in approved runs, per (rep, component); fills in `people`
    (name, email, currency) for reps the approved run itself may not list."""
    prefix = f"adjustment:{period}:"
    rows = db.session.execute(
        sa.select(PayoutLine.rep_id, PayoutLine.component, PayoutLine.amount_cents, RunStatement.name,
                  RunStatement.email, RunStatement.currency)
        .join(PayoutRun, PayoutLine.run_id == PayoutRun.id)
        .join(RunStatement, sa.and_(RunStatement.run_id == PayoutLine.run_id, RunStatement.rep_id == PayoutLine.rep_id))
        .where(PayoutRun.state.in_(LOCKED_STATES), PayoutLine.component.startswith(prefix, autoescape=True))
        .order_by(PayoutRun.id, PayoutLine.position))
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    for rep_id, component, cents, name, email, currency in rows:
        amounts[(rep_id, component[len(prefix):])] += cents
        people.setdefault(rep_id, (name, email, currency))
    return dict(amounts)


def _amounts_of(result: PayoutResult) -> dict[tuple[str, str], int]:
    amounts: dict[tuple[str, str], int] = defaultdict(int)
    for statement in result.statements:
        for line in statement.lines:
            if line.component.startswith(DRAW_PREFIX):
                continue
            amounts[(statement.rep_id, line.component)] += cents_of(line.amount)
    return dict(amounts)


def adjustment_count(run: PayoutRun) -> int:
    return db.session.scalar(sa.select(sa.func.count(PayoutLine.id)).where(
        PayoutLine.run_id == run.id, PayoutLine.component.startswith("adjustment:"))) or 0


def _text(cents: int) -> str:
    return format_amount(cents_to_decimal(cents))
