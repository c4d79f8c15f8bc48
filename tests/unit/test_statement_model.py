"""The stored statement dict: JSON-safe, exact, and a lossless round trip of every field."""
from __future__ import annotations

import dataclasses
import json
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comp_engine import run_payout
from comp_engine.result import (ClawbackLine, ClawbackPart, ComponentLine, DealCredit, MetricValue, ModifierLine,
                                RepStatement)
from reports.statement_model import (FORMAT, StatementFormatError, statement_from_dict, statement_to_dict,
                                     statements_to_dicts)

ROOT = Path(__file__).resolve().parents[2]

CENTS = st.integers(min_value=-10**14, max_value=10**14)
MONEY = CENTS.map(lambda cents: Decimal(cents).scaleb(-2))
CREDIT = st.integers(min_value=-10**18, max_value=10**18).map(lambda units: Decimal(units).scaleb(-6))
RATIO = st.fractions(min_value=-1000, max_value=1000, max_denominator=10**9)
DAY = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
TEXT = st.text(min_size=1, max_size=8)
DEAL = st.builds(DealCredit, deal_id=TEXT, account_id=TEXT,
                 type=st.sampled_from(["new", "expansion", "renewal", "contraction", "churn"]), close_date=DAY,
                 amount_cents=st.integers(min_value=0, max_value=10**14),
                 share_units=st.integers(min_value=1, max_value=10_000))
METRIC = st.builds(MetricValue, metric=st.sampled_from(["net_revenue_retention", "logo_retention"]),
                   book=st.sampled_from(["originated", "renewed"]), window_start=DAY, window_end=DAY,
                   cohort_accounts=st.integers(min_value=0, max_value=10**6), numerator=CREDIT, denominator=CREDIT,
                   value=st.none() | RATIO, undefined_reason=st.none() | TEXT)
COMPONENT = st.builds(ComponentLine, component=TEXT, kind=st.sampled_from(["quota", "metric", "flat_rate"]),
                      credit_types=st.lists(st.sampled_from(["new", "renewal", "churn"]), max_size=3).map(tuple),
                      credited=st.none() | CREDIT, quota=st.none() | MONEY, attainment=st.none() | RATIO,
                      target=st.none() | MONEY, rate=st.none() | MONEY, tiers=st.none() | st.just("marginal"),
                      metric=st.none() | METRIC, unrounded=RATIO, amount=MONEY, rule=TEXT,
                      deals=st.lists(DEAL, max_size=2).map(tuple))
MODIFIER = st.builds(ModifierLine, metric=METRIC, band_start=st.none() | MONEY, multiplier=MONEY, base=RATIO,
                     unrounded=RATIO, amount=MONEY, rule=TEXT)
PART = st.builds(ClawbackPart, component=TEXT, component_payout=RATIO, deal_credited=CREDIT, total_credited=CREDIT,
                 earned=RATIO)
CLAWBACK = st.builds(ClawbackLine, deal_id=TEXT, account_id=TEXT, new_close_date=DAY, original_period=TEXT,
                     churn_deal_id=TEXT, churn_date=DAY, days=st.integers(min_value=0, max_value=10_000),
                     window_days=st.integers(min_value=1, max_value=10_000), mode=st.sampled_from(["full", "linear"]),
                     fraction=RATIO, parts=st.lists(PART, max_size=2).map(tuple), unrounded=RATIO, amount=MONEY,
                     rule=TEXT)
STATEMENT = st.builds(RepStatement, rep_id=TEXT, name=TEXT, email=TEXT, manager_id=st.none() | TEXT, plan_key=TEXT,
                      plan_name=TEXT, currency=st.just("USD"), target_incentive=MONEY,
                      components=st.lists(COMPONENT, max_size=2).map(tuple),
                      modifiers=st.lists(MODIFIER, max_size=2).map(tuple),
                      clawbacks=st.lists(CLAWBACK, max_size=2).map(tuple), total=MONEY)


@pytest.fixture(scope="module")
def example_run():
    return run_payout("2026-Q2", ROOT / "examples/deals.csv", ROOT / "examples/roster.csv",
                      ROOT / "examples/quotas.csv", ROOT / "plans")


def _fields(value, path="statement"):
    """Every (path, value) leaf of a dataclass tree, so a test can name the field that differs."""
    if dataclasses.is_dataclass(value):
        for item in dataclasses.fields(value):
            yield from _fields(getattr(value, item.name), f"{path}.{item.name}")
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _fields(item, f"{path}[{index}]")
    else:
        yield path, value


def _no_floats(value) -> bool:
    if isinstance(value, float):
        return False
    if isinstance(value, dict):
        return all(_no_floats(item) for item in value.values())
    if isinstance(value, list):
        return all(_no_floats(item) for item in value)
    return True


@settings(max_examples=50)
@given(STATEMENT)
def test_every_field_of_any_statement_survives_json_and_back(statement):
    """Invariant: statement_from_dict(json(statement_to_dict(s))) equals s field by field."""
    stored = json.loads(json.dumps(statement_to_dict(statement)))
    back = statement_from_dict(stored)
    for (path, original), (_, restored) in zip(_fields(statement), _fields(back), strict=True):
        assert restored == original, path
        assert type(restored) is type(original), path


def test_every_statement_of_the_example_run_round_trips(example_run):
    for detail, statement in zip(statements_to_dicts(example_run), example_run.statements, strict=True):
        assert statement_from_dict(json.loads(json.dumps(detail))) == statement


def test_the_stored_form_holds_no_float_anywhere(example_run):
    assert all(_no_floats(detail) for detail in statements_to_dicts(example_run))


def test_money_is_plain_decimal_text_and_exact_ratios_are_fractions(example_run):
    detail = statement_to_dict(example_run.statement("ae03"), example_run)
    new_business = detail["components"][0]
    # ae03 credited 12,300 + 15,000 = 27,300 of new business against a quota of 164,000.
    assert new_business["credited"] == "27300.000000"
    assert new_business["quota"] == "164000.00"
    assert new_business["attainment"] == "273/1640"  # 27,300 / 164,000, exact
    assert new_business["deals"][0]["close_date"] == "2026-05-07"
    assert detail["total"] == "-1698.69"


def test_with_the_run_the_header_facts_are_stored_too(example_run):
    detail = statement_to_dict(example_run.statement("ae03"), example_run)
    assert (detail["period"], detail["period_start"], detail["period_end"]) == ("2026-Q2", "2026-04-01", "2026-06-30")
    assert detail["fingerprint"] == example_run.fingerprint
    assert detail["manager_name"] == "Nora Lindqvist"  # ae03's manager ae01 on the example roster
    assert detail["format"] == FORMAT


def test_without_the_run_the_header_facts_are_left_empty(example_run):
    detail = statement_to_dict(example_run.statement("ae03"))
    assert detail["period"] is None and detail["fingerprint"] is None and detail["manager_name"] is None


def test_a_clawback_keeps_its_dates_days_and_exact_fraction(example_run):
    clawback = statement_to_dict(example_run.statement("ae03"), example_run)["clawbacks"][0]
    # D-2026-0163 closed 2026-02-10 and churned 2026-05-11: 90 days of a 180-day linear window.
    assert (clawback["deal_id"], clawback["new_close_date"], clawback["churn_date"]) == (
        "D-2026-0163", "2026-02-10", "2026-05-11")
    assert (clawback["days"], clawback["window_days"], clawback["fraction"]) == (90, 180, "1/2")
    assert Fraction(clawback["unrounded"]) == example_run.statement("ae03").clawbacks[0].unrounded


def test_a_damaged_or_foreign_dict_is_refused_with_a_clear_error(example_run):
    detail = statement_to_dict(example_run.statement("ae01"))
    with pytest.raises(StatementFormatError):
        statement_from_dict({**detail, "format": 99})
    broken = {**detail, "total": "twelve"}
    with pytest.raises(StatementFormatError):
        statement_from_dict(broken)
    with pytest.raises(StatementFormatError):
        statement_from_dict({key: value for key, value in detail.items() if key != "components"})
