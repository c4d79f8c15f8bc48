"""Turning attainment into pay: tiers, threshold and cap; and flat rates.

For a quota or metric component with target T (target incentive x weight):
- marginal tiers pay T x the sum over bands of multiplier x the part of attainment
  inside the band (a band runs from its start to the next band's start);
- retroactive tiers pay T x attainment x the multiplier of the highest band whose
  start attainment reaches;
- attainment below the threshold, or at or below 0, pays 0;
- the payout is capped at cap x T (no cap if the plan sets none).
A flat-rate component pays rate x credited, never below 0.

Each function returns the exact payout and the rule applied, in words, as it is
printed on the statement, e.g. "marginal: 16,000 x (1.0x1.0 + 2.0x0.3)".
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from comp_engine.money import decimal_fraction, display_amount, display_ratio
from comp_engine.plans import Band

TIMES = "×"


@dataclass(frozen=True)
class CurvePayout:
    """An exact payout and the rule that produced it, in words."""

    amount: Fraction
    rule: str


def curve_payout(attainment: Fraction, target: Fraction, curve: tuple[Band, ...], tiers: str,
                 threshold: Decimal | None = None, cap: Decimal | None = None) -> CurvePayout:
    """Pay a quota or metric component from its attainment (see the module rules)."""
    shown = display_ratio(attainment)
    if attainment <= 0:
        return CurvePayout(Fraction(0), f"attainment {shown} is not above 0: pays nothing")
    if threshold is not None and attainment < decimal_fraction(threshold):
        return CurvePayout(Fraction(0), f"attainment {shown} is below the threshold {threshold}: pays nothing")
    if tiers == "retroactive":
        band = highest_band_reached(curve, attainment)
        amount = target * attainment * decimal_fraction(band.multiplier)
        rule = f"retroactive: {display_amount(target)} {TIMES} {shown} {TIMES} {band.multiplier}"
    else:
        terms = []
        amount = Fraction(0)
        for part, band in marginal_parts(curve, attainment):
            amount += decimal_fraction(band.multiplier) * part
            terms.append(f"{band.multiplier}{TIMES}{display_ratio(part)}")
        amount *= target
        rule = f"marginal: {display_amount(target)} {TIMES} ({' + '.join(terms)})"
    if cap is not None and amount > target * decimal_fraction(cap):
        amount = target * decimal_fraction(cap)
        rule += f", capped at {cap} {TIMES} {display_amount(target)} = {display_amount(amount)}"
    return CurvePayout(amount, rule)


def marginal_parts(curve: tuple[Band, ...], attainment: Fraction) -> list[tuple[Fraction, Band]]:
    """The part of attainment inside each band it reaches, with the band."""
    parts = []
    for position, band in enumerate(curve):
        start = decimal_fraction(band.start)
        if attainment <= start:
            break
        end = decimal_fraction(curve[position + 1].start) if position + 1 < len(curve) else None
        top = attainment if end is None else min(attainment, end)
        parts.append((top - start, band))
    return parts


def highest_band_reached(bands: tuple[Band, ...], value: Fraction) -> Band:
    """The band with the largest start at or below `value` (bands start at 0)."""
    reached = bands[0]
    for band in bands:
        if decimal_fraction(band.start) <= value:
            reached = band
    return reached


def flat_rate_payout(rate: Decimal, credited: Fraction) -> CurvePayout:
    """rate x credited, never below 0."""
    amount = decimal_fraction(rate) * credited
    rule = f"flat rate: {rate} {TIMES} {display_amount(credited)}"
    if amount < 0:
        return CurvePayout(Fraction(0), rule + " is below 0: pays nothing")
    return CurvePayout(amount, rule)
