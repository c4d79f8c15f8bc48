"""Draws in database runs: balances carried between approved runs, corrections paid through
adjustment lines of the next quarter, never by rewriting a balance already paid.

Plan "ramp": 10% of new ARR. Each quarter r1 (recoverable draw 6,000) and r2 (non-recoverable
draw 6,000) close one new deal each: 82,500, 90,000, 45,000, 71,250, 90,000, 82,500 ARR, so
they earn 8,250, 9,000, 4,500, 7,125, 9,000, 8,250 (the issue's worked example).
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import PayoutLine
from tests.builders.quarter_runs import QuarterRuns

QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
DAYS = ["2025-02-10", "2025-05-10", "2025-08-10", "2025-11-10", "2026-02-10", "2026-05-10"]
AMOUNTS = ["82500", "90000", "45000", "71250", "90000", "82500"]
ROSTER = ["r1,Rae One,r1@example.com,ramp,,,,,6000,,", "r2,Rob Two,r2@example.com,ramp,,,,,6000,non_recoverable,"]


@pytest.fixture
def quarters(app, build, tmp_path) -> QuarterRuns:
    quarters = QuarterRuns(build, tmp_path)
    quarters.deals([f"{rep}-{n},ACC-{rep}-{n},{rep},new,{amount},{day},"
                    for n, (amount, day) in enumerate(zip(AMOUNTS, DAYS)) for rep in ("r1", "r2")])
    for period in QUARTERS:
        quarters.roster(period, ROSTER)
    return quarters


def paid_and_balance(quarters: QuarterRuns, run, rep_id: str) -> tuple[int, int | None]:
    statement = quarters.statement(run, rep_id)
    return statement.total_cents, statement.draw_balance_cents


def test_six_approved_quarters_carry_the_recoverable_balance_from_run_to_run(quarters):
    # r1 recoverable: paid 8,250, 9,000, 6,000, 6,000, 8,625, 8,250; balance after 0, 0, 1,500, 375, 0, 0
    #   (Q3: 4,500 + advance 1,500; Q4: 7,125 - recovery min(1,500, 1,125); Q5: 9,000 - recovery min(375, 3,000)).
    # r2 non-recoverable: paid 8,250, 9,000, 6,000 (4,500 + 1,500), 7,125, 9,000, 8,250; nothing owed.
    runs = [quarters.run_and_approve(period) for period in QUARTERS]
    assert [paid_and_balance(quarters, run, "r1") for run in runs] == [
        (825_000, 0), (900_000, 0), (600_000, 150_000), (600_000, 37_500), (862_500, 0), (825_000, 0)]
    assert [paid_and_balance(quarters, run, "r2") for run in runs] == [
        (825_000, 0), (900_000, 0), (600_000, 0), (712_500, 0), (900_000, 0), (825_000, 0)]
    assert [quarters.statement(run, "r1").earned_cents for run in runs] == [
        825_000, 900_000, 450_000, 712_500, 900_000, 825_000]
    q4_lines = db.session.execute(sa.select(PayoutLine.component, PayoutLine.amount_cents).where(
        PayoutLine.run_id == runs[3].id, PayoutLine.rep_id == "r1").order_by(PayoutLine.position)).all()
    assert [tuple(row) for row in q4_lines] == [("commission", 712_500), ("draw:recovery", -112_500),
                                                ("draw:advance", 0)]
    detail = json.loads(quarters.statement(runs[3], "r1").detail)
    assert (detail["draw"]["balance_before"], detail["draw"]["balance_after"]) == ("1500.00", "375.00")


def test_a_draft_reads_the_balance_of_the_last_approved_quarter_only(quarters):
    # Q3 approved leaves 1,500; Q4 as a draft recovers 1,125 (balance 375). A draft never carries:
    # rerunning Q4 gives the same draft, and Q3's balance is still the one Q4 starts from.
    for period in QUARTERS[:3]:
        quarters.run_and_approve(period)
    first = quarters.run("2025-Q4")
    again = quarters.run("2025-Q4")
    assert again.status == "unchanged" and again.run.id == first.run.id
    assert paid_and_balance(quarters, first.run, "r1") == (600_000, 37_500)


def test_a_correction_to_an_approved_quarter_changes_the_next_quarter_through_adjustments(quarters):
    # Q3 approved: r1 earned 4,500, paid 6,000, owes 1,500. Finance then corrects Q3's deal to 55,000 ARR (earns 5,500).
    # Q3's run and balance stand. Q4 pays adjustment:2025-Q3:commission +1,000, which counts as earned:
    #   E = 7,125 + 1,000 = 8,125; recovery = min(1,500, 8,125 - 6,000 = 2,125) = 1,500; advance 0;
    #   paid 8,125 - 1,500 = 6,625 (without the correction: 6,000 and a balance of 375); balance 0.
    # r2 (non-recoverable): E = 7,125 + 1,000 = 8,125, no advance, paid 8,125.
    runs = [quarters.run_and_approve(period) for period in QUARTERS[:3]]
    quarters.deals(["r1-2,ACC-r1-2,r1,new,55000,2025-08-10,", "r2-2,ACC-r2-2,r2,new,55000,2025-08-10,"], replace=True)
    q4 = quarters.run_and_approve("2025-Q4")
    assert paid_and_balance(quarters, runs[2], "r1") == (600_000, 150_000)  # the paid balance is not rewritten
    assert paid_and_balance(quarters, q4, "r1") == (662_500, 0)
    assert paid_and_balance(quarters, q4, "r2") == (812_500, 0)
    lines = db.session.execute(sa.select(PayoutLine.component, PayoutLine.amount_cents).where(
        PayoutLine.run_id == q4.id, PayoutLine.rep_id == "r1").order_by(PayoutLine.position)).all()
    assert [tuple(row) for row in lines] == [("commission", 712_500), ("adjustment:2025-Q3:commission", 100_000),
                                             ("draw:recovery", -150_000), ("draw:advance", 0)]
    assert quarters.statement(q4, "r1").earned_cents == 812_500
    # Q5 starts from Q4's balance 0: paid its earnings 9,000 in full.
    assert paid_and_balance(quarters, quarters.run_and_approve("2026-Q1"), "r1") == (900_000, 0)


def test_the_statement_page_document_adds_up_with_adjustments_and_draw_lines(quarters):
    from okr_app.payouts.pages import statement_document
    from reports.statement_view import statement_view
    from datetime import date

    for period in QUARTERS[:3]:
        quarters.run_and_approve(period)
    quarters.deals(["r1-2,ACC-r1-2,r1,new,55000,2025-08-10,"], replace=True)
    q4 = quarters.run_and_approve("2025-Q4")
    view = statement_view(statement_document(quarters.statement(q4, "r1")), date(2026, 1, 10))
    # 7,125.00 + 1,000.00 - 1,500.00 + 0.00 = 6,625.00: the printed lines add up to what is paid.
    assert [row.amount for row in view.summary] == ["7,125.00", "1,000.00", "(1,500.00)", "0.00"]
    assert view.total == "6,625.00"
    assert "You owed 1,500 of earlier advances at the start of the quarter and earned 8,125" in view.explanations[0]
