"""Modifiers: (multiplier - 1) x the sum of unrounded component payouts."""
from decimal import Decimal

import pytest

from comp_payout_builders import WORKED_PLAN, worked_example

GRR_MODIFIER = """
[[modifier]]
metric = "gross_revenue_retention"
book = "originated"
window_months = 12
bands = [[0.0, 0.8], [0.85, 1.0], [0.95, 1.1]]
"""


def with_book(files, contraction: str | None):
    """The worked example plus a modifier, and an account r1 originated before S
    (100,000 on 2025-04-01), contracted by `contraction` in January 2026."""
    worked_example(files)
    files.plan(WORKED_PLAN + GRR_MODIFIER)
    files.deal(type="new", amount="100000", date="2025-04-01", account="OLD")
    if contraction:
        files.deal(type="contraction", amount=contraction, date="2026-01-15", account="OLD")
    return files.run().statement("r1")


@pytest.mark.parametrize(("contraction", "band", "multiplier", "amount", "total"), [
    # GRR 1.0 -> band from 0.95, x1.1: (1.1 - 1) x 29,200 = 2,920.00; total 32,120.00
    (None, "0.95", "1.1", "2920.00", "32120.00"),
    # GRR 0.9 -> band from 0.85, x1.0: 0.00
    ("10000", "0.85", "1.0", "0.00", "29200.00"),
    # GRR exactly 0.85 -> the band starting at 0.85 (largest start <= metric): 0.00
    ("15000", "0.85", "1.0", "0.00", "29200.00"),
    # GRR 0.8 -> band from 0.0, x0.8: (0.8 - 1) x 29,200 = -5,840.00; total 23,360.00
    ("20000", "0.0", "0.8", "-5840.00", "23360.00"),
])
def test_the_modifier_applies_the_band_the_metric_falls_in(files, contraction, band, multiplier, amount, total):
    statement = with_book(files, contraction)
    (modifier,) = statement.modifiers
    assert (modifier.band_start, modifier.multiplier) == (Decimal(band), Decimal(multiplier))
    assert modifier.base == 29200
    assert modifier.amount == Decimal(amount)
    assert modifier.component == "modifier:gross_revenue_retention"
    assert statement.total == Decimal(total)


def test_a_modifier_on_an_undefined_metric_is_one_and_says_why(files):
    worked_example(files)
    files.plan(WORKED_PLAN + GRR_MODIFIER)
    (modifier,) = files.run().statement("r1").modifiers
    assert modifier.multiplier == 1 and modifier.amount == 0
    assert modifier.metric.value is None
    assert "Gross revenue retention is undefined (no account of the rep's originated book" in modifier.rule


def test_several_modifiers_each_apply_to_the_component_sum_without_compounding(files):
    # GRR 1.0 -> x1.1: +2,920.00; logo retention 1.0 with bands [[0,0.5],[1.0,1.2]] -> x1.2: +5,840.00
    # total 29,200 + 2,920 + 5,840 = 37,960.00 (compounding would give 38,544.00)
    worked_example(files)
    files.plan(WORKED_PLAN + GRR_MODIFIER + '\n[[modifier]]\nmetric = "logo_retention"\nbands = [[0.0, 0.5], [1.0, 1.2]]\n')
    files.deal(type="new", amount="100000", date="2025-04-01", account="OLD")
    statement = files.run().statement("r1")
    assert [m.amount for m in statement.modifiers] == [Decimal("2920.00"), Decimal("5840.00")]
    assert statement.total == Decimal("37960.00")
