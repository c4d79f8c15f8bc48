"""One line per plan component and per modifier, for one rep and one quarter.

These functions apply the plan rules of `comp_engine.curves` to the numbers the rest
of the engine found (credit, quota, metric) and return the statement lines with the
exact payout, the rounded amount and the rule. Every rule ends with its formula of
printed numbers and the amount paid (`...: 4,000.00 × (1.0 × 45,000.00 / 50,000.00)
= 3,600.00`): evaluating the formula exactly and rounding it once, half-up, gives the
line, so a finance person can re-add every line by hand.
"""
from __future__ import annotations

from collections.abc import Sequence
from decimal import Context, Decimal
from fractions import Fraction

from comp_engine.curves import TIMES, Attainment, curve_payout, flat_rate_payout, highest_band_reached
from comp_engine.money import (cents_to_decimal, decimal_fraction, display_ratio, exact_amount, exact_ratio,
                               round_half_up, signed_amount)
from comp_engine.names import metric_name
from comp_engine.plans import FlatRateComponent, MetricComponent, Modifier, QuotaComponent
from comp_engine.result import CREDIT_SCALE, ComponentLine, DealCredits, MetricValue, ModifierLine, units_to_decimal

_EXACT = Context(prec=100)


def component_target(target_incentive: Decimal, weight: Decimal) -> Decimal:
    """T = target incentive x weight, exact (computed in an explicit wide context)."""
    return _EXACT.multiply(target_incentive, weight)


def with_formula(words: str, formula: str, amount: Decimal) -> str:
    """The rule as printed: words, then `: formula = amount`."""
    return f"{words}: {formula} = {signed_amount(amount)}"


def quota_line(component: QuotaComponent, target_incentive: Decimal, credited_units: int, quota_cents: int,
               deals: DealCredits, proration: Fraction = Fraction(1)) -> ComponentLine:
    """A quota component: attainment = credited / quota, paid through the curve.

    With employment dates (`comp_engine.employment`) the target and the quota are both x f,
    exactly; the formula then prints them as `(100,000.00 × 61/91)`, and the line shows them
    rounded to the cent."""
    credited, quota = units_to_decimal(credited_units), cents_to_decimal(quota_cents)
    target = component_target(target_incentive, component.weight)
    if proration == 1:
        attainment = Attainment.of_quota(credited, quota, Fraction(credited_units * 100, CREDIT_SCALE * quota_cents))
        paid = curve_payout(attainment, target, component.curve, component.tiers, component.threshold, component.cap)
        shown_quota, shown_target = quota, target
    else:
        scaled = f"{proration.numerator}/{proration.denominator}"
        attainment = Attainment(Fraction(credited) / (Fraction(quota) * proration),
                                f"{exact_amount(credited)} / ({exact_amount(quota)} {TIMES} {scaled})")
        paid = curve_payout(attainment, Fraction(target) * proration, component.curve, component.tiers,
                            component.threshold, component.cap, f"({exact_amount(target)} {TIMES} {scaled})")
        shown_quota, shown_target = round_half_up(Fraction(quota) * proration), round_half_up(Fraction(target) * proration)
    amount = round_half_up(paid.amount)

    def rule() -> str:
        words = f"attainment {attainment.text} = {display_ratio(attainment.value)}; {paid.rule}"
        return with_formula(words, paid.formula, amount)
    return ComponentLine(
        component=component.key, kind="quota", credit_types=component.credit,
        credited=credited, quota=shown_quota, attainment=attainment.value,
        target=shown_target, rate=None, tiers=component.tiers, metric=None,
        unrounded=paid.amount, amount=amount, rule=rule, deals=deals,
    )


def metric_attainment(metric: MetricValue, target: Decimal) -> Attainment:
    """metric / target written from the metric's printed sums (`52,000.00 / 50,000.00 / 0.95`)."""
    assert metric.value is not None

    def text() -> str:
        written = f"{exact_amount(metric.numerator)} / {exact_amount(metric.denominator)}"
        return written + f" / {exact_ratio(target)}" if target != 1 else written
    return Attainment(metric.value / decimal_fraction(target), text)


def metric_line(component: MetricComponent, target_incentive: Decimal, metric: MetricValue,
                proration: Fraction = Fraction(1)) -> ComponentLine:
    """A metric component: attainment = metric / target, or 1.0 when undefined; T x f with
    employment dates (see `quota_line`)."""
    target = component_target(target_incentive, component.weight)
    attainment = Attainment(Fraction(1), "1.0") if metric.value is None else metric_attainment(metric, component.target)

    def why() -> str:
        if metric.value is None:
            return f"{metric_name(metric.metric)} is undefined ({metric.undefined_reason}), so it is paid at attainment 1.0"
        return (f"{metric_name(metric.metric)} of the {metric.book} book {metric.window_start.isoformat()} to "
                f"{metric.window_end.isoformat()} = {exact_amount(metric.numerator)} / "
                f"{exact_amount(metric.denominator)} = {display_ratio(metric.value)}; attainment = the metric / "
                f"{component.target} = {display_ratio(attainment.value)}")
    if proration == 1:
        paid = curve_payout(attainment, target, component.curve, component.tiers, component.threshold, component.cap)
        shown_target = target
    else:
        paid = curve_payout(attainment, Fraction(target) * proration, component.curve, component.tiers,
                            component.threshold, component.cap,
                            f"({exact_amount(target)} {TIMES} {proration.numerator}/{proration.denominator})")
        shown_target = round_half_up(Fraction(target) * proration)
    amount = round_half_up(paid.amount)
    return ComponentLine(
        component=component.key, kind="metric", credit_types=(), credited=None, quota=None,
        attainment=attainment.value, target=shown_target, rate=None, tiers=component.tiers, metric=metric,
        unrounded=paid.amount, amount=amount, rule=lambda: with_formula(f"{why()}; {paid.rule}", paid.formula, amount),
        deals=DealCredits(),
    )


def flat_rate_line(component: FlatRateComponent, credited_units: int, deals: DealCredits) -> ComponentLine:
    """A flat-rate component: rate x credited, never below 0; no quota."""
    credited = units_to_decimal(credited_units)
    paid = flat_rate_payout(component.rate, Fraction(credited_units, CREDIT_SCALE))
    amount = round_half_up(paid.amount)
    return ComponentLine(
        component=component.key, kind="flat_rate", credit_types=component.credit,
        credited=credited, quota=None, attainment=None, target=None,
        rate=component.rate, tiers=None, metric=None,
        unrounded=paid.amount, amount=amount, rule=lambda: with_formula(paid.rule, paid.formula, amount), deals=deals,
    )


def modifier_line(modifier: Modifier, metric: MetricValue, component_amounts: Sequence[Decimal]) -> ModifierLine:
    """(multiplier - 1) x the sum of the rep's *rounded* component lines, the sum as
    printed, where the multiplier is that of the band with the largest start at or
    below the metric; 1.0 when the metric is undefined. Rounded once, half-up."""
    component_amounts = tuple(component_amounts)  # the rule, written later, prints them as they are now
    base = sum((Fraction(amount) for amount in component_amounts), Fraction(0))
    band = None if metric.value is None else highest_band_reached(modifier.bands, metric.value)
    band_start, multiplier = (None, Decimal("1.0")) if band is None else (band.start, band.multiplier)
    unrounded = (decimal_fraction(multiplier) - 1) * base
    amount = round_half_up(unrounded)

    def rule() -> str:
        if band is None:
            words = (f"{metric_name(metric.metric)} is undefined ({metric.undefined_reason}), so the multiplier is 1.0, "
                     "no change")
        else:
            words = (f"{metric_name(metric.metric)} of the {metric.book} book {metric.window_start.isoformat()} to "
                     f"{metric.window_end.isoformat()} = {exact_amount(metric.numerator)} / "
                     f"{exact_amount(metric.denominator)} = {display_ratio(metric.value)}, in the band from "
                     f"{band.start}; (multiplier − 1) {TIMES} the sum of the component lines")
        printed = " + ".join(exact_amount(value) for value in component_amounts) or "0.00"
        summed = f"({printed})" if len(component_amounts) > 1 else printed
        return with_formula(words, f"({exact_ratio(multiplier)} − 1) {TIMES} {summed}", amount)
    return ModifierLine(metric=metric, band_start=band_start, multiplier=multiplier, base=base,
                        unrounded=unrounded, amount=amount, rule=rule)


def not_employed_line(component: QuotaComponent, why: str) -> ComponentLine:
    """A quota component of a rep employed no day of the quarter: nothing to measure, 0.00."""
    amount = Decimal("0.00")
    return ComponentLine(
        component=component.key, kind="quota", credit_types=component.credit, credited=Decimal("0.000000"),
        quota=None, attainment=None, target=Decimal("0.00"), rate=None, tiers=component.tiers, metric=None,
        unrounded=Fraction(0), amount=amount, rule=with_formula(f"{why}, so nothing is earned this quarter", "0",
                                                                amount),
        deals=DealCredits(),
    )
