"""One line per plan component and per modifier, for one rep and one quarter.

These functions apply the plan rules of `comp_engine.curves` to the numbers the rest
of the engine found (credit, quota, metric) and return the statement lines with the
exact payout, the rounded amount and the rule in words.
"""
from __future__ import annotations

from decimal import Context, Decimal
from fractions import Fraction

from comp_engine.curves import TIMES, curve_payout, flat_rate_payout, highest_band_reached
from comp_engine.money import decimal_fraction, display_amount, display_ratio, round_half_up
from comp_engine.plans import FlatRateComponent, MetricComponent, Modifier, QuotaComponent
from comp_engine.result import CREDIT_SCALE, ComponentLine, DealCredits, MetricValue, ModifierLine, units_to_decimal

_EXACT = Context(prec=100)


def component_target(target_incentive: Decimal | Fraction, weight: Decimal) -> Decimal | Fraction:
    """T = target incentive x weight, exact (computed in an explicit wide context); a
    Fraction when the target incentive is one (prorated by employment dates)."""
    if isinstance(target_incentive, Fraction):
        return target_incentive * decimal_fraction(weight)
    return _EXACT.multiply(target_incentive, weight)


def _exact(value: Decimal | Fraction) -> Fraction:
    return value if isinstance(value, Fraction) else decimal_fraction(value)


def _shown(value: Decimal | Fraction) -> Decimal:
    """A figure the line shows: as it is when a Decimal, else rounded to the cent (the
    payout itself is computed on the exact value)."""
    return value if isinstance(value, Decimal) else round_half_up(value)


def quota_line(component: QuotaComponent, target_incentive: Decimal | Fraction, credited_units: int,
               quota_cents: int | Fraction, deals: DealCredits) -> ComponentLine:
    """A quota component: attainment = credited / quota, paid through the curve.

    The target incentive and the quota (in cents) are Fractions when employment
    dates prorate them."""
    credited = Fraction(credited_units, CREDIT_SCALE)
    attainment = credited / Fraction(quota_cents, 100)
    target = component_target(target_incentive, component.weight)
    paid = curve_payout(attainment, _exact(target), component.curve, component.tiers, component.threshold, component.cap)
    rule = (f"attainment {display_amount(credited)} / {display_amount(Fraction(quota_cents, 100))} = "
            f"{display_ratio(attainment)}; {paid.rule}")
    return ComponentLine(
        component=component.key, kind="quota", credit_types=component.credit,
        credited=units_to_decimal(credited_units), quota=_shown(Fraction(quota_cents, 100)), attainment=attainment,
        target=_shown(target), rate=None, tiers=component.tiers, metric=None,
        unrounded=paid.amount, amount=round_half_up(paid.amount), rule=rule, deals=deals,
    )


def metric_line(component: MetricComponent, target_incentive: Decimal | Fraction, metric: MetricValue) -> ComponentLine:
    """A metric component: attainment = metric / target, or 1.0 when undefined."""
    target = component_target(target_incentive, component.weight)
    if metric.value is None:
        attainment = Fraction(1)
        why = f"{metric.metric} is undefined ({metric.undefined_reason}): paid at attainment 1.0"
    else:
        attainment = metric.value / decimal_fraction(component.target)
        why = (f"{metric.metric} of the {metric.book} book {metric.window_start.isoformat()} to "
               f"{metric.window_end.isoformat()} = {display_ratio(metric.value)}; attainment "
               f"{display_ratio(metric.value)} / {component.target} = {display_ratio(attainment)}")
    paid = curve_payout(attainment, _exact(target), component.curve, component.tiers, component.threshold, component.cap)
    return ComponentLine(
        component=component.key, kind="metric", credit_types=(), credited=None, quota=None,
        attainment=attainment, target=_shown(target), rate=None, tiers=component.tiers, metric=metric,
        unrounded=paid.amount, amount=round_half_up(paid.amount), rule=f"{why}; {paid.rule}", deals=DealCredits(),
    )


def flat_rate_line(component: FlatRateComponent, credited_units: int, deals: DealCredits) -> ComponentLine:
    """A flat-rate component: rate x credited, never below 0; no quota."""
    paid = flat_rate_payout(component.rate, Fraction(credited_units, CREDIT_SCALE))
    return ComponentLine(
        component=component.key, kind="flat_rate", credit_types=component.credit,
        credited=units_to_decimal(credited_units), quota=None, attainment=None, target=None,
        rate=component.rate, tiers=None, metric=None,
        unrounded=paid.amount, amount=round_half_up(paid.amount), rule=paid.rule, deals=deals,
    )


def modifier_line(modifier: Modifier, metric: MetricValue, base: Fraction) -> ModifierLine:
    """(multiplier - 1) x the sum of the rep's unrounded component payouts, where the
    multiplier is that of the band with the largest start at or below the metric;
    1.0 when the metric is undefined."""
    if metric.value is None:
        band_start, multiplier = None, Decimal("1.0")
        rule = f"{metric.metric} is undefined ({metric.undefined_reason}): multiplier 1.0, no change"
    else:
        band = highest_band_reached(modifier.bands, metric.value)
        band_start, multiplier = band.start, band.multiplier
        rule = (f"{metric.metric} of the {metric.book} book {metric.window_start.isoformat()} to "
                f"{metric.window_end.isoformat()} = {display_ratio(metric.value)}, band from {band.start}: "
                f"({multiplier} - 1) {TIMES} {display_amount(base)}")
    unrounded = (decimal_fraction(multiplier) - 1) * base
    return ModifierLine(metric=metric, band_start=band_start, multiplier=multiplier, base=base,
                        unrounded=unrounded, amount=round_half_up(unrounded), rule=rule)


def not_employed_line(component: QuotaComponent, why: str) -> ComponentLine:
    """A quota component of a rep employed no day of the quarter: nothing to measure, 0.00."""
    return ComponentLine(
        component=component.key, kind="quota", credit_types=component.credit, credited=Decimal("0.000000"),
        quota=None, attainment=None, target=Decimal("0.00"), rate=None, tiers=component.tiers, metric=None,
        unrounded=Fraction(0), amount=Decimal("0.00"), rule=f"{why}: nothing is earned this quarter",
        deals=DealCredits(),
    )
