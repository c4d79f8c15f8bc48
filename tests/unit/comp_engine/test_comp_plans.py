"""Plan files: the shipped plans load, and every broken rule is named with its file and key."""
from decimal import Decimal
from pathlib import Path

import pytest

from comp_engine import PlanInvalid, load_plans
from comp_engine.plans import FlatRateComponent, MetricComponent, QuotaComponent
from comp_payout_builders import WORKED_PLAN, plan_text

SHIPPED = Path(__file__).resolve().parents[3] / "plans"


def problems_of(tmp_path: Path, *texts: str) -> list[str]:
    for number, text in enumerate(texts):
        (tmp_path / f"plan{number}.toml").write_text(text, encoding="utf-8")
    with pytest.raises(PlanInvalid) as refused:
        load_plans(tmp_path)
    return [str(problem) for problem in refused.value.problems]


def test_the_shipped_plans_load_with_their_components():
    plans = load_plans(SHIPPED)
    assert set(plans) == {"ae-80-20", "ae-50-50", "csm-retention"}
    ae = plans["ae-80-20"]
    assert [c.key for c in ae.components] == ["new_business", "renewal"]
    assert ae.components[0].weight == Decimal("0.80")
    assert ae.clawback.mode == "linear" and ae.clawback.window_days == 180
    csm = plans["csm-retention"]
    assert {c.book for c in csm.components if isinstance(c, MetricComponent)} == {"renewed"}
    assert sum(c.weight for c in csm.components if isinstance(c, MetricComponent)) == Decimal("0.70")
    assert any(isinstance(c, FlatRateComponent) for c in plans["ae-50-50"].components)


def test_plan_numbers_are_read_exactly_as_written_so_tenths_add_up_to_one(tmp_path):
    # 0.7 + 0.2 + 0.1 is 0.9999999999999999 in floats, exactly 1 as written.
    (tmp_path / "p.toml").write_text(plan_text(components="""
        [[component]]
        key = "a"
        weight = 0.7
        credit = ["new"]
        [[component]]
        key = "b"
        weight = 0.2
        credit = ["renewal"]
        [[component]]
        key = "c"
        weight = 0.1
        credit = ["expansion"]
    """))
    plan = load_plans(tmp_path)["p"]
    assert [c.weight for c in plan.components] == [Decimal("0.7"), Decimal("0.2"), Decimal("0.1")]


def test_defaults_fill_in_what_a_plan_leaves_out(tmp_path):
    (tmp_path / "p.toml").write_text(plan_text(tiers="retroactive", components="""
        [[component]]
        key = "a"
        weight = 0.5
        credit = ["new"]
        [[component]]
        key = "m"
        weight = 0.5
        metric = "logo_retention"
    """))
    plan = load_plans(tmp_path)["p"]
    quota, metric = plan.components
    assert isinstance(quota, QuotaComponent) and quota.tiers == "retroactive"
    assert [(band.start, band.multiplier) for band in quota.curve] == [(0, 1)]
    assert isinstance(metric, MetricComponent)
    assert (metric.book, metric.target, metric.window_months) == ("originated", 1, 12)
    assert plan.clawback.mode == "none"


def test_weights_that_do_not_add_up_to_one_are_refused(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN.replace("weight = 0.20", "weight = 0.10"))
    assert problems == [f"{tmp_path / 'plan0.toml'}, component.weight: weights of quota and metric components add up "
                        "to 0.90 (new_business 0.80 + renewal 0.10), not 1"]


def test_a_curve_that_does_not_start_at_zero_is_refused(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN.replace("[[0.0, 1.0], [1.0, 2.0]]", "[[0.1, 1.0], [1.0, 2.0]]"))
    assert problems == [f"{tmp_path / 'plan0.toml'}, component.new_business.curve: must start at 0.0; "
                        "the first step starts at 0.1"]


@pytest.mark.parametrize("curve", ["[[0.0, 1.0], [1.0, 2.0], [1.0, 3.0]]", "[[0.0, 1.0], [1.5, 2.0], [1.2, 3.0]]"])
def test_a_curve_whose_steps_do_not_strictly_increase_is_refused(tmp_path, curve):
    problems = problems_of(tmp_path, WORKED_PLAN.replace("[[0.0, 1.0], [1.0, 2.0]]", curve))
    assert len(problems) == 1
    assert "component.new_business.curve: steps must start at strictly increasing values" in problems[0]


@pytest.mark.parametrize(("change", "where", "what"), [
    (('tiers = "marginal"', 'tiers = "stepped"'), "tiers", "'stepped' is not one of marginal, retroactive"),
    (('credit = ["new"]', 'credit = ["new", "upsell"]'), "component.new_business.credit", "'upsell' is not a deal type"),
    (("threshold = 0.5", "treshold = 0.5"), "component.new_business.treshold", "is not a plan setting"),
    (("cap = 2.0", "cap = 0"), "component.new_business.cap", "0 must be above 0"),
    (("cap = 2.0", 'cap = "2"'), "component.new_business.cap", "'2' is not a number"),
    (('currency = "USD"', 'currency = "dollars"'), "currency", "not a three-letter ISO currency code"),
    (("target_incentive = 20000", ""), "target_incentive", "is missing"),
    (("weight = 0.80", "weight = 1.5"), "component.new_business.weight", "1.5 is above 1"),
    (("curve = [[0.0, 1.0]]", "curve = [[0.0, -1.0]]"), "component.renewal.curve", "negative multiplier"),
    (("curve = [[0.0, 1.0]]", "curve = [[0.0]]"), "component.renewal.curve", "is not a [from, multiplier] pair"),
])
def test_each_broken_plan_rule_names_the_key_and_what_is_wrong(tmp_path, change, where, what):
    problems = problems_of(tmp_path, WORKED_PLAN.replace(*change))
    assert any(f", {where}: " in problem and what in problem for problem in problems), problems


@pytest.mark.parametrize(("settings", "where", "what"), [
    ('metric = "churn_rate"', "metric", "'churn_rate' is not one of net_revenue_retention"),
    ('metric = "logo_retention"\nbook = "managed"', "book", "'managed' is not one of originated, renewed"),
    ('metric = "logo_retention"\nwindow_months = 0', "window_months", "0 must be a whole number above 0"),
])
def test_a_metric_component_needs_a_known_metric_and_book(tmp_path, settings, where, what):
    text = plan_text(components=f"""
[[component]]
key = "m"
weight = 1.0
{settings}
""")
    problems = problems_of(tmp_path, text)
    assert any(f"component.m.{where}: {what}" in problem for problem in problems), problems


def test_a_clawback_mode_must_be_full_linear_or_none(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN + '\n[clawback]\nwindow_days = 90\nmode = "partial"\n')
    assert problems == [f"{tmp_path / 'plan0.toml'}, clawback.mode: 'partial' is not one of full, linear, none"]


def test_a_modifier_needs_bands_starting_at_zero(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN + """
[[modifier]]
metric = "gross_revenue_retention"
bands = [[0.5, 0.9], [0.95, 1.1]]
""")
    assert problems == [f"{tmp_path / 'plan0.toml'}, modifier[1].bands: must start at 0.0; the first step starts at 0.5"]


def test_a_flat_rate_component_may_not_carry_a_weight(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN + """
[[component]]
key = "spiff"
rate = 0.05
weight = 0.1
credit = ["expansion"]
""")
    assert len(problems) == 1 and "component.spiff.weight: is not a plan setting" in problems[0]


def test_two_files_with_the_same_plan_key_are_refused_naming_both(tmp_path):
    problems = problems_of(tmp_path, WORKED_PLAN, WORKED_PLAN)
    assert problems == [f"{tmp_path / 'plan1.toml'}, key: plan key 'ae-80-20' is also used by {tmp_path / 'plan0.toml'}"]


def test_a_file_that_is_not_toml_is_refused_with_its_line(tmp_path):
    problems = problems_of(tmp_path, 'key = "x"\nname = \n')
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'plan0.toml'}, line 2: is not valid TOML")


def test_every_problem_of_every_plan_file_is_reported_at_once(tmp_path):
    broken = WORKED_PLAN.replace('tiers = "marginal"', 'tiers = "flat"').replace("[[0.0, 1.0]]", "[[1.0, 1.0]]")
    problems = problems_of(tmp_path, broken, WORKED_PLAN.replace('key = "ae-80-20"', 'key = "b"').replace("0.80", "0.7"))
    assert len(problems) == 3
    assert [p.split(",")[0] for p in problems] == [str(tmp_path / "plan0.toml")] * 2 + [str(tmp_path / "plan1.toml")]


def test_a_folder_without_plan_files_is_refused(tmp_path):
    with pytest.raises(PlanInvalid, match="holds no \\*.toml plan file"):
        load_plans(tmp_path)
