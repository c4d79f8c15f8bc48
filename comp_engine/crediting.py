"""Crediting: who is credited how much for the deals closed in a quarter.

A deal closed inside the quarter (close_date between its first and last day,
inclusive) is credited to each of its reps at amount x share, negative for
contraction and churn. A component's credited amount is the sum over the deal types
it lists. Credit is kept in exact integer units of cents x share-in-1/10,000
(`CREDIT_SCALE` units per currency unit) and summed with numpy in one pass.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from comp_engine.deal_types import CREDIT_SIGN, DEAL_TYPES, TYPE_CODE
from comp_engine.deal_table import DealTable
from comp_engine.periods import Period, day_number
from comp_engine.result import CREDIT_SCALE, DealCredits, PeriodDeals

_CREDIT_SIGN = np.array(CREDIT_SIGN, dtype=np.int64)


@functools.lru_cache(maxsize=64)
def _type_codes(types: tuple[str, ...]) -> tuple[int, ...]:
    """The codes of a component's deal types (looked up once per component, not once per rep)."""
    return tuple(TYPE_CODE[name] for name in types)


def credit_rows_in(deals: DealTable, period: Period) -> np.ndarray:
    """Positions of the credit rows whose deal closed inside the period."""
    deal_day = deals.day[deals.credit_deal]
    return np.flatnonzero((deal_day >= day_number(period.start)) & (deal_day <= day_number(period.end)))


@dataclass(frozen=True, eq=False)
class QuarterCredit:
    """Signed credit per rep and deal type for one quarter, in CREDIT_SCALE units."""

    period: Period
    units: list[list[int]]  # [rep][deal type code]

    def credited_units(self, rep: int, types: tuple[str, ...]) -> int:
        """The rep's signed credit over the listed deal types."""
        by_type = self.units[rep]
        return sum(by_type[code] for code in _type_codes(types))

    def credited(self, rep: int, types: tuple[str, ...]) -> Fraction:
        """The rep's credited amount over the listed deal types, in currency."""
        return Fraction(self.credited_units(rep, types), CREDIT_SCALE)


def quarter_credit(deals: DealTable, period: Period, rep_count: int) -> QuarterCredit:
    """Sum the signed credit of the quarter's deals per rep and type (exact int64)."""
    rows = credit_rows_in(deals, period)
    deal = deals.credit_deal[rows]
    deal_type = deals.type[deal].astype(np.int64)
    signed = deals.amount_cents[deal] * deals.credit_share[rows].astype(np.int64) * _CREDIT_SIGN[deal_type]
    units = np.zeros(rep_count * len(DEAL_TYPES), dtype=np.int64)
    np.add.at(units, deals.credit_rep[rows].astype(np.int64) * len(DEAL_TYPES) + deal_type, signed)
    return QuarterCredit(period, units.reshape(rep_count, len(DEAL_TYPES)).tolist())


class DealsBehind:
    """The quarter's credited deals grouped by rep, to list behind each component."""

    def __init__(self, deals: DealTable, period: Period, rep_count: int) -> None:
        rows = credit_rows_in(deals, period)
        rows = rows[np.argsort(deals.credit_rep[rows], kind="stable")]
        deal = deals.credit_deal[rows]
        self._store = PeriodDeals(
            deal_id=deals.deal_id[deal], account_id=deals.account_ids[deals.account[deal]],
            type_code=deals.type[deal], day=deals.day[deal], amount_cents=deals.amount_cents[deal],
            share_units=deals.credit_share[rows],
        )
        self._bounds = np.searchsorted(deals.credit_rep[rows], np.arange(rep_count + 1)).tolist()
        self._listed: dict[tuple[str, ...], np.ndarray] = {}

    def for_rep(self, rep: int, types: tuple[str, ...]) -> DealCredits:
        """The rep's credited deals of the listed types, in file order."""
        start, stop = self._bounds[rep], self._bounds[rep + 1]
        listed = self._listed.get(types)
        if listed is None:
            listed = self._listed[types] = np.zeros(len(DEAL_TYPES), dtype=bool)
            listed[[TYPE_CODE[name] for name in types]] = True
        return DealCredits(self._store, span=(start, stop, listed))
