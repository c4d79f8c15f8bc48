"""Revenue metrics on a small hand-made ledger; every value is worked out in a comment.

Accounts and ARR (renewals do not move ARR):
  A1: D1 new 1,000 (r1, 2025-01-10, marketing), D4 expansion 200 (2025-06-01), D8 renewal (2026-01-10)
  A2: D2 new 2,000 (split r1 50 / r2 50, 2025-02-10, sales), D5 contraction 400 (2025-07-01)
  A3: D3 new 500 (r3, 2025-03-01, marketing), D6 churn 500 (2025-08-01)
  A4: D7 new 3,000 (r1, 2026-01-15, marketing)
  A5: D9 new 800 (r5, a new hire, 2026-02-02)
Measured on E = 2026-03-31 with a 12-month window: S = 2025-03-31.
  ARR(S): A1 1,000, A2 2,000, A3 500, A4 0, A5 0.   ARR(E): A1 1,200, A2 1,600, A3 0, A4 3,000, A5 800.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest

from comp_engine.revenue import MetricUnknown, measure, parse_metric, read_ledger, still_live

DEALS = b"""deal_id,account_id,rep_id,type,amount,close_date,split,source
D1,A1,r1,new,1000,2025-01-10,,Marketing
D2,A2,r2,new,2000,2025-02-10,r1:50;r2:50,sales
D3,A3,r3,new,500,2025-03-01,,marketing
D4,A1,r1,expansion,200,2025-06-01,,
D5,A2,r2,contraction,400,2025-07-01,,
D6,A3,r3,churn,500,2025-08-01,,
D7,A4,r1,new,3000,2026-01-15,,marketing
D8,A1,r1,renewal,1200,2026-01-10,,
D9,A5,r5,new,800,2026-02-02,,sales
"""
E = date(2026, 3, 31)
YEAR_2025 = (date(2025, 1, 1), date(2025, 12, 31))


@pytest.fixture(scope="module")
def ledger():
    ledger, problems = read_ledger(DEALS, "deals.csv")
    assert problems == [] and ledger is not None
    return ledger


def value(ledger, metric, scope, start=YEAR_2025[0], on=YEAR_2025[1]):
    reps = None if scope is None else ledger.reps(scope)
    return measure(ledger, parse_metric(metric), reps, start, on).value


def test_company_flows_sum_every_deal_at_its_full_amount(ledger):
    # 2025: new 1,000 + 2,000 + 500 = 3,500; expansion 200; churn 500;
    # net new = 3,500 + 200 - 400 (contraction) - 500 = 2,800
    assert value(ledger, "new_arr", None) == 3500
    assert value(ledger, "expansion_arr", None) == 200
    assert value(ledger, "churned_arr", None) == 500
    assert value(ledger, "net_new_arr", None) == 2800


def test_person_flows_count_their_share_of_a_split_deal(ledger):
    # r1: D1 1,000 + half of D2 2,000 = 2,000; r2: half of D2 = 1,000, minus its contraction 400 -> net 600
    assert value(ledger, "new_arr", ["r1"]) == 2000
    assert value(ledger, "new_arr", ["r2"]) == 1000
    assert value(ledger, "net_new_arr", ["r2"]) == 600


def test_a_deal_split_across_two_teams_is_counted_once_in_total(ledger):
    # team X = {r1}: 2,000; team Y = {r2, r3}: 1,000 + 500 = 1,500; together 3,500 = the company's new ARR
    team_x, team_y = value(ledger, "new_arr", ["r1"]), value(ledger, "new_arr", ["r2", "r3"])
    assert (team_x, team_y) == (2000, 1500)
    assert team_x + team_y == value(ledger, "new_arr", None)


def test_sourced_new_arr_reads_the_source_column_whatever_its_case(ledger):
    # marketing in 2025: D1 1,000 + D3 500 = 1,500 (D1 is written "Marketing"); r1's: D1 = 1,000
    assert value(ledger, "sourced_new_arr:marketing", None) == 1500
    assert value(ledger, "sourced_new_arr:marketing", ["r1"]) == 1000
    assert value(ledger, "sourced_new_arr:partner", None) == 0


def test_company_retention_over_every_account_paying_at_the_window_start(ledger):
    # cohort A1, A2, A3: ARR(S) = 1,000 + 2,000 + 500 = 3,500
    # NRR = (1,200 + 1,600 + 0) / 3,500 = 0.80; GRR = (1,000 + 1,600 + 0) / 3,500 = 0.7428...; logos 2 / 3
    nrr = measure(ledger, parse_metric("net_revenue_retention"), None, E, E)
    assert nrr.value == Fraction(2800, 3500)
    assert nrr.explanation == ("NRR = ARR on 2026-03-31 / ARR on 2025-03-31 over 3 accounts = 2,800 / 3,500 = 0.80")
    assert nrr.number == 0.8
    assert value(ledger, "gross_revenue_retention", None, E, E) == Fraction(2600, 3500)
    assert value(ledger, "logo_retention", None, E, E) == Fraction(2, 3)


def test_person_retention_is_their_originated_book_weighted_by_share(ledger):
    # r1's book: A1 (weight 1), A2 (weight 0.5), A4 (not paying at S)
    # NRR = (1,200 + 0.5 x 1,600) / (1,000 + 0.5 x 2,000) = 2,000 / 2,000 = 1.00
    # GRR = (1,000 + 0.5 x 1,600) / 2,000 = 0.90; logos (1 + 0.5) / 1.5 = 1
    assert value(ledger, "net_revenue_retention", ["r1"], E, E) == 1
    assert value(ledger, "gross_revenue_retention", ["r1"], E, E) == Fraction(9, 10)
    assert value(ledger, "logo_retention", ["r1"], E, E) == 1
    # r3's book: A3, churned: NRR 0 / 500 = 0
    assert value(ledger, "net_revenue_retention", ["r3"], E, E) == 0


def test_team_retention_adds_the_members_shares_of_a_split_account(ledger):
    # team {r1, r2}: A1 weight 1, A2 weight 0.5 + 0.5 = 1: NRR = (1,200 + 1,600) / (1,000 + 2,000) = 0.9333
    result = measure(ledger, parse_metric("net_revenue_retention"), ledger.reps(["r1", "r2"]), E, E)
    assert result.value == Fraction(2800, 3000)
    assert result.count == 2
    assert "= 2,800 / 3,000 = 0.93" in result.explanation


def test_a_new_hire_with_an_empty_cohort_has_no_value_not_zero(ledger):
    # r5 sold A5 on 2026-02-02: nothing of theirs paid on 2025-03-31
    result = measure(ledger, parse_metric("net_revenue_retention"), ledger.reps(["r5"]), E, E)
    assert result.value is None and result.number is None
    assert result.explanation.startswith("no cohort yet")


def test_sourced_retained_arr_counts_deals_reaching_their_12_month_mark_in_the_window(ledger):
    # marks inside (2025-03-31, 2026-03-31]: D1 (mark 2026-01-10; A1's ARR then 1,200 -> kept min(1,000, 1,200) = 1,000)
    # and D3 (mark 2026-03-01; A3's ARR then 0 -> kept 0). D7 (2026) is not due yet.
    result = measure(ledger, parse_metric("sourced_retained_arr:marketing"), None, E, E)
    assert (result.value, result.denominator, result.count) == (1000, 1500, 2)


def test_unknown_metrics_are_refused_with_the_list():
    with pytest.raises(MetricUnknown, match="not a revenue metric"):
        parse_metric("bookings")
    with pytest.raises(MetricUnknown, match="names a deals source"):
        parse_metric("sourced_new_arr")


def test_still_live_counts_each_new_deal_at_most_at_its_accounts_arr_that_day(ledger):
    # marketing new deals of 2025: D1 1,000 (A1 at 1,200 on 2025-12-31 -> 1,000) and D3 500 (A3 churned -> 0)
    result = still_live(
        ledger, None, date(2025, 1, 1), date(2025, 12, 31), "marketing")
    assert (result.value, result.denominator) == (1000, 1500)
    assert "1,000 of 1,500" in result.explanation
