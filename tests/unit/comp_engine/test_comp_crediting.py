"""Crediting: deals closed in the quarter, credited at amount x share, signed by type."""
from decimal import Decimal

from comp_payout_builders import ONE_QUOTA_COMPONENT, WORKED_PLAN, plan_text, worked_example


def test_the_worked_example_pays_25600_plus_3600(files):
    # new_business: credited 60,000 + 70,000 = 130,000; attainment 130,000 / 100,000 = 1.3;
    #   T = 20,000 x 0.80 = 16,000; marginal 16,000 x (1.0 x 1.0 + 2.0 x 0.3) = 25,600.00
    # renewal: credited 45,000; attainment 0.9; T = 4,000; 4,000 x 1.0 x 0.9 = 3,600.00
    # total 25,600.00 + 3,600.00 = 29,200.00
    statement = worked_example(files).run().statement("r1")
    new_business, renewal = statement.components
    assert (new_business.credited, new_business.quota, new_business.attainment) == (130000, 100000, Decimal("1.3"))
    assert new_business.target == Decimal("16000")
    assert new_business.amount == Decimal("25600.00")
    assert new_business.rule == (
        "attainment 130,000.00 / 100,000.00 = 1.3; marginal, each band of attainment at its own multiplier: "
        "16,000.00 × (1.0 × 1.0 + 2.0 × (130,000.00 − 100,000.00) / 100,000.00) = 25,600.00")
    assert renewal.amount == Decimal("3600.00")
    assert statement.total == Decimal("29200.00")


def test_each_line_lists_the_deals_behind_it_with_the_reps_share(files):
    worked_example(files)
    result = files.run()
    new_business, renewal = result.statement("r1").components
    assert [(d.deal_id, d.type, str(d.amount), str(d.share), str(d.credited)) for d in new_business.deals] == [
        ("D1", "new", "60000.00", "1.0000", "60000.000000"),
        ("D2", "new", "70000.00", "1.0000", "70000.000000"),
    ]
    assert [d.deal_id for d in renewal.deals] == ["D3"]
    assert sum(d.credited for d in new_business.deals) == new_business.credited


def test_a_split_deal_is_credited_to_each_rep_at_their_share(files):
    # 100,000 split 60/40: r1 credited 60,000 (attainment 0.6), r2 40,000 (0.4)
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    for rep in ("r1", "r2"):
        files.rep(rep, plan="p")
        files.quota(rep, "2026-Q2", "bookings", "100000")
    files.deal(rep="r1", amount="100000", split="r1:60;r2:40")
    r1, r2 = files.run().statements
    assert (r1.components[0].credited, r2.components[0].credited) == (60000, 40000)
    assert r1.components[0].deals[0].share == Decimal("0.6")
    # T = 10,000: r1 pays 10,000 x 0.6 = 6,000.00, r2 10,000 x 0.4 = 4,000.00
    assert (r1.total, r2.total) == (Decimal("6000.00"), Decimal("4000.00"))


def test_only_deals_closed_between_the_quarters_first_and_last_day_are_credited(files):
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    files.rep("r1", plan="p")
    files.quota("r1", "2026-Q2", "bookings", "1000")
    files.deal(amount="1", date="2026-03-31")  # Q1: not credited
    files.deal(amount="10", date="2026-04-01")  # first day: credited
    files.deal(amount="100", date="2026-06-30")  # last day: credited
    files.deal(amount="1000", date="2026-07-01")  # Q3: not credited
    line = files.run().statement("r1").components[0]
    assert line.credited == Decimal("110")
    assert [d.deal_id for d in line.deals] == ["D2", "D3"]


def test_contraction_and_churn_count_negative_in_a_component_that_lists_them(files):
    # 50,000 renewal - 5,000 contraction - 10,000 churn = 35,000 credited; attainment 0.35 of 100,000;
    # T = 10,000 x 1.0; pays 10,000 x 0.35 = 3,500.00
    files.plan(plan_text(components=ONE_QUOTA_COMPONENT))
    files.rep("r1", plan="p")
    files.quota("r1", "2026-Q2", "bookings", "100000")
    files.deal(type="new", amount="60000", date="2025-01-10", account="A1")  # 2025: not credited in 2026-Q2
    files.deal(type="renewal", amount="50000", account="A1")
    files.deal(type="contraction", amount="5000", account="A1")
    files.deal(type="churn", amount="10000", account="A1")
    line = files.run().statement("r1").components[0]
    assert line.credited == Decimal("35000")
    assert [str(d.credited) for d in line.deals] == ["50000.000000", "-5000.000000", "-10000.000000"]
    assert [d.deal_id for d in line.deals] == ["D2", "D3", "D4"]
    assert line.amount == Decimal("3500.00")


def test_a_deal_type_a_component_does_not_list_is_not_credited_to_it(files):
    worked_example(files)
    # account OLD pays 200,000 from 2025 (before the quarter: credits nothing in 2026-Q2)
    files.deal(type="new", amount="200000", date="2025-01-10", account="OLD")
    files.deal(type="churn", amount="99999", account="OLD")
    files.deal(type="contraction", amount="99999", account="OLD")
    assert files.run().statement("r1").total == 29200


def test_a_roster_target_incentive_replaces_the_plans(files):
    # T = 30,000 x 0.80 = 24,000; 24,000 x (1.0 + 2.0 x 0.3) = 38,400.00
    # T = 30,000 x 0.20 = 6,000; 6,000 x 0.9 = 5,400.00
    worked_example(files)
    files.roster_rows[0]["target_incentive"] = "30000"
    statement = files.run().statement("r1")
    assert [line.amount for line in statement.components] == [Decimal("38400.00"), Decimal("5400.00")]
    assert statement.target_incentive == Decimal("30000.00")


def test_a_rep_without_deals_is_paid_nothing_but_still_has_a_statement(files):
    worked_example(files)
    files.rep("r2")
    files.quotas("r2", ["2026-Q2"], new_business="100000", renewal="50000")
    statement = files.run().statement("r2")
    assert [line.amount for line in statement.components] == [0, 0]
    assert statement.components[0].rule == ("attainment 0.00 / 100,000.00 = 0.0; attainment 0.0 is not above 0, "
                                            "so it pays nothing: 0 × 16,000.00 = 0.00")
    assert str(statement.total) == "0.00"


def test_a_flat_rate_component_pays_rate_times_credited(files):
    # spiff 5% of expansion 12,000 = 600.00; expansion also counts in renewal:
    # renewal credited 45,000 + 12,000 = 57,000, attainment 1.14 -> 4,000 x 1.14 = 4,560.00
    worked_example(files)
    files.plan(WORKED_PLAN + '\n[[component]]\nkey = "spiff"\nrate = 0.05\ncredit = ["expansion"]\n')
    files.deal(type="expansion", amount="12000")
    statement = files.run().statement("r1")
    assert [(line.component, line.amount) for line in statement.components] == [
        ("new_business", Decimal("25600.00")), ("renewal", Decimal("4560.00")), ("spiff", Decimal("600.00"))]
    assert statement.components[2].rule == "flat rate on the credited amount: 0.05 × 12,000.00 = 600.00"
    assert statement.total == Decimal("30760.00")


def test_a_component_may_use_other_tiers_than_its_plan(files):
    # new_business switched to retroactive: 16,000 x 1.3 x 2.0 = 41,600, capped at 2.0 x 16,000 = 32,000.00
    # renewal keeps the plan's marginal tiers: 3,600.00; total 35,600.00
    worked_example(files)
    files.plan(WORKED_PLAN.replace('key = "new_business"', 'key = "new_business"\ntiers = "retroactive"'))
    statement = files.run().statement("r1")
    new_business = statement.components[0]
    assert new_business.tiers == "retroactive"
    assert new_business.rule.endswith(
        "16,000.00 × 130,000.00 / 100,000.00 × 2.0 = 41,600.00 is above the cap of 2.0 × T, so it pays the cap: "
        "2.0 × 16,000.00 = 32,000.00")
    assert [line.amount for line in statement.components] == [Decimal("32000.00"), Decimal("3600.00")]
    assert statement.total == Decimal("35600.00")
