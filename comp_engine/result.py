"""The result of a payout run: every line of every statement, traceable to its inputs.

A `PayoutResult` holds, for each rep on the roster, a `RepStatement` whose lines are
exactly the rows of lines.csv: one `ComponentLine` per plan component (with the deals
behind it), one `ModifierLine` per plan modifier and one `ClawbackLine` per clawed-back
deal. Each line keeps its exact unrounded value (a `Fraction`: attainment is a ratio
a decimal cannot always hold), its amount rounded once half-up to the cent, and the
rule applied in words. A rep's total is the sum of their rounded lines.

The PDF statements, the database-backed run and the web pages all read this object;
nothing here depends on how it is stored or shown.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import TypeVar

import numpy as np

from comp_engine.deal_table import SHARE_SCALE
from comp_engine.deal_types import CREDIT_SIGN, DEAL_TYPES, TYPE_CODE
from comp_engine.draws import DrawLine, DrawSettlement
from comp_engine.employment import Proration
from comp_engine.money import CENTS_PER_UNIT, cents_text, cents_to_decimal, round_half_up
from comp_engine.periods import from_day_number
from comp_engine.written import WrittenWhenRead

T = TypeVar("T")

CREDIT_SCALE = CENTS_PER_UNIT * SHARE_SCALE
"""Credit units per currency unit: credit is computed as cents x share (in 1/10,000)."""


_PLACES: dict[int, int] = {}
"""Decimal places of each power-of-ten scale, counted once."""


def units_to_decimal(units: int, scale: int = CREDIT_SCALE) -> Decimal:
    """An exact Decimal for `units / scale`, where scale is a power of ten."""
    return Decimal(units_text(units, scale))


def units_text(units: int, scale: int = CREDIT_SCALE) -> str:
    """The text of `units_to_decimal(units, scale)`, without making the Decimal (a statement's
    deal lists are written as text: a run of 2,000 statements lists about 150,000 deals)."""
    places = _PLACES.get(scale)
    if places is None:
        places = _PLACES.setdefault(scale, len(str(scale)) - 1)
    sign = "-" if units < 0 else ""
    whole, part = divmod(abs(int(units)), scale)
    return f"{sign}{whole}.{part:0{places}d}" if places else f"{sign}{whole}"


@dataclass(frozen=True, slots=True)
class DealCredit:
    """One deal behind a line, and how much of it this rep was credited.

    `amount_cents` is the ARR written on the deal (positive); `share_units` is the
    rep's share in 1/10,000 (10,000 = the whole deal, 6,000 for `rep:60` in a split).
    """

    deal_id: str
    account_id: str
    type: str
    close_date: date
    amount_cents: int
    share_units: int

    @property
    def amount(self) -> Decimal:
        """ARR on the deal as written, e.g. Decimal('60000.00')."""
        return cents_to_decimal(self.amount_cents)

    @property
    def share(self) -> Decimal:
        """The rep's share of the deal: Decimal('0.6000') for 60 %."""
        return units_to_decimal(self.share_units, SHARE_SCALE)

    @property
    def credited_units(self) -> int:
        """Signed credit in CREDIT_SCALE units (negative for contraction and churn)."""
        return CREDIT_SIGN[TYPE_CODE[self.type]] * self.amount_cents * self.share_units

    @property
    def credited(self) -> Decimal:
        """Signed amount x share, exact (up to six decimals)."""
        return units_to_decimal(self.credited_units)


class PeriodDeals:
    """The quarter's credited deals as compact columns (one entry per deal and rep
    credited), shared by every line of a run. `DealCredits` are views into it."""

    __slots__ = ("deal_id", "account_id", "type", "day", "amount_cents", "share_units")

    def __init__(self, deal_id: np.ndarray, account_id: np.ndarray, type_code: np.ndarray, day: np.ndarray,
                 amount_cents: np.ndarray, share_units: np.ndarray) -> None:
        self.deal_id = deal_id
        self.account_id = account_id
        self.type = type_code
        self.day = day
        self.amount_cents = amount_cents
        self.share_units = share_units

    def texts(self, positions: np.ndarray) -> list[tuple[str, ...]]:
        """The deals at `positions` as the texts of their `DealCredit` fields: (deal_id, account_id,
        type, close_date, amount, share, credited), each as `DealCredit` would print it."""
        days: dict[int, str] = {}
        return [
            (deal_id, account_id, DEAL_TYPES[code], days.get(day) or days.setdefault(day, from_day_number(day).isoformat()),
             cents_text(amount), units_text(share, SHARE_SCALE), units_text(CREDIT_SIGN[code] * amount * share))
            for deal_id, account_id, code, day, amount, share in zip(
                self.deal_id[positions].tolist(), self.account_id[positions].tolist(),
                self.type[positions].tolist(), self.day[positions].tolist(),
                self.amount_cents[positions].tolist(), self.share_units[positions].tolist())
        ]

    def credits(self, positions: np.ndarray) -> tuple[DealCredit, ...]:
        days: dict[int, date] = {}
        return tuple(
            DealCredit(deal_id, account_id, DEAL_TYPES[code], days.get(day) or days.setdefault(day, from_day_number(day)),
                       amount, share)
            for deal_id, account_id, code, day, amount, share in zip(
                self.deal_id[positions].tolist(), self.account_id[positions].tolist(),
                self.type[positions].tolist(), self.day[positions].tolist(),
                self.amount_cents[positions].tolist(), self.share_units[positions].tolist())
        )


class RowsOnDemand(Sequence[T]):
    """An immutable sequence whose items are made on first use (`_load`), so that a run over a million deals
    creates an object per deal or account only when a statement lists them. Equal to another of its kind,
    or to a tuple, with the same items."""

    __slots__ = ("_items",)
    noun = "items"

    def _load(self) -> tuple[T, ...]:
        raise NotImplementedError

    def _all(self) -> tuple[T, ...]:
        if self._items is None:
            self._items = self._load()
        return self._items

    def __len__(self) -> int:
        return len(self._all())

    def __getitem__(self, index):  # noqa: ANN001, ANN204
        return self._all()[index]

    def __iter__(self) -> Iterator[T]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, type(self)):
            return self._all() == other._all()
        if isinstance(other, tuple):
            return self._all() == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._all())

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} {self.noun})"


class DealCredits(RowsOnDemand[DealCredit]):
    """The deals behind a line, in file order, made from the run's `PeriodDeals` on first use.

    Built from explicit `positions` into the store, or from a `span` of it: (start, stop, a mask of the
    deal types listed, by type code), whose positions are found only when asked: most lines of a run
    never list their deals (the CSV files do not)."""

    __slots__ = ("_store", "_positions", "_range")
    noun = "deals"

    def __init__(self, store: PeriodDeals | None = None, positions: np.ndarray | None = None,
                 span: tuple[int, int, np.ndarray] | None = None) -> None:
        self._store = store
        self._range = span
        self._positions = positions if positions is not None or span is not None else np.empty(0, dtype=np.int64)
        self._items: tuple[DealCredit, ...] | None = None if store is not None else ()

    @property
    def positions(self) -> np.ndarray:
        if self._positions is None:
            start, stop, types = self._range  # type: ignore[misc]
            self._positions = np.flatnonzero(types[self._store.type[start:stop]]) + start  # type: ignore[union-attr]
        return self._positions

    def _load(self) -> tuple[DealCredit, ...]:
        return self._store.credits(self.positions)  # type: ignore[union-attr]

    def texts(self) -> list[tuple[str, ...]]:
        """The deals as texts (`PeriodDeals.texts`), without making a DealCredit each."""
        return self._store.texts(self.positions) if self._store is not None else []

    def __len__(self) -> int:
        return len(self.positions)


@dataclass(frozen=True)
class CohortAccount:
    """One account of a rep's cohort: the rep's share of it and its ARR on the window's
    first and last day (the account's, not weighted by the share)."""

    account_id: str
    share: Decimal
    arr_start: Decimal
    arr_end: Decimal


@dataclass(frozen=True)
class MetricValue:
    """A retention metric of a rep's book over the window [window_start, window_end].

    The book's accounts are weighted by the rep's share; the cohort is the book's
    accounts with ARR on window_start above 0. `numerator` / `denominator` = `value`:
    share-weighted ARR (end, or min(end, start) for gross retention) over ARR at start,
    or, for logo retention, the share of cohort accounts still paying over the cohort.
    `value` is None when the cohort is empty, and `undefined_reason` says so. `cohort`
    lists every account of the cohort (by account id), so that the metric can be re-added
    by hand: numerator = sum share x ARR at the end (or min of end and start, or share
    when still paying), denominator = sum share x ARR at the start (or share).
    """

    metric: str
    book: str
    window_start: date
    window_end: date
    cohort_accounts: int
    numerator: Decimal
    denominator: Decimal
    value: Fraction | None
    undefined_reason: str | None
    cohort: Sequence[CohortAccount] = ()


@dataclass(frozen=True)
class ComponentLine:
    """What one plan component paid the rep this quarter.

    kind is "quota" (credited vs quota through the curve), "metric" (metric / target
    through the curve) or "flat_rate" (rate x credited, never below 0). `target` is
    the component target T = target incentive x weight. `attainment` is credited /
    quota or metric / target (1.0 when the metric is undefined). `unrounded` is the
    exact payout; `amount` is it rounded half-up to the cent. `deals` are the deals
    credited to this component in the quarter, with the rep's share of each.
    """

    component: str
    kind: str
    credit_types: tuple[str, ...]
    credited: Decimal | None
    quota: Decimal | None
    attainment: Fraction | None
    target: Decimal | None
    rate: Decimal | None
    tiers: str | None
    metric: MetricValue | None
    unrounded: Fraction
    amount: Decimal
    rule: str = WrittenWhenRead()  # type: ignore[assignment]
    deals: DealCredits


@dataclass(frozen=True)
class ModifierLine:
    """A modifier: (multiplier - 1) x the sum of the rep's rounded component lines (`base`).

    `band_start` is the start of the band the metric fell in (None when the metric is
    undefined and the multiplier is 1.0).
    """

    metric: MetricValue
    band_start: Decimal | None
    multiplier: Decimal
    base: Fraction
    unrounded: Fraction
    amount: Decimal
    rule: str = WrittenWhenRead()  # type: ignore[assignment]

    @property
    def component(self) -> str:
        return f"modifier:{self.metric.metric}"


@dataclass(frozen=True)
class ClawbackPart:
    """What one component paid for the clawed-back deal in the deal's own quarter:
    `component_payout` is the rounded line that component paid in that quarter, and
    `earned` = that line x min(1, this deal's credit / the rep's total credit in the
    component), 0 when the line or the total is not above 0."""

    component: str
    component_payout: Fraction
    deal_credited: Decimal
    total_credited: Decimal
    earned: Fraction


@dataclass(frozen=True)
class ClawbackLine:
    """Taking back what a `new` deal earned because its account churned early.

    The churn (`churn_deal_id`, `churn_date`) is in this quarter, `days` after the
    new deal closed (`new_close_date`, in `original_period`), fewer than `window_days`.
    `fraction` is 1 for a full clawback, (window_days - days) / window_days for a
    linear one. `unrounded` = -fraction x the sum of the parts' `earned`.
    """

    deal_id: str
    account_id: str
    new_close_date: date
    original_period: str
    churn_deal_id: str
    churn_date: date
    days: int
    window_days: int
    mode: str
    fraction: Fraction
    parts: tuple[ClawbackPart, ...]
    unrounded: Fraction
    amount: Decimal
    rule: str = WrittenWhenRead()  # type: ignore[assignment]

    @property
    def component(self) -> str:
        return "clawback"


@dataclass(frozen=True)
class RepStatement:
    """One rep's payout for the period: every line and the total (sum of rounded lines).

    `proration` says how employment dates scaled the target incentive and quotas
    (None for a whole quarter, see `comp_engine.employment`); `draw` what a draw
    recovered and advanced (None without a draw, see `comp_engine.draws`); its lines
    come last, and `total` is what the rep is paid.
    """

    rep_id: str
    name: str
    email: str
    manager_id: str | None
    plan_key: str
    plan_name: str
    currency: str
    target_incentive: Decimal
    components: tuple[ComponentLine, ...]
    modifiers: tuple[ModifierLine, ...]
    clawbacks: tuple[ClawbackLine, ...]
    total: Decimal
    proration: Proration | None = None
    draw: DrawSettlement | None = None
    proration_note: str = ""

    @property
    def draw_lines(self) -> tuple[DrawLine, ...]:
        return self.draw.lines if self.draw is not None else ()

    @property
    def lines(self) -> tuple[ComponentLine | ModifierLine | ClawbackLine | DrawLine, ...]:
        """All lines in statement order: components, modifiers, clawbacks, draw."""
        return self.components + self.modifiers + self.clawbacks + self.draw_lines

    @property
    def earned(self) -> Decimal:
        """What the rep's lines earned before any draw (the total without a draw)."""
        return cents_to_decimal(self.draw.earned_cents) if self.draw is not None else self.total

    @property
    def draw_balance(self) -> Decimal:
        """What a recoverable draw is owed after the quarter (0 without one)."""
        return cents_to_decimal(self.draw.balance_after_cents) if self.draw is not None else Decimal("0.00")


@dataclass(frozen=True)
class InputFile:
    """One input of the run and its sha256 (role is deals, roster, quotas or plan)."""

    role: str
    path: str
    sha256: str


@dataclass(frozen=True)
class PayoutResult:
    """A whole payout run for one quarter.

    `fingerprint` is the sha256 over the bytes of the deals, roster and quotas files
    and of every plan file (by file name), in that order: the same inputs always give
    the same fingerprint and the same lines, byte for byte.

    `notes` are sentences finance should read but that do not stop the run, such as
    deals before the quarter crediting reps who are no longer on the roster (see
    `comp_engine.off_roster`).
    """

    period: str
    period_start: date
    period_end: date
    fingerprint: str
    inputs: tuple[InputFile, ...]
    statements: tuple[RepStatement, ...]
    notes: tuple[str, ...] = ()

    def statement(self, rep_id: str) -> RepStatement:
        """The statement of one rep; KeyError if the rep is not on the roster."""
        for statement in self.statements:
            if statement.rep_id == rep_id:
                return statement
        raise KeyError(rep_id)

    def totals_by_currency(self) -> dict[str, Decimal]:
        """The sum of rep totals per currency (plans may pay in different currencies)."""
        return {currency: round_half_up(total) for currency, total in currency_sums(self.statements).items()}


def currency_sums(statements: Iterable[RepStatement]) -> dict[str, Fraction]:
    """The statements' totals added up per currency, exactly."""
    totals: dict[str, Fraction] = {}
    for statement in statements:
        totals[statement.currency] = totals.get(statement.currency, Fraction(0)) + Fraction(statement.total)
    return totals
