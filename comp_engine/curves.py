"""Turning attainment into pay: tiers, threshold and cap; and flat rates.

For a quota or metric component with target T (target incentive x weight):
- marginal tiers pay T x the sum over bands of multiplier x the part of attainment
  inside the band (a band runs from its start to the next band's start);
- retroactive tiers pay T x attainment x the multiplier of the highest band whose
  start attainment reaches;
- attainment below the threshold, or at or below 0, pays 0;
- the payout is capped at cap x T (no cap if the plan sets none).
A flat-rate component pays rate x credited, never below 0.

Each function returns the exact payout, the rule in words and the formula with its
exact inputs, as printed on the statement, so that a finance person can re-add it by
hand: `16,000.00 × (1.0 × 1.0 + 2.0 × (130,000.00 − 100,000.00) / 100,000.00)`.
The attainment is written as its inputs (an `Attainment`), never as a rounded ratio.
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Context, Decimal
from fractions import Fraction

from comp_engine.money import decimal_fraction, display_ratio, exact_amount, exact_ratio, round_half_up
from comp_engine.plans import Band
from comp_engine.written import WrittenWhenRead

TIMES = "×"
_EXACT = Context(prec=100)


@dataclass(frozen=True)
class Attainment:
    """An attainment and how it is written from its inputs.

    `text` is the attainment as a formula of printed numbers (`130,000.00 / 100,000.00`),
    written when first read (`comp_engine.written`); `above(start)` the part of it above a
    band's start (`(130,000.00 − 100,000.00) / 100,000.00` for a quota: credited minus
    start x quota, over the quota).
    """

    value: Fraction
    text: str = WrittenWhenRead()  # type: ignore[assignment]
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @classmethod
    def of_quota(cls, credited: Decimal, quota: Decimal, value: Fraction | None = None) -> Attainment:
        """credited / quota (`value` when the caller already holds it exactly)."""
        value = Fraction(credited) / Fraction(quota) if value is None else value
        return cls(value, lambda: f"{exact_amount(credited)} / {exact_amount(quota)}", credited, quota)

    @classmethod
    def of_ratio(cls, value: Fraction) -> Attainment:
        """An attainment with no printed inputs (tests, and a metric paid on target)."""
        return cls(value, lambda: display_ratio(value))

    def above(self, start: Decimal) -> str:
        if start == 0:
            return self.text
        if self.numerator is not None and self.denominator is not None:
            return (f"({exact_amount(self.numerator)} − {exact_amount(_EXACT.multiply(start, self.denominator))})"
                    f" / {exact_amount(self.denominator)}")
        return f"({self.text} − {exact_ratio(start)})"


class CurvePayout:
    """An exact payout, the rule that produced it in words, and its formula of printed
    numbers (evaluating the formula exactly gives `amount`). The amount is computed at once;
    `rule` and `formula` are written the first time either is read (`words`, a function
    returning both), since a run's CSV files print amounts only."""

    __slots__ = ("amount", "_words")

    def __init__(self, amount: Fraction, words: tuple[str, str] | Callable[[], tuple[str, str]]) -> None:
        self.amount = amount
        self._words = words

    def _written(self) -> tuple[str, str]:
        if callable(self._words):
            self._words = self._words()
        return self._words

    @property
    def rule(self) -> str:
        return self._written()[0]

    @property
    def formula(self) -> str:
        return self._written()[1]

    def __repr__(self) -> str:
        return f"CurvePayout({self.amount!r}, {self.rule!r}, {self.formula!r})"


def curve_payout(attainment: Fraction | Attainment, target: Fraction | Decimal, curve: tuple[Band, ...], tiers: str,
                 threshold: Decimal | None = None, cap: Decimal | None = None,
                 target_text: str | None = None) -> CurvePayout:
    """Pay a quota or metric component from its attainment (see the module rules).

    `target_text` writes a target no decimal holds (a prorated one: `(16,000.00 × 61/91)`).
    Attainment, band ends and multipliers are compared as integers (numerator x denominator)."""
    reached = attainment if isinstance(attainment, Attainment) else Attainment.of_ratio(attainment)
    value = reached.value
    n, d = value.numerator, value.denominator
    target_fraction = decimal_fraction(target) if isinstance(target, Decimal) else target

    def shown_target() -> str:
        return target_text or exact_amount(target)

    if n <= 0:
        return CurvePayout(_NOTHING, lambda: (f"attainment {display_ratio(value)} is not above 0, so it pays nothing",
                                              f"0 {TIMES} {shown_target()}"))
    if threshold is not None:
        floor = decimal_fraction(threshold)
        if n * floor.denominator < floor.numerator * d:
            return CurvePayout(_NOTHING, lambda: (f"attainment {display_ratio(value)} is below the threshold {threshold}, "
                                                  "so it pays nothing", f"0 {TIMES} {shown_target()}"))
    target_n, target_d = target_fraction.numerator, target_fraction.denominator
    if tiers == "retroactive":
        band = highest_band_reached(curve, value)
        multiplier = decimal_fraction(band.multiplier)
        paid_n, paid_d = target_n * n * multiplier.numerator, target_d * d * multiplier.denominator

        def words() -> tuple[str, str]:
            return (f"retroactive, the whole attainment at the multiplier of the band from {band.start} reached",
                    f"{shown_target()} {TIMES} {reached.text} {TIMES} {exact_ratio(band.multiplier)}")
    else:
        covered: list[tuple[Band, str | None]] = []  # each band reached, and its term when covered whole
        paid_n, paid_d = 0, 1  # in units of T until the end, as integers: one Fraction per line, not four
        for (start_n, start_d), end, (multiplier_n, multiplier_d), band, whole_term, below, through in _exact_bands(curve):
            if n * start_d <= start_n * d:
                break
            if end is not None and n * end[1] >= end[0] * d:
                paid_n, paid_d = through.numerator, through.denominator
                covered.append((band, whole_term))
            else:  # below + multiplier x (value - start)
                part_n, part_d = multiplier_n * (n * start_d - start_n * d), multiplier_d * d * start_d
                paid_n, paid_d = below.numerator * part_d + part_n * below.denominator, below.denominator * part_d
                covered.append((band, None))
        paid_n, paid_d = paid_n * target_n, paid_d * target_d

        def words() -> tuple[str, str]:
            terms = [whole if whole is not None else f"{exact_ratio(band.multiplier)} {TIMES} {reached.above(band.start)}"
                     for band, whole in covered]
            return ("marginal, each band of attainment at its own multiplier",
                    f"{shown_target()} {TIMES} ({' + '.join(terms)})")
    if cap is not None:
        limit = decimal_fraction(cap)
        if paid_n * target_d * limit.denominator > target_n * limit.numerator * paid_d:  # above cap x T

            def capped_words() -> tuple[str, str]:
                rule, formula = words()
                return (f"{rule}; {formula} = {exact_amount(round_half_up(Fraction(paid_n, paid_d)))} is above the "
                        f"cap of {cap} {TIMES} T, so it pays the cap", f"{exact_ratio(cap)} {TIMES} {shown_target()}")
            return CurvePayout(Fraction(target_n * limit.numerator, target_d * limit.denominator), capped_words)
    return CurvePayout(Fraction(paid_n, paid_d), words)


_NOTHING = Fraction(0)


_Ratio = tuple[int, int]


@functools.lru_cache(maxsize=256)
def _exact_bands(curve: tuple[Band, ...]) -> tuple[tuple[_Ratio, _Ratio | None, _Ratio, Band, str | None, Fraction,
                                                          Fraction | None], ...]:
    """Each band of a curve as exact (numerator, denominator) pairs: its start, the next band's
    start (None for the last band) and its multiplier; the band; its term of the formula when
    attainment covers all of it; and what the bands below it, then up to its end, pay when
    covered whole (in units of T). Once per curve, since a run pays every rep on the same few curves."""
    bands = []
    below = Fraction(0)
    for position, band in enumerate(curve):
        start, multiplier = decimal_fraction(band.start), decimal_fraction(band.multiplier)
        end = curve[position + 1].start if position + 1 < len(curve) else None
        if end is None:
            whole = through = end_ratio = None
        else:
            whole = f"{exact_ratio(band.multiplier)} {TIMES} {exact_ratio(_EXACT.subtract(end, band.start))}"
            through = below + multiplier * (decimal_fraction(end) - start)
            end_ratio = (decimal_fraction(end).numerator, decimal_fraction(end).denominator)
        bands.append(((start.numerator, start.denominator), end_ratio, (multiplier.numerator, multiplier.denominator),
                      band, whole, below, through))
        if through is not None:
            below = through
    return tuple(bands)


def highest_band_reached(bands: tuple[Band, ...], value: Fraction) -> Band:
    """The band with the largest start at or below `value` (bands start at 0)."""
    reached = bands[0]
    for band in bands:
        if decimal_fraction(band.start) <= value:
            reached = band
    return reached


def flat_rate_payout(rate: Decimal, credited: Fraction | Decimal) -> CurvePayout:
    """rate x credited, never below 0."""
    credited = Fraction(credited)
    amount = decimal_fraction(rate) * credited
    formula = f"{exact_ratio(rate)} {TIMES} {exact_amount(credited)}"
    if amount < 0:
        return CurvePayout(Fraction(0), (f"flat rate: {formula} is below 0, so it pays nothing", f"0 {TIMES} {exact_ratio(rate)}"))
    return CurvePayout(amount, ("flat rate on the credited amount", formula))
