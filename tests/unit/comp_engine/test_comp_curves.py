"""Curves: marginal and retroactive tiers, threshold, cap, flat rate."""
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comp_engine.curves import curve_payout, flat_rate_payout
from comp_engine.plans import Band


def curve(*steps: tuple[str, str]) -> tuple[Band, ...]:
    return tuple(Band(Decimal(start), Decimal(multiplier)) for start, multiplier in steps)


ACCELERATOR = curve(("0.0", "1.0"), ("1.0", "2.0"))
T = Fraction(16000)

ATTAINMENTS = st.fractions(min_value=-1, max_value=5, max_denominator=10_000)
MULTIPLIERS = st.lists(st.integers(0, 400).map(lambda m: Decimal(m) / 100), min_size=1, max_size=4)
STARTS = st.lists(st.integers(1, 300), min_size=3, max_size=3, unique=True).map(
    lambda s: [Decimal(0)] + [Decimal(x) / 100 for x in sorted(s)])


def pay(attainment: str, bands=ACCELERATOR, tiers="marginal", threshold=None, cap=None, target=T) -> Fraction:
    return curve_payout(Fraction(attainment), target, bands, tiers,
                        None if threshold is None else Decimal(threshold), None if cap is None else Decimal(cap)).amount


def test_marginal_tiers_pay_each_slice_of_attainment_at_its_own_rate():
    # 16,000 x (1.0 x 1.0 + 2.0 x 0.3) = 16,000 x 1.6 = 25,600
    assert pay("1.3") == 25600
    # below the first step's end: 16,000 x 1.0 x 0.9 = 14,400
    assert pay("0.9") == 14400


def test_retroactive_tiers_pay_all_attainment_at_the_highest_step_reached():
    # 16,000 x 1.3 x 2.0 = 41,600
    assert pay("1.3", tiers="retroactive") == 41600
    # 16,000 x 0.9 x 1.0 = 14,400
    assert pay("0.9", tiers="retroactive") == 14400
    # exactly at a step's start the step is reached: 16,000 x 1.0 x 2.0 = 32,000
    assert pay("1.0", tiers="retroactive") == 32000
    # marginal at the same point: 16,000 x 1.0 x 1.0 = 16,000
    assert pay("1.0") == 16000


def test_a_three_step_marginal_curve_adds_every_slice():
    # steps 0->0.5 at 0.5x, 0.5->1.2 at 1.0x, above 1.2 at 1.5x; attainment 1.5, T = 10,000:
    # 10,000 x (0.5 x 0.5 + 1.0 x 0.7 + 1.5 x 0.3) = 10,000 x 1.4 = 14,000
    bands = curve(("0.0", "0.5"), ("0.5", "1.0"), ("1.2", "1.5"))
    paid = curve_payout(Fraction(3, 2), Fraction(10000), bands, "marginal")
    assert paid.amount == 14000
    assert paid.formula == "10,000.00 × (0.5 × 0.5 + 1.0 × 0.7 + 1.5 × (1.5 − 1.2))"


def test_attainment_below_the_threshold_pays_nothing_and_at_it_pays_in_full():
    assert pay("0.49", threshold="0.5") == 0
    # 16,000 x 1.0 x 0.5 = 8,000
    assert pay("0.5", threshold="0.5") == 8000
    assert "below the threshold 0.5" in curve_payout(Fraction("0.49"), T, ACCELERATOR, "marginal", Decimal("0.5")).rule


def test_the_payout_is_capped_at_cap_times_target():
    # attainment 2.0: 16,000 x (1.0 + 2.0 x 1.0) = 48,000, capped at 2.0 x 16,000 = 32,000
    paid = curve_payout(Fraction(2), T, ACCELERATOR, "marginal", cap=Decimal("2.0"))
    assert paid.amount == 32000
    assert paid.rule.endswith("(1.0 × 1.0 + 2.0 × (2.0 − 1.0)) = 48,000.00 is above the cap of 2.0 × T, so it pays the cap")
    assert paid.formula == "2.0 × 16,000.00"
    # under the cap nothing changes: 16,000 x (1.0 + 2.0 x 0.2) = 22,400
    assert pay("1.2", cap="2.0") == 22400


@pytest.mark.parametrize("attainment", ["0", "-0.25"])
def test_attainment_at_or_below_zero_pays_nothing_even_without_threshold(attainment):
    assert pay(attainment) == 0
    assert pay(attainment, tiers="retroactive") == 0


def test_a_flat_rate_pays_rate_times_credited_and_never_below_zero():
    # 0.05 x 12,000 = 600
    assert flat_rate_payout(Decimal("0.05"), Fraction(12000)).amount == 600
    # 0.05 x -3,000 = -150 -> 0
    negative = flat_rate_payout(Decimal("0.05"), Fraction(-3000))
    assert negative.amount == 0
    assert negative.rule == "flat rate: 0.05 × −3,000.00 is below 0, so it pays nothing"


@given(STARTS, MULTIPLIERS, ATTAINMENTS, ATTAINMENTS)
def test_marginal_payout_never_falls_when_attainment_rises(starts, multipliers, low, high):
    """For non-negative multipliers, a <= b implies marginal(a) <= marginal(b)."""
    bands = tuple(Band(start, multiplier) for start, multiplier in zip(starts, multipliers))
    low, high = min(low, high), max(low, high)
    assert curve_payout(low, T, bands, "marginal").amount <= curve_payout(high, T, bands, "marginal").amount


@given(STARTS, MULTIPLIERS, ATTAINMENTS, st.sampled_from(["marginal", "retroactive"]),
       st.integers(1, 400).map(lambda c: Decimal(c) / 100))
def test_no_payout_exceeds_its_cap_or_falls_below_zero(starts, multipliers, attainment, tiers, cap):
    """0 <= payout <= cap x T, whatever the curve and attainment."""
    bands = tuple(Band(start, multiplier) for start, multiplier in zip(starts, multipliers))
    amount = curve_payout(attainment, T, bands, tiers, cap=cap).amount
    assert 0 <= amount <= T * Fraction(cap)
