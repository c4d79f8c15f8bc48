"""Mid-quarter hires and leavers: target incentive and quotas x f, deals outside the
employment credit nothing to that rep."""
from datetime import date
from decimal import Decimal
from fractions import Fraction

from comp_engine.employment import Employment, days_employed, employed_fraction
from comp_engine.periods import parse_period
from comp_payout_builders import plan_text

ONE_NEW_COMPONENT = """
[[component]]
key = "new_business"
weight = 1.0
credit = ["new"]
curve = [[0.0, 1.0], [1.0, 2.0]]
"""
Q2 = parse_period("2026-Q2")


def marginal_plan(files):
    """The issue's plan: marginal, weight 1.0, curve [[0,1],[1,2]], target incentive 20,000."""
    files.plan(plan_text("m", target_incentive="20000", components=ONE_NEW_COMPONENT))


def test_f_counts_the_days_of_the_quarter_inside_the_employment_both_ends_included():
    # 2026-Q2 = April 30 + May 31 + June 30 = 91 days.
    assert days_employed(Q2, Employment(date(2026, 5, 1), None)) == 61  # May 31 + June 30
    assert days_employed(Q2, Employment(None, date(2026, 4, 1))) == 1
    assert days_employed(Q2, Employment(date(2026, 7, 1), None)) == 0
    assert employed_fraction(Q2, Employment(date(2026, 4, 16), date(2026, 6, 14))) == Fraction(60, 91)
    assert employed_fraction(Q2, Employment(date(2025, 1, 1), date(2027, 1, 1))) == 1


def test_the_issues_worked_example_a_hire_on_may_1st_is_paid_18593_41(files):
    # f = 61/91. T = 20,000 x 61/91, quota = 100,000 x 61/91; the 10,000 deal of 2026-04-20 is before the start.
    # attainment = 80,000 / (100,000 x 61/91) = 1.1934...; pay = T x (1 + 2 x (attainment - 1))
    #            = 2 x T x attainment - T = 2 x 16,000 - 20,000 x 61/91 = 32,000 - 13,406.5934... = 18,593.41
    marginal_plan(files)
    files.rep("hire", plan="m", start_date="2026-05-01")
    files.quota("hire", "2026-Q2", "new_business", "100000")
    files.deal(rep="hire", amount="80000", date="2026-05-10", deal_id="N-80")
    files.deal(rep="hire", amount="10000", date="2026-04-20", deal_id="N-10")
    result = files.run()
    statement = result.statement("hire")
    (line,) = statement.components
    assert line.amount == Decimal("18593.41") and statement.total == Decimal("18593.41")
    assert line.unrounded == 32000 - Fraction(20000 * 61, 91)
    assert (line.credited, line.quota, line.target) == (Decimal("80000.000000"), Decimal("67032.97"), Decimal("13406.59"))
    assert [deal.deal_id for deal in line.deals] == ["N-80"]
    assert line.rule == ("attainment 80,000.00 / (100,000.00 × 61/91) = 1.1934; marginal, each band of attainment at "
                         "its own multiplier: (20,000.00 × 61/91) × (1.0 × 1.0 + 2.0 × (80,000.00 / (100,000.00 × "
                         "61/91) − 1.0)) = 18,593.41")
    assert statement.proration.fraction == Fraction(61, 91) and statement.proration.days_employed == 61
    assert statement.proration_note == ("employed from 2026-05-01: 61 of the 91 days of 2026-Q2, f = 61/91; target "
                                        "incentive x f = 13,406.59; quota New business 67,032.97")
    assert result.notes == ("1 deal credit closed outside the rep's employment dates credits nothing to that rep "
                            "(the rest of a split is unchanged): N-10 (closed 2026-04-20, rep hire, employed from "
                            "2026-05-01).",)


def test_a_leaver_on_june_15th_is_paid_on_76_of_91_days(files):
    # April 30 + May 31 + June 1-15 = 76 days, f = 76/91. T = 20,000 x 76/91, quota = 100,000 x 76/91.
    # The 30,000 deal of 2026-06-20 is after the end date. attainment = 50,000 / (100,000 x 76/91) = 0.5987 < 1:
    # pay = T x attainment = 20,000 x 76/91 x 50,000 x 91 / (100,000 x 76) = 20,000 x 0.5 = 10,000.00
    marginal_plan(files)
    files.rep("gone", plan="m", end_date="2026-06-15")
    files.quota("gone", "2026-Q2", "new_business", "100000")
    files.deal(rep="gone", amount="50000", date="2026-06-01")
    files.deal(rep="gone", amount="30000", date="2026-06-20", deal_id="LATE")
    result = files.run()
    assert result.statement("gone").total == Decimal("10000.00")
    assert result.statement("gone").proration.fraction == Fraction(76, 91)
    assert "LATE (closed 2026-06-20, rep gone, employed until 2026-06-15)" in result.notes[0]


def test_a_rep_who_joins_and_leaves_in_one_quarter_is_paid_on_the_days_between(files):
    # 2026-04-16 to 2026-06-14: April 15 + May 31 + June 14 = 60 days, f = 60/91.
    # Deals on 2026-04-15 and 2026-06-15 are a day outside: not credited. attainment = 40,000 / (100,000 x 60/91)
    # = 0.6067; pay = 20,000 x 60/91 x 40,000 x 91 / (100,000 x 60) = 20,000 x 0.4 = 8,000.00
    marginal_plan(files)
    files.rep("temp", plan="m", start_date="2026-04-16", end_date="2026-06-14")
    files.quota("temp", "2026-Q2", "new_business", "100000")
    files.deal(rep="temp", amount="40000", date="2026-05-05")
    files.deal(rep="temp", amount="9000", date="2026-04-15")
    files.deal(rep="temp", amount="9000", date="2026-06-15")
    statement = files.run().statement("temp")
    assert statement.total == Decimal("8000.00")
    assert (statement.proration.days_employed, statement.proration.fraction) == (60, Fraction(60, 91))
    assert statement.components[0].credited == Decimal("40000.000000")


def test_a_split_deal_before_one_reps_start_credits_only_the_other_rep(files):
    # S-1 (60,000, 2026-04-20) is split old:50;new:50; "new" starts 2026-05-01 so only old is credited, 30,000.
    # old: 30,000 / 100,000 = 0.3 -> 20,000 x 0.3 = 6,000.00 (the same as if new had no share at all).
    # new: f = 61/91; 20,000 / (100,000 x 61/91) -> pay = 20,000 x 61/91 x 20,000 x 91 / 6,100,000 = 4,000.00
    marginal_plan(files)
    files.rep("old", plan="m")
    files.rep("new", plan="m", start_date="2026-05-01")
    files.quotas("old", ["2026-Q2"], new_business="100000")
    files.quotas("new", ["2026-Q2"], new_business="100000")
    files.deal(rep="old", split="old:50;new:50", amount="60000", date="2026-04-20", deal_id="S-1")
    files.deal(rep="new", amount="20000", date="2026-05-10")
    result = files.run()
    assert [(s.rep_id, s.total) for s in result.statements] == [("old", Decimal("6000.00")), ("new", Decimal("4000.00"))]
    assert [(d.deal_id, d.share) for d in result.statement("old").components[0].deals] == [("S-1", Decimal("0.5000"))]
    assert "S-1 (closed 2026-04-20, rep new, employed from 2026-05-01)" in result.notes[0]


def test_a_rep_employed_the_whole_quarter_is_not_prorated_and_has_no_note(files):
    marginal_plan(files)
    files.rep("r1", plan="m", start_date="2026-04-01", end_date="2026-06-30")
    files.quota("r1", "2026-Q2", "new_business", "100000")
    files.deal(rep="r1", amount="50000", date="2026-04-01")
    result = files.run()
    assert result.statement("r1").proration is None and result.notes == ()
    assert result.statement("r1").total == Decimal("10000.00")  # 20,000 x 0.5


def test_a_rep_employed_no_day_of_the_quarter_needs_no_quota_and_earns_nothing(files):
    # Starts 2026-07-01, after 2026-Q2: f = 0/91. No 2026-Q2 quota is needed; the line is 0.00 and says why.
    marginal_plan(files)
    files.rep("later", plan="m", start_date="2026-07-01")
    files.deal(rep="later", amount="5000", date="2026-06-30", deal_id="EARLY")
    statement = files.run().statement("later")
    assert statement.total == Decimal("0.00") and statement.proration.fraction == 0
    assert statement.components[0].rule == ("employed from 2026-07-01, no day of 2026-Q2, so nothing is earned this "
                                           "quarter: 0 = 0.00")


def test_a_draw_is_not_paid_for_a_quarter_the_rep_did_not_work_and_the_balance_stays(files):
    # Left 2026-03-31, still on the roster with a recoverable draw of 5,000 and 1,200 owed: 2026-Q2 earns 0,
    # the draw is 0 for a quarter not worked, so recovery = min(1,200, max(0, 0 - 0)) = 0 and advance = 0.
    # (The rep's one deal closed in 2026-Q1, while employed: a deals file must hold a deal, and it pays nothing in Q2.)
    marginal_plan(files)
    files.rep("gone", plan="m", end_date="2026-03-31", draw="5000", draw_balance="1200")
    files.deal(rep="gone", amount="10000", date="2026-02-10")
    statement = files.run().statement("gone")
    assert (statement.total, statement.draw_balance) == (Decimal("0.00"), Decimal("1200.00"))
