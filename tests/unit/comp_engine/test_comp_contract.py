"""The settled payout contract (issue 12), one hand-computed case per rule.

1. A churn claws back the account's latest `new` deal on or before it; a same-day new
   deal counts as before the churn whatever the file order; only the first churn after
   the new deal claws it back.
2. A clawback takes the *rounded line paid* x min(1, deal credit / total credit).
3. Modifiers apply to the sum of the rounded component lines.
4. The originated book follows the latest `new` deal on or before the period end.
5. ARR never goes negative.
"""
from decimal import Decimal
from fractions import Fraction

import pytest

from comp_engine import PayoutInputError
from comp_payout_builders import ONE_QUOTA_COMPONENT, WORKED_PLAN, plan_text

FULL_CLAWBACK = '\n[clawback]\nwindow_days = 180\nmode = "full"\n'
LINEAR_CLAWBACK = '\n[clawback]\nwindow_days = 180\nmode = "linear"\n'
NEW_ONLY = """
[[component]]
key = "new_business"
weight = 1.0
credit = ["new"]
curve = [[0.0, 1.0]]
"""


def refusals(files, period="2026-Q2"):
    with pytest.raises(PayoutInputError) as refused:
        files.run(period)
    return [str(problem) for problem in refused.value.problems]


# -- rule 1: which new deal a churn claws back -----------------------------------------------------

@pytest.mark.parametrize("churn_first", [False, True])
def test_a_same_day_churn_claws_back_the_new_deal_whatever_the_file_order(files, churn_first):
    # 2026-05-10: A1 signs for 60,000 and churns that same day (0 days: inside the 180-day window).
    # new_business: 60,000.00 / 100,000.00 = 0.6 -> 16,000.00 x (1.0 x 0.6) = 9,600.00
    # clawback, full: 9,600.00 x min(1, 60,000.00 / 60,000.00) = 9,600.00 -> -9,600.00; total 0.00
    files.plan(WORKED_PLAN + FULL_CLAWBACK)
    files.rep("r1")
    files.quotas("r1", ["2026-Q2"], new_business="100000", renewal="50000")
    rows = [dict(type="new", amount="60000", date="2026-05-10", account="A1", deal_id="N1"),
            dict(type="churn", amount="60000", date="2026-05-10", account="A1", deal_id="C1")]
    for row in (reversed(rows) if churn_first else rows):
        files.deal(**row)
    statement = files.run().statement("r1")
    (clawback,) = statement.clawbacks
    assert (clawback.deal_id, clawback.churn_deal_id, clawback.days) == ("N1", "C1", 0)
    assert statement.components[0].amount == Decimal("9600.00")
    assert clawback.amount == Decimal("-9600.00")
    assert statement.total == Decimal("0.00")


def test_a_second_churn_row_of_the_account_claws_nothing_again(files):
    # Q1: D1 60,000 (A1, 2026-02-01) + D2 40,000 (A2) = 100,000.00 / 100,000.00 -> 16,000.00 x 1.0 = 16,000.00
    # A1 churns 30,000 on 2026-04-10 (68 days: 28 in Feb + 31 in Mar + 9) and 30,000 on 2026-05-10.
    # Only the first churn claws back, linear: (180 - 68) / 180 x 16,000.00 x min(1, 60,000.00 / 100,000.00)
    #   = 112 / 180 x 9,600.00 = 5,973.333... -> -5,973.33
    files.plan(WORKED_PLAN + LINEAR_CLAWBACK)
    files.rep("r1")
    files.quotas("r1", ["2026-Q1", "2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-02-01", account="A1", deal_id="D1")
    files.deal(type="new", amount="40000", date="2026-03-01", account="A2", deal_id="D2")
    files.deal(type="churn", amount="30000", date="2026-04-10", account="A1", deal_id="C1")
    files.deal(type="churn", amount="30000", date="2026-05-10", account="A1", deal_id="C2")
    (clawback,) = files.run().statement("r1").clawbacks
    assert (clawback.deal_id, clawback.churn_deal_id, clawback.days) == ("D1", "C1", 68)
    assert clawback.amount == Decimal("-5973.33")
    assert clawback.rule.endswith("−(180 − 68) / 180 × 16,000.00 × min(1, 60,000.00 / 100,000.00) = −5,973.33")


def test_a_churn_claws_back_the_latest_new_deal_of_a_re_won_account(files):
    # A1: r1's new deal 2025-12-01 churned 2026-01-05 (Q1); won back by r1 on 2026-03-01 (D3, 50,000), churned again
    # on 2026-04-30: 60 days after D3 (31 days of March + 29), so it claws back D3, the latest new deal, not D1.
    # Q1 new_business: D3 50,000 + D4 50,000 = 100,000.00 / 100,000.00 -> 16,000.00; D3's share 50/100.
    # full: 16,000.00 x min(1, 50,000.00 / 100,000.00) = 8,000.00 -> -8,000.00
    files.plan(WORKED_PLAN + FULL_CLAWBACK)
    files.rep("r1")
    files.quotas("r1", ["2025-Q4", "2026-Q1", "2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="40000", date="2025-12-01", account="A1", deal_id="D1")
    files.deal(type="churn", amount="40000", date="2026-01-05", account="A1", deal_id="C0")
    files.deal(type="new", amount="50000", date="2026-03-01", account="A1", deal_id="D3")
    files.deal(type="new", amount="50000", date="2026-03-02", account="A2", deal_id="D4")
    files.deal(type="churn", amount="50000", date="2026-04-30", account="A1", deal_id="C1")
    (clawback,) = files.run().statement("r1").clawbacks
    assert (clawback.deal_id, clawback.churn_deal_id, clawback.days, clawback.original_period) == (
        "D3", "C1", 60, "2026-Q1")
    assert clawback.amount == Decimal("-8000.00")


# -- rule 2: what a clawback takes -------------------------------------------------------------------

def test_a_deal_credited_more_than_the_components_total_takes_back_at_most_the_line(files):
    # bookings credits every type. Q1: D1 new 60,000 (A1) and a churn of A9 (30,000, signed 2025) -> 30,000.00 credited
    # of a 20,000.00 quota: 10,000.00 x (1.0 x 30,000.00 / 20,000.00) = 15,000.00.
    # A1 churns 2026-04-01, 59 days after 2026-02-01; full clawback:
    # 15,000.00 x min(1, 60,000.00 / 30,000.00) = 15,000.00 x 1 = 15,000.00 -> -15,000.00 (not 30,000.00).
    # Q2 bookings: -60,000.00 credited -> attainment -3.0, pays 0.00. Total -15,000.00.
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT, extra=FULL_CLAWBACK))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2025-Q1", "2026-Q1", "2026-Q2"], bookings="20000")
    files.deal(type="new", amount="30000", date="2025-01-10", account="A9", deal_id="OLD")
    files.deal(type="new", amount="60000", date="2026-02-01", account="A1", deal_id="D1")
    files.deal(type="churn", amount="30000", date="2026-02-15", account="A9", deal_id="C9")
    files.deal(type="churn", amount="60000", date="2026-04-01", account="A1", deal_id="C1")
    statement = files.run().statement("r1")
    (clawback,) = statement.clawbacks
    (part,) = clawback.parts
    assert (part.component_payout, part.deal_credited, part.total_credited) == (15000, 60000, 30000)
    assert clawback.amount == Decimal("-15000.00")
    assert "the deal is more than the credit in total, so at most the whole line" in clawback.rule
    assert statement.total == Decimal("-15000.00")


def test_a_clawback_takes_its_share_of_the_rounded_line_paid(files):
    # Q1: D1 50,000.25 + D2 50,000.25 = 100,000.50 of a 1,000,000.00 quota:
    # 10,000.00 x (1.0 x 100,000.50 / 1,000,000.00) = 1,000.005 -> the line paid 1,000.01.
    # A1 churns 2026-04-15, 73 days after D1; full clawback of D1:
    # 1,000.01 x min(1, 50,000.25 / 100,000.50) = 500.005 -> -500.01
    # (the unrounded 1,000.005 x 1/2 = 500.0025 would have taken -500.00).
    files.plan(plan_text(components=NEW_ONLY, extra=FULL_CLAWBACK))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q1", "2026-Q2"], new_business="1000000")
    files.deal(type="new", amount="50000.25", date="2026-02-01", account="A1", deal_id="D1")
    files.deal(type="new", amount="50000.25", date="2026-03-01", account="A2", deal_id="D2")
    files.deal(type="churn", amount="50000.25", date="2026-04-15", account="A1", deal_id="C1")
    assert files.run("2026-Q1").statement("r1").components[0].amount == Decimal("1000.01")
    (clawback,) = files.run_as_written("2026-Q2").statement("r1").clawbacks
    assert clawback.parts[0].component_payout == Fraction("1000.01")
    assert clawback.amount == Decimal("-500.01")
    assert clawback.rule.endswith(": −1,000.01 × min(1, 50,000.25 / 100,000.50) = −500.01")


# -- rule 3: modifiers on the printed sum ------------------------------------------------------------

def test_a_modifier_applies_to_the_sum_of_the_rounded_component_lines(files):
    # a: 10,000.00 x (1.0 x 100,000.40 / 1,000,000.00) = 1,000.004 -> 1,000.00; b the same on expansions.
    # logo retention of r1's originated book = 1.0 (OLD still pays) -> band from 1.0, multiplier 2.0:
    # (2.0 - 1) x (1,000.00 + 1,000.00) = 2,000.00 (the unrounded 2,000.008 would have paid 2,000.01).
    # total 1,000.00 + 1,000.00 + 2,000.00 = 4,000.00
    files.plan(plan_text(target_incentive="20000", components="""
        [[component]]
        key = "a"
        weight = 0.5
        credit = ["new"]
        [[component]]
        key = "b"
        weight = 0.5
        credit = ["expansion"]
        [[modifier]]
        metric = "logo_retention"
        bands = [[0.0, 1.0], [1.0, 2.0]]
        """))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q2"], a="1000000", b="1000000")
    files.deal(type="new", amount="50000", date="2025-04-01", account="OLD")
    files.deal(type="new", amount="100000.40", date="2026-05-01", account="A1")
    files.deal(type="expansion", amount="100000.40", date="2026-05-02", account="OLD")
    statement = files.run().statement("r1")
    assert [line.amount for line in statement.components] == [Decimal("1000.00"), Decimal("1000.00")]
    (modifier,) = statement.modifiers
    assert modifier.base == 2000
    assert modifier.amount == Decimal("2000.00")
    assert modifier.rule.endswith(": (2.0 − 1) × (1,000.00 + 1,000.00) = 2,000.00")
    assert statement.total == Decimal("4000.00")


# -- rule 4: the originated book --------------------------------------------------------------------

NRR_COMPONENT = """
[[component]]
key = "nrr"
weight = 1.0
metric = "net_revenue_retention"
book = "originated"
window_months = 12
"""


def test_a_re_won_account_is_in_the_book_of_the_rep_of_its_latest_new_deal_by_share(files):
    # E = 2026-06-30, S = 2025-06-30. A: r1's new 2025-01-10 (60,000), churned 2025-03-01, re-won on 2025-05-01
    # (80,000) split r2:75;r3:25 -> A is in r2's book at 0.75 and r3's at 0.25, not in r1's.
    # B: r1 alone, 40,000 on 2025-02-01, expanded by 10,000 on 2026-01-10.
    # r1: NRR = 50,000 / 40,000 = 1.25 (with A wrongly in it: 130,000 / 120,000).
    # r2: NRR = 0.75 x 80,000 / (0.75 x 80,000) = 60,000 / 60,000 = 1.0; r3 likewise 20,000 / 20,000.
    files.plan(plan_text(components=NRR_COMPONENT))
    for rep in ("r1", "r2", "r3"):
        files.rep(rep, plan="p")
    files.deal(rep="r1", type="new", amount="60000", date="2025-01-10", account="A")
    files.deal(rep="r1", type="churn", amount="60000", date="2025-03-01", account="A")
    files.deal(rep="r2", type="new", amount="80000", date="2025-05-01", account="A", split="r2:75;r3:25")
    files.deal(rep="r1", type="new", amount="40000", date="2025-02-01", account="B")
    files.deal(rep="r1", type="expansion", amount="10000", date="2026-01-10", account="B")
    result = files.run()
    metric = {rep: result.statement(rep).components[0].metric for rep in ("r1", "r2", "r3")}
    assert (metric["r1"].numerator, metric["r1"].denominator, metric["r1"].value) == (50000, 40000, Fraction(5, 4))
    assert (metric["r2"].numerator, metric["r2"].denominator, metric["r2"].value) == (60000, 60000, 1)
    assert (metric["r3"].numerator, metric["r3"].denominator) == (20000, 20000)
    assert [(a.account_id, a.share) for a in metric["r2"].cohort] == [("A", Decimal("0.75"))]
    assert [(a.account_id, a.arr_start, a.arr_end) for a in metric["r1"].cohort] == [("B", 40000, 50000)]


# -- rule 5: ARR never goes negative -----------------------------------------------------------------

def test_a_contraction_larger_than_the_accounts_arr_is_refused_naming_the_arr_it_would_leave(files):
    # A1 pays 10,000 from 2026-01-10; a contraction of 15,000 on 2026-04-10 would leave 10,000 - 15,000 = -5,000.00
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q2"], bookings="1000")
    files.deal(type="new", amount="10000", date="2026-01-10", account="A1")
    files.deal(type="contraction", amount="15000", date="2026-04-10", account="A1")
    assert refusals(files) == [
        f"{files.deals_path}, line 3, amount: this contraction of 15,000.00 is larger than the ARR of account A1 on "
        "2026-04-10 (10,000.00): it would leave ARR of −5,000.00; ARR never goes negative, so check the amount, the "
        "type and the account's earlier deals"]


def test_a_churn_of_an_account_with_no_arr_is_refused_and_so_is_a_churn_after_the_account_left(files):
    # A2 never had ARR: churning 5,000 would leave 0 - 5,000 = -5,000.00.
    # A3 paid 7,000 and churned 7,000 on 2026-04-02 (ARR 0.00); a second churn of 7,000 would leave -7,000.00.
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q2"], bookings="1000")
    files.deal(type="churn", amount="5000", date="2026-04-10", account="A2")
    files.deal(type="new", amount="7000", date="2026-01-10", account="A3")
    files.deal(type="churn", amount="7000", date="2026-04-02", account="A3")
    files.deal(type="churn", amount="7000", date="2026-05-02", account="A3")
    assert [problem.split(": ", 1)[1] for problem in refusals(files)] == [
        "account A2 has no ARR on 2026-04-10 (0.00), so it cannot churn: this churn of 5,000.00 would leave ARR of "
        "−5,000.00; ARR never goes negative, so check the amount, the type and the account's earlier deals",
        "account A3 has no ARR on 2026-05-02 (0.00), so it cannot churn: this churn of 7,000.00 would leave ARR of "
        "−7,000.00; ARR never goes negative, so check the amount, the type and the account's earlier deals"]
    assert refusals(files)[1].startswith(f"{files.deals_path}, line 5, amount")


def test_shrinking_an_account_to_exactly_nothing_is_accepted(files):
    # 10,000 - 4,000 (contraction) - 6,000 (churn) = 0.00: never below 0
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q2"], bookings="1000")
    files.deal(type="new", amount="10000", date="2026-01-10", account="A1")
    files.deal(type="contraction", amount="4000", date="2026-04-10", account="A1")
    files.deal(type="churn", amount="6000", date="2026-04-10", account="A1")
    assert files.run().statement("r1").components[0].credited == Decimal("-10000")
