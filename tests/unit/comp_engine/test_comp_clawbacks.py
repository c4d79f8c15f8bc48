"""Clawbacks: an early churn takes back what the account's new deal earned in its quarter."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from comp_engine import PayoutInputError
from comp_payout_builders import WORKED_PLAN


def clawback_plan(files, mode="linear", window=180):
    files.plan(WORKED_PLAN + f'\n[clawback]\nwindow_days = {window}\nmode = "{mode}"\n')


def first_quarter(files, mode="linear", window=180, reps=("r1",)):
    """In 2026-Q1, r1 closes D1 (60,000, 2026-02-01, account A1) and D2 (40,000,
    2026-03-01, account A2) against a 100,000 quota: attainment 1.0, new_business pays
    T = 16,000 x 1.0 = 16,000, of which D1 earned 16,000 x 60/100 = 9,600."""
    clawback_plan(files, mode, window)
    for rep in reps:
        files.rep(rep)
        files.quotas(rep, ["2026-Q1", "2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-02-01", account="A1", deal_id="D1")
    files.deal(type="new", amount="40000", date="2026-03-01", account="A2", deal_id="D2")


def test_a_linear_clawback_takes_back_the_share_left_of_the_window(files):
    # churn 2026-05-02 is 90 days after 2026-02-01: (180 - 90) / 180 = 0.5 x 9,600 = -4,800.00
    first_quarter(files)
    files.deal(type="churn", amount="60000", date="2026-05-02", account="A1", deal_id="C1")
    statement = files.run().statement("r1")
    (clawback,) = statement.clawbacks
    assert (clawback.deal_id, clawback.new_close_date, clawback.original_period) == ("D1", date(2026, 2, 1), "2026-Q1")
    assert (clawback.churn_deal_id, clawback.churn_date, clawback.days) == ("C1", date(2026, 5, 2), 90)
    assert clawback.fraction == Fraction(1, 2)
    (part,) = clawback.parts
    assert (part.component, part.component_payout, part.earned) == ("new_business", 16000, 9600)
    assert (part.deal_credited, part.total_credited) == (60000, 100000)
    assert clawback.amount == Decimal("-4800.00")
    assert clawback.rule == (
        "account A1 churned on 2026-05-02, 90 days after deal D1 closed on 2026-02-01 (window 180 days, linear); "
        "in 2026-Q1 the New business line paid 16,000.00 on 100,000.00 credited, 60,000.00 of it from this deal; "
        "linear: (180 − 90) / 180 of it is taken back: "
        "−(180 − 90) / 180 × 16,000.00 × min(1, 60,000.00 / 100,000.00) = −4,800.00")
    assert statement.total == Decimal("-4800.00")


def test_a_full_clawback_takes_back_everything_the_deal_earned(files):
    first_quarter(files, mode="full")
    files.deal(type="churn", amount="60000", date="2026-05-02", account="A1")
    assert files.run().statement("r1").clawbacks[0].amount == Decimal("-9600.00")


def test_a_plan_without_clawback_takes_nothing_back(files):
    first_quarter(files, mode="none")
    files.deal(type="churn", amount="60000", date="2026-05-02", account="A1")
    assert files.run().statement("r1").clawbacks == ()


@pytest.mark.parametrize(("churn_date", "expected"), [
    # 2026-06-30, the quarter's last day, is 149 days after 2026-02-01:
    # (180 - 149) / 180 x 9,600 = 1,653.333... -> -1,653.33
    ("2026-06-30", ["-1653.33"]),
    # 2026-07-30 is 179 days after, inside the window, but in Q3: not this quarter's clawback
    ("2026-07-30", []),
])
def test_only_churns_inside_the_period_claw_back(files, churn_date, expected):
    first_quarter(files)
    files.deal(type="churn", amount="60000", date=churn_date, account="A1")
    assert [str(c.amount) for c in files.run().statement("r1").clawbacks] == expected


@pytest.mark.parametrize(("window", "expected"), [(150, "-64.00"), (149, None)])
def test_a_churn_at_or_after_the_window_end_claws_nothing_back(files, window, expected):
    # churn 2026-06-30 is 149 days after 2026-02-01. window 150: (150 - 149) / 150 x 9,600 = 64.00;
    # window 149: 149 days is not fewer than 149, nothing is taken back.
    first_quarter(files, window=window)
    files.deal(type="churn", amount="60000", date="2026-06-30", account="A1")
    clawbacks = files.run().statement("r1").clawbacks
    assert [str(c.amount) for c in clawbacks] == ([expected] if expected else [])


def test_a_split_new_deal_is_clawed_back_from_each_rep_by_their_own_earnings(files):
    # Q1: D3 (50,000 split r1:60;r2:40) adds 30,000 to r1 (130,000: pays 16,000 x 1.6 = 25,600)
    # and 20,000 to r2 (20,000 of 100,000: attainment 0.2 is below the 0.5 threshold, pays 0).
    # r1's share of D3 earned 25,600 x 30,000 / 130,000 = 5,907.6923...; full clawback -> -5,907.69
    # r2 earned nothing for it -> 0.00
    first_quarter(files, mode="full", reps=("r1", "r2"))
    files.deal(type="new", amount="50000", date="2026-03-15", account="A3", deal_id="D3", split="r1:60;r2:40")
    files.deal(rep="r2", type="churn", amount="50000", date="2026-04-20", account="A3")
    result = files.run()
    assert [(c.deal_id, c.amount) for c in result.statement("r1").clawbacks] == [("D3", Decimal("-5907.69"))]
    assert [(c.deal_id, c.amount) for c in result.statement("r2").clawbacks] == [("D3", Decimal("0.00"))]


def test_a_deal_is_clawed_back_once_even_if_the_account_churns_twice(files):
    first_quarter(files, mode="full")
    files.deal(type="churn", amount="30000", date="2026-04-10", account="A1")
    files.deal(type="churn", amount="30000", date="2026-05-10", account="A1")
    assert len(files.run().statement("r1").clawbacks) == 1


def test_a_deal_that_closes_and_churns_in_the_same_quarter_is_paid_and_clawed_back(files):
    # Q2: new 60,000 on 2026-04-01 of a 100,000 quota pays 16,000 x 0.6 = 9,600; it churns 30 days
    # later: full clawback of 9,600 x 60,000 / 60,000 = -9,600.00; total 0.00
    clawback_plan(files, mode="full")
    files.rep("r1")
    files.quotas("r1", ["2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-04-01", account="A1")
    files.deal(type="churn", amount="60000", date="2026-05-01", account="A1")
    statement = files.run().statement("r1")
    assert statement.components[0].amount == Decimal("9600.00")
    assert statement.clawbacks[0].amount == Decimal("-9600.00")
    assert statement.total == Decimal("0.00")


def test_a_clawback_needs_the_quota_of_the_deals_own_quarter(files):
    clawback_plan(files)
    files.rep("r1")
    files.quotas("r1", ["2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-02-01", account="A1", deal_id="D1")
    files.deal(type="churn", amount="60000", date="2026-05-02", account="A1")
    with pytest.raises(PayoutInputError) as refused:
        files.run()
    assert [str(p) for p in refused.value.problems] == [
        f"{files.quotas_path}, quota: no quota for rep r1, period 2026-Q1, component new_business "
        "(needed to claw back deal D1)"]


def test_the_churned_deals_earnings_are_its_share_of_the_component_not_more(files):
    # Q1 credit: D1 60,000 + D2 40,000 = 100,000 pays 16,000; the renewal component does not
    # credit new deals, so only new_business is clawed back: linear 0.5 x 9,600 = -4,800.00
    first_quarter(files)
    files.deal(type="renewal", amount="50000", date="2026-03-10", account="A9")
    files.deal(type="churn", amount="60000", date="2026-05-02", account="A1")
    (clawback,) = files.run().statement("r1").clawbacks
    assert [part.component for part in clawback.parts] == ["new_business"]
    assert clawback.amount == Decimal("-4800.00")
