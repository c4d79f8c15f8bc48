"""Employment dates and draws in the database door: stored with the roster, balances carried.

A quarter's roster keeps each rep's employment dates and draw as imported. The balance a
recoverable draw is owed at the start of quarter P is not typed again each quarter: it
is the balance after the latest approved run of a quarter before P that paid the rep on
a draw (the roster's `draw_balance` is only the opening balance, used until such a run
exists). An approved run never changes, so neither does the balance it left.

A correction to an approved quarter A does not rewrite A's balance: the next run pays it
as adjustment lines (`okr_app.payouts.adjustments`, which leaves draw lines out of the
comparison), and those lines count as earned in that run, so its draw recovers (or
advances) on them: the draw is settled again on the engine's earnings plus the
adjustments (`settled_with_adjustments`).
"""
from __future__ import annotations

from dataclasses import replace

import sqlalchemy as sa

from comp_engine import RepStatement
from comp_engine.draws import RECOVERABLE, DrawTerms, settle_draw
from comp_engine.ingest import Rep
from comp_engine.money import cents_to_decimal
from comp_engine.periods import Period
from okr_app.extensions import db
from okr_app.models import PayoutRun, RosterRep, RunStatement
from okr_app.models.payouts import LOCKED_STATES


def quarter_terms_of(rep: Rep) -> dict[str, object]:
    """The RosterRep columns of a roster row's employment dates and draw."""
    draw = rep.draw
    return {"start_date": rep.employment.start, "end_date": rep.employment.end,
            "draw_cents": draw.draw_cents if draw else None, "draw_kind": draw.kind if draw else None,
            "draw_balance_cents": draw.balance_cents if draw and draw.kind == RECOVERABLE else None}


def carried_balances(period: Period, rep_ids: list[str]) -> dict[str, int]:
    """rep_id -> the recoverable balance after the latest approved run before `period`."""
    if not rep_ids:
        return {}
    rows = db.session.execute(
        sa.select(RunStatement.rep_id, RunStatement.draw_balance_cents)
        .join(PayoutRun, RunStatement.run_id == PayoutRun.id)
        .where(PayoutRun.state.in_(LOCKED_STATES), PayoutRun.period < str(period),
               RunStatement.draw_balance_cents.is_not(None), RunStatement.rep_id.in_(sorted(set(rep_ids))))
        .order_by(PayoutRun.period, PayoutRun.id))
    return {rep_id: int(cents) for rep_id, cents in rows}


def roster_terms(period: Period, reps: list[RosterRep]) -> list[tuple[str, str, str, str, str]] | None:
    """(start_date, end_date, draw, draw_kind, draw_balance) per rep as roster.csv text, with
    balances carried from approved runs; None when no rep has any (the file keeps its old columns)."""
    carried = carried_balances(period, [rep.rep_id for rep in reps])
    if not carried and not any(rep.start_date or rep.end_date or rep.draw_cents is not None for rep in reps):
        return None
    rows = []
    for rep in reps:
        draw, kind, balance = rep.draw_cents, rep.draw_kind or "", ""
        if kind != "non_recoverable":
            owed = carried.get(rep.rep_id, rep.draw_balance_cents or 0)
            if draw is None and owed:
                draw, kind = 0, RECOVERABLE  # the draw ended but advances are still owed: keep recovering
            if draw is not None:
                balance = _text(owed)
        rows.append((rep.start_date.isoformat() if rep.start_date else "",
                     rep.end_date.isoformat() if rep.end_date else "",
                     "" if draw is None else _text(draw), kind if draw is not None else "", balance))
    return rows


def settled_with_adjustments(statement: RepStatement, adjustment_cents: int) -> RepStatement:
    """The statement with its draw settled on what its lines earned plus the run's
    adjustment lines (unchanged without a draw or adjustments). `total` stays the sum of
    the statement's own lines (engine lines and draw lines); the run pays total + adjustments."""
    draw = statement.draw
    if draw is None or not adjustment_cents:
        return statement
    settled = settle_draw(draw.earned_cents + adjustment_cents,
                          DrawTerms(draw.draw_cents, draw.kind, draw.balance_before_cents))
    engine_cents = draw.earned_cents
    return replace(statement, draw=settled,
                   total=cents_to_decimal(engine_cents - settled.recovery_cents + settled.advance_cents))


def _text(cents: int) -> str:
    return f"{cents_to_decimal(cents):f}"
