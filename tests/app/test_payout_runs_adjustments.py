"""Corrections to an approved quarter are paid once, as adjustment lines of the next run.

Rule: adjustment = the approved quarter recomputed on today's inputs - what its approved
run paid - adjustments for it already approved, per rep and line component.
Data set and Q2 arithmetic: see test_payout_runs.py (a1 25,600.00 + 3,600.00; a2 8,000.00).
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import PayoutLine, PayoutRun, RunStatement
from okr_app.payouts.services import adjustments_of, statement_of
from tests.builders.payout_runs import DEALS_HEADER, Q2_DEALS, ROSTER, Finance, live_runs, totals

Q3_DEAL = "D5,ACC-5,a1,new,100000,2026-07-15,"


@pytest.fixture
def finance(app, build, tmp_path):
    manager = build.person(email="m@example.com", role="manager")
    build.person(email="a1@example.com", manager=manager)
    build.person(email="a2@example.com")
    build.person(email="fin1@example.com", role="finance")
    build.person(email="fin2@example.com", role="finance")
    finance = Finance(app, tmp_path)
    finance.load(deals=[*Q2_DEALS, Q3_DEAL], periods=("2026-Q2", "2026-Q3", "2026-Q4"))
    return finance


def run_and_approve(finance: Finance, period: str) -> PayoutRun:
    finance.ok("payout", "run", "--period", period)
    run = live_runs(period)[0]
    finance.ok("payout", "approve", str(run.id), who="fin2@example.com")
    return run


def correct(finance: Finance, *rows: str) -> None:
    finance.ok("deals", "import", finance.file("fix.csv", DEALS_HEADER, list(rows)), "--replace")


def adjustment_lines(run_id: int) -> list[tuple[str, str, int]]:
    return [tuple(row) for row in db.session.execute(
        sa.select(PayoutLine.rep_id, PayoutLine.component, PayoutLine.amount_cents)
        .where(PayoutLine.run_id == run_id, PayoutLine.component.startswith("adjustment:"))
        .order_by(PayoutLine.position))]


def test_a_corrected_deal_of_an_approved_quarter_is_paid_as_adjustments_in_the_next_run(finance):
    q2 = run_and_approve(finance, "2026-Q2")
    correct(finance, "D2,ACC-2,a1,new,80000,2026-05-05,", "D4,ACC-4,a2,new,40000,2026-06-20,")
    output = finance.ok("payout", "run", "--period", "2026-Q3")
    assert "(2 adjustment lines)" in output
    q3 = live_runs("2026-Q3")[0]
    # a1 2026-Q2 recomputed: new 60,000 + 80,000 = 140,000 -> 1.4; 16,000 x (1.0 + 2.0 x 0.4) = 28,800.00;
    #   approved 25,600.00 -> +3,200.00.
    # a2 2026-Q2 recomputed: 40,000 / 100,000 = 0.4, under the 0.5 threshold -> 0.00; approved 8,000.00 -> -8,000.00.
    assert adjustment_lines(q3.id) == [("a1", "adjustment:2026-Q2:new_business", 320_000),
                                       ("a2", "adjustment:2026-Q2:new_business", -800_000)]
    # a1 2026-Q3: 100,000 / 100,000 = 1.0 -> 16,000.00, + 3,200.00 = 19,200.00; a2: 0.00 - 8,000.00.
    assert totals(q3.id) == {"a1": 1_920_000, "a2": -800_000}
    a1 = db.session.scalar(sa.select(RunStatement).where(RunStatement.run_id == q3.id, RunStatement.rep_id == "a1"))
    (adjustment,) = adjustments_of(a1)
    assert (adjustment["approved"], adjustment["recomputed"], adjustment["amount"], adjustment["run_id"]) == (
        "25600.00", "28800.00", "3200.00", q2.id)
    assert statement_of(a1).total.to_eng_string() == "16000.00"  # the engine's own figure, before adjustments
    assert totals(q2.id) == {"a1": 2_920_000, "a2": 800_000}  # the approved run did not move
    finance.ok("payout", "approve", str(q3.id), who="fin2@example.com")
    payroll = finance.ok("payout", "export", str(q3.id)).splitlines()
    assert payroll[1:] == ["a1,a1@example.com,2026-Q3,USD,19200.00", "a2,a2@example.com,2026-Q3,USD,-8000.00"]


def test_a_correction_is_paid_once_and_reversing_it_pays_it_back(finance):
    run_and_approve(finance, "2026-Q2")
    correct(finance, "D2,ACC-2,a1,new,80000,2026-05-05,")
    q3 = run_and_approve(finance, "2026-Q3")
    assert adjustment_lines(q3.id) == [("a1", "adjustment:2026-Q2:new_business", 320_000)]
    finance.ok("payout", "run", "--period", "2026-Q4")
    assert adjustment_lines(live_runs("2026-Q4")[0].id) == []
    correct(finance, "D2,ACC-2,a1,new,70000,2026-05-05,")
    finance.ok("payout", "run", "--period", "2026-Q4")
    # Recomputed 25,600.00 - approved 25,600.00 - already adjusted 3,200.00 = -3,200.00.
    assert adjustment_lines(live_runs("2026-Q4")[0].id) == [("a1", "adjustment:2026-Q2:new_business", -320_000)]


def test_a_draft_computed_before_another_approval_must_be_run_again_before_approval(finance):
    finance.ok("payout", "run", "--period", "2026-Q2")
    finance.ok("payout", "run", "--period", "2026-Q3")
    q3_draft = live_runs("2026-Q3")[0]
    finance.ok("payout", "approve", str(live_runs("2026-Q2")[0].id), who="fin2@example.com")
    stale = finance("payout", "approve", str(q3_draft.id), who="fin2@example.com")
    assert stale.exit_code == 2 and "computed before another run was approved" in stale.output
    assert live_runs("2026-Q3")[0].state == "draft"
    output = finance.ok("payout", "run", "--period", "2026-Q3")
    fresh = live_runs("2026-Q3")[0]
    assert f"Replaced draft run #{q3_draft.id}" in output and fresh.basis_runs == str(live_runs("2026-Q2")[0].id)
    assert "Approved" in finance.ok("payout", "approve", str(fresh.id), who="fin2@example.com")


CSM_PLAN = """\
key = "csm"
name = "Customer Success"
currency = "USD"
target_incentive = 10000
tiers = "marginal"

[[component]]
key = "retention"
weight = 1.0
metric = "net_revenue_retention"
book = "renewed"
target = 1.0
window_months = 12
curve = [[0.0, 1.0]]
"""


def test_a_rep_no_longer_on_the_roster_still_gets_the_adjustment_on_a_statement_of_its_own(finance):
    """c1 has no accounts yet: the metric is undefined and pays at attainment 1.0 (10,000 x 1.0 = 10,000.00).
    Q2's roster is corrected to a 12,000 target after approval, and c1 has left by Q3."""
    (finance.plans / "csm.toml").write_text(CSM_PLAN)
    header = "rep_id,name,email,plan,manager_id,target_incentive"
    finance.ok("roster", "import", finance.file("r2.csv", header, [*ROSTER, "c1,Cy Csm,c1@example.com,csm,,"]),
               "--period", "2026-Q2")
    q2 = run_and_approve(finance, "2026-Q2")
    assert totals(q2.id)["c1"] == 1_000_000
    finance.ok("roster", "import", finance.file("r2fix.csv", header, [*ROSTER, "c1,Cy Csm,c1@example.com,csm,,12000"]),
               "--period", "2026-Q2")
    finance.ok("payout", "run", "--period", "2026-Q3")
    q3 = live_runs("2026-Q3")[0]
    # Recomputed 12,000 x 1.0 = 12,000.00; approved 10,000.00 -> +2,000.00 on a statement with no engine part.
    c1 = db.session.scalar(sa.select(RunStatement).where(RunStatement.run_id == q3.id, RunStatement.rep_id == "c1"))
    assert (c1.total_cents, c1.email, c1.currency, c1.detail) == (200_000, "c1@example.com", "USD", "")
    assert statement_of(c1) is None and json.loads(c1.adjustments)[0]["amount"] == "2000.00"
    assert adjustment_lines(q3.id) == [("c1", "adjustment:2026-Q2:retention", 200_000)]


def test_unchanged_inputs_after_an_approval_of_an_earlier_quarter_give_no_adjustment(finance):
    run_and_approve(finance, "2026-Q2")
    finance.ok("payout", "run", "--period", "2026-Q3")
    q3 = live_runs("2026-Q3")[0]
    assert adjustment_lines(q3.id) == [] and q3.basis_fingerprint != ""
    assert f"unchanged: run #{q3.id}" in finance.ok("payout", "run", "--period", "2026-Q3")
