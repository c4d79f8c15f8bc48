"""Revenue metrics of the deals: the numbers OKR key results, the growth review and the
plan back-test read. One ledger: they use the payout's own definitions.

- ARR of an account at date t and a rep's book are `comp_engine.metrics.BookMetrics`
  (`arr_at`, `book_credits`): the same functions the payout's book metrics use.
- A scope is `None` (the company: every deal at its full amount, every account) or a
  set of rep positions (a person's or a team's reps: the deals credited to them,
  weighted by their share; their book is the accounts whose latest `new` deal on or
  before E credited one of them, weighted by the sum of their shares).
- Flow metrics sum the deals closed from `flow_start` to E, inclusive:
  `new_arr`, `expansion_arr`, `churned_arr` (churn amounts), `net_new_arr`
  (new + expansion - contraction - churn) and `sourced_new_arr:<source>` (new deals
  whose `source` column names that source).
- Retention metrics use the window S = E minus `window_months` to E, as in
  `comp_engine.metrics`: the cohort is the accounts of the scope with ARR(S) above 0;
  NRR = sum w x ARR(E) / sum w x ARR(S); GRR = sum w x min(ARR(E), ARR(S)) / sum w x
  ARR(S); logo retention = sum w over cohort accounts with ARR(E) above 0 / sum w.
  An empty cohort leaves the value undefined ("no cohort yet"), never 0.
- `sourced_retained_arr:<source>`: the new deals from that source whose 12-month mark
  (close date plus 12 months) falls inside the window, each counted at
  min(its amount, its account's ARR on the mark): what of them is still live.

Sums are exact integers in cents x share (CREDIT_SCALE units per currency unit).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import numpy as np

from comp_engine.csv_input import trim_id
from comp_engine.deal_columns import read_deal_columns
from comp_engine.deal_table import SHARE_SCALE, DealTable, read_deals
from comp_engine.deal_types import ARR_SIGN, CHURN, CONTRACTION, EXPANSION, NEW
from comp_engine.errors import Problem
from comp_engine.ingest import Rep, Roster
from comp_engine.money import display_amount, round_half_up, rounded_units
from comp_engine.metrics import BookMetrics
from comp_engine.periods import day_number, from_day_number, months_before
from comp_engine.result import CREDIT_SCALE

SOURCE_COLUMN = "source"
FLOW_METRICS = ("new_arr", "expansion_arr", "churned_arr", "net_new_arr")
RETENTION_METRICS = ("net_revenue_retention", "gross_revenue_retention", "logo_retention")
SOURCED_METRICS = ("sourced_new_arr", "sourced_retained_arr")
METRICS = FLOW_METRICS + RETENTION_METRICS + SOURCED_METRICS
RETAINED_AFTER_MONTHS = 12
LABELS = {
    "new_arr": "new ARR", "expansion_arr": "expansion ARR", "churned_arr": "churned ARR",
    "net_new_arr": "net new ARR", "net_revenue_retention": "NRR", "gross_revenue_retention": "GRR",
    "logo_retention": "logo retention", "sourced_new_arr": "sourced new ARR",
    "sourced_retained_arr": "sourced ARR still live after 12 months",
}
_SOURCE = re.compile(r"[a-z0-9_-]{1,40}")
_ARR_SIGN = np.array(ARR_SIGN, dtype=np.int64)


class MetricUnknown(ValueError):
    """The text does not name a revenue metric."""


@dataclass(frozen=True)
class MetricName:
    """A revenue metric, e.g. `net_revenue_retention` or `sourced_new_arr:marketing`."""

    name: str
    source: str | None = None

    def __str__(self) -> str:
        return f"{self.name}:{self.source}" if self.source else self.name

    @property
    def is_ratio(self) -> bool:
        return self.name in RETENTION_METRICS

    @property
    def uses_window(self) -> bool:
        return self.name in RETENTION_METRICS or self.name == "sourced_retained_arr"

    @property
    def label(self) -> str:
        if self.source:
            return LABELS[self.name].replace("sourced", f"{self.source}-sourced")
        return LABELS[self.name]


def parse_metric(text: str | None) -> MetricName:
    """`new_arr` ... `logo_retention`, or `sourced_new_arr:<source>` / `sourced_retained_arr:<source>`."""
    name, _, source = (text or "").strip().partition(":")
    source = source.strip().lower()
    if name in SOURCED_METRICS:
        if not _SOURCE.fullmatch(source):
            raise MetricUnknown(f"{name} names a deals source, e.g. {name}:marketing")
        return MetricName(name, source)
    if name in FLOW_METRICS + RETENTION_METRICS and not source:
        return MetricName(name)
    raise MetricUnknown(f"{text!r} is not a revenue metric; use one of {', '.join(FLOW_METRICS + RETENTION_METRICS)}, "
                        "sourced_new_arr:<source> or sourced_retained_arr:<source>")


# --- the ledger -----------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class Ledger:
    """Every deal, credited to every rep it names (no roster needed), plus its source."""

    deals: DealTable
    rep_ids: tuple[str, ...]
    source: np.ndarray  # per deal row, lower-case text, "" when none
    books: BookMetrics

    def reps(self, rep_ids: Iterable[str]) -> frozenset[int]:
        """Positions of the given rep ids (ids the deals never name are left out)."""
        index = {rep_id: position for position, rep_id in enumerate(self.rep_ids)}
        return frozenset(index[rep_id] for rep_id in rep_ids if rep_id in index)

    @property
    def last_day(self) -> date | None:
        """The latest close date: how far the data reaches."""
        return from_day_number(int(self.deals.day.max())) if len(self.deals) else None


def read_ledger(content: bytes, file: str) -> tuple[Ledger | None, list[Problem]]:
    """Read a deals.csv (optional `split` and `source` columns) into a Ledger.

    Every rep the file names is credited, so the same file the payout reads gives
    every scope's numbers."""
    columns, problems = read_deal_columns(content, file, extra=(SOURCE_COLUMN,))
    if columns is None or not columns.columns:
        return None, problems
    names = dict.fromkeys(rep for rep in map(trim_id, columns.columns["rep_id"].to_pylist()) if rep)
    for split in columns.columns["split"].to_pylist():
        for part in split.split(";"):
            rep = trim_id(part.partition(":")[0])
            if rep:
                names.setdefault(rep)
    roster = Roster(tuple(Rep(rep, rep, "", "", None, None, 0) for rep in names))
    source = np.array([text.strip().lower() for text in columns.columns[SOURCE_COLUMN].to_pylist()], dtype=object)
    deals, problems = read_deals(content, file, roster, columns=(columns, problems))
    if deals is None:
        return None, problems
    return Ledger(deals, tuple(names), source, BookMetrics(deals, len(names))), problems


# --- values ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class AccountLine:
    """One account behind a value: its weight (share), and its numbers in cents.

    Flow metrics: `end_cents` is the weighted amount credited. Retention: ARR on S and
    on E (unweighted), and the weight in the cohort."""

    account_id: str
    weight: Fraction
    start_cents: int
    end_cents: int


@dataclass(frozen=True)
class RevenueValue:
    """A metric's value for one scope and date, with the numbers that explain it."""

    metric: MetricName
    value: Fraction | None  # currency units, or a ratio; None: no cohort yet
    numerator: Fraction
    denominator: Fraction | None
    count: int
    window_start: date
    window_end: date
    explanation: str
    accounts: tuple[AccountLine, ...]

    @property
    def number(self) -> float | None:
        """The value as a key result stores it: a ratio to 4 decimals, an amount to the cent."""
        if self.value is None:
            return None
        places = 4 if self.metric.is_ratio else 2
        return rounded_units(self.value, places) / 10**places


def _units(value: int) -> Fraction:
    return Fraction(int(value), CREDIT_SCALE)


def _amount(value: Fraction) -> str:
    return display_amount(Fraction(rounded_units(value, 0)))


def _ratio(value: Fraction) -> str:
    units = rounded_units(value, 2)
    return f"{'-' if units < 0 else ''}{abs(units) // 100}.{abs(units) % 100:02d}"


def _weights(ledger: Ledger, scope: frozenset[int] | None) -> tuple[np.ndarray, np.ndarray]:
    """(deal row, weight in SHARE_SCALE) of every deal the scope is credited with."""
    deals = ledger.deals
    if scope is None:
        return np.arange(len(deals), dtype=np.int64), np.full(len(deals), SHARE_SCALE, dtype=np.int64)
    rows = np.flatnonzero(np.isin(deals.credit_rep, sorted(scope)))
    return deals.credit_deal[rows].astype(np.int64), deals.credit_share[rows].astype(np.int64)


def measure(ledger: Ledger, metric: MetricName, scope: frozenset[int] | None, flow_start: date, on: date,
            window_months: int = 12, book: str = "originated") -> RevenueValue:
    """The metric for the scope measured on `on` (flows from `flow_start`, retention over the window).

    Retention of a rep scope is measured on its `originated` book (or `renewed`, for
    customer success)."""
    if metric.name in RETENTION_METRICS:
        return _retention(ledger, metric, scope, on, window_months, book)
    if metric.name == "sourced_retained_arr":
        return _sourced_retained(ledger, metric, scope, on, window_months)
    return _flow(ledger, metric, scope, flow_start, on)


def _per_account(ledger: Ledger, rows: np.ndarray, values: np.ndarray) -> tuple[AccountLine, ...]:
    deals = ledger.deals
    totals: dict[int, int] = {}
    for account, value in zip(deals.account[rows].tolist(), values.tolist()):
        totals[account] = totals.get(account, 0) + value
    return tuple(AccountLine(str(deals.account_ids[account]), Fraction(1), 0, rounded_units(_units(total)))
                 for account, total in sorted(totals.items(), key=lambda item: str(deals.account_ids[item[0]])))


def _flow(ledger: Ledger, metric: MetricName, scope: frozenset[int] | None, flow_start: date, on: date) -> RevenueValue:
    deals = ledger.deals
    rows, weight = _weights(ledger, scope)
    inside = (deals.day[rows] >= day_number(flow_start)) & (deals.day[rows] <= day_number(on))
    rows, weight = rows[inside], weight[inside]
    kind = deals.type[rows].astype(np.int64)
    units = deals.amount_cents[rows] * weight

    def total(code: int) -> Fraction:
        return _units(int(units[kind == code].sum()))

    span = f"closed {flow_start.isoformat()} to {on.isoformat()}"
    credited = "" if scope is None else ", credited by share"
    if metric.name == "net_new_arr":
        signed = units * _ARR_SIGN[kind]
        moving = kind != 2  # renewals do not move ARR
        value = _units(int(signed.sum()))
        explanation = (f"net new ARR = new {_amount(total(NEW))} + expansion {_amount(total(EXPANSION))} − contraction "
                       f"{_amount(total(CONTRACTION))} − churn {_amount(total(CHURN))} = {_amount(value)} "
                       f"(deals {span}{credited})")
        accounts = _per_account(ledger, rows[moving], signed[moving])
        count = int(moving.sum())
    else:
        code = {"new_arr": NEW, "sourced_new_arr": NEW, "expansion_arr": EXPANSION, "churned_arr": CHURN}[metric.name]
        chosen = kind == code
        if metric.source:
            chosen &= ledger.source[rows] == metric.source
        value = _units(int(units[chosen].sum()))
        count = int(chosen.sum())
        what = {NEW: "new", EXPANSION: "expansion", CHURN: "churn"}[code]
        source = f" from {metric.source}" if metric.source else ""
        explanation = (f"{metric.label} = sum of {count} {what} deal{'s' if count != 1 else ''}{source} {span}"
                       f"{credited} = {_amount(value)}")
        accounts = _per_account(ledger, rows[chosen], units[chosen])
    return RevenueValue(metric, value, value, None, count, flow_start, on, explanation, accounts)


def cohort_of(ledger: Ledger, scope: frozenset[int] | None, end: date, book: str = "originated"
              ) -> tuple[np.ndarray, np.ndarray]:
    """(account, weight in SHARE_SCALE) of the scope's book on `end`: every account for the company."""
    if scope is None:
        accounts = np.arange(len(ledger.deals.account_ids), dtype=np.int64)
        return accounts, np.full(len(accounts), SHARE_SCALE, dtype=np.int64)
    rep, account, share = ledger.books.book_credits(book, end)
    mine = np.isin(rep, sorted(scope))
    weight = np.zeros(len(ledger.deals.account_ids), dtype=np.int64)
    np.add.at(weight, account[mine], share[mine])
    accounts = np.flatnonzero(weight > 0)
    return accounts, weight[accounts]


def _retention(ledger: Ledger, metric: MetricName, scope: frozenset[int] | None, on: date, window_months: int,
               book: str = "originated") -> RevenueValue:
    start = months_before(on, window_months)
    accounts, weight = cohort_of(ledger, scope, on, book)
    arr_start = ledger.books.arr_at(start)[accounts]
    arr_end = ledger.books.arr_at(on)[accounts]
    cohort = arr_start > 0
    accounts, weight, arr_start, arr_end = accounts[cohort], weight[cohort], arr_start[cohort], arr_end[cohort]
    count = len(accounts)
    lines = tuple(AccountLine(str(ledger.deals.account_ids[a]), Fraction(int(w), SHARE_SCALE), int(s), int(e))
                  for a, w, s, e in sorted(zip(accounts.tolist(), weight.tolist(), arr_start.tolist(), arr_end.tolist()),
                                           key=lambda item: str(ledger.deals.account_ids[item[0]])))
    weighted = "" if scope is None else " (weighted by share)"
    if count == 0:
        whose = "the company's" if scope is None else f"this scope's {book}"
        explanation = (f"no cohort yet: no account of {whose} book had ARR above 0 on {start.isoformat()}, "
                       "so there is nothing to retain yet")
        return RevenueValue(metric, None, Fraction(0), Fraction(0), 0, start, on, explanation, lines)
    plural = "s" if count != 1 else ""
    if metric.name == "logo_retention":
        numerator = Fraction(int(weight[arr_end > 0].sum()), SHARE_SCALE)
        denominator = Fraction(int(weight.sum()), SHARE_SCALE)
        value = numerator / denominator
        explanation = (f"logo retention = accounts still paying on {on.isoformat()} / accounts paying on "
                       f"{start.isoformat()}{weighted} = {_count(numerator)} / {_count(denominator)} = {_ratio(value)}")
        return RevenueValue(metric, value, numerator, denominator, count, start, on, explanation, lines)
    denominator = _units(int((weight * arr_start).sum()))
    if metric.name == "gross_revenue_retention":
        numerator = _units(int((weight * np.minimum(arr_start, arr_end)).sum()))
        head = f"GRR = ARR kept on {on.isoformat()} (each account at most its ARR on {start.isoformat()})"
    else:
        numerator = _units(int((weight * arr_end).sum()))
        head = f"NRR = ARR on {on.isoformat()}"
    value = numerator / denominator
    explanation = (f"{head} / ARR on {start.isoformat()} over {count} account{plural}{weighted} = "
                   f"{_amount(numerator)} / {_amount(denominator)} = {_ratio(value)}")
    return RevenueValue(metric, value, numerator, denominator, count, start, on, explanation, lines)


def _count(value: Fraction) -> str:
    """A (share-weighted) account count: whole when it is, else rounded half-up to two decimals, exactly."""
    return str(value.numerator) if value.denominator == 1 else f"{round_half_up(value):f}"


def arr_on_marks(ledger: Ledger, accounts: np.ndarray, days: np.ndarray) -> np.ndarray:
    """ARR (cents) of each account on its own day (days since 1970), counting deals closed on or before it.

    One sort of the deals by account and day, then a binary search per query: the cost
    grows with deals + queries, not their product."""
    deals = ledger.deals
    delta = deals.amount_cents * _ARR_SIGN[deals.type.astype(np.int64)]
    order = np.lexsort((deals.day, deals.account))
    span = np.int64(1 << 32)
    keys = deals.account[order].astype(np.int64) * span + deals.day[order].astype(np.int64)
    running = np.cumsum(delta[order])
    first = np.searchsorted(keys, accounts.astype(np.int64) * span, side="left")
    last = np.searchsorted(keys, accounts.astype(np.int64) * span + days.astype(np.int64), side="right") - 1
    before = np.where(first > 0, running[np.maximum(first - 1, 0)], 0)
    return np.where(last >= first, running[np.maximum(last, 0)] - before, 0)


@dataclass(frozen=True)
class KeptAfter:
    """New deals checked at their 12-month mark: weighted amount, weighted amount still live."""

    rows: np.ndarray
    weight: np.ndarray
    sold_units: np.ndarray
    kept_units: np.ndarray
    marks: np.ndarray  # day numbers


def kept_after(ledger: Ledger, rows: np.ndarray, weight: np.ndarray, months: int = RETAINED_AFTER_MONTHS) -> KeptAfter:
    """For each given new deal: min(amount, its account's ARR `months` after it closed), weighted."""
    deals = ledger.deals
    marks = np.array([day_number(months_before(from_day_number(day), -months)) for day in deals.day[rows].tolist()],
                     dtype=np.int64)
    arr = arr_on_marks(ledger, deals.account[rows], marks) if len(rows) else np.zeros(0, dtype=np.int64)
    amount = deals.amount_cents[rows]
    kept = np.clip(arr, 0, amount)
    return KeptAfter(rows, weight, amount * weight, kept * weight, marks)


def new_deals_of(ledger: Ledger, scope: frozenset[int] | None, start: date, end: date,
                 source: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(deal row, weight) of the scope's new deals closed from start to end (optionally from one source)."""
    rows, weight = _weights(ledger, scope)
    deals = ledger.deals
    chosen = ((deals.type[rows] == NEW) & (deals.day[rows] >= day_number(start)) & (deals.day[rows] <= day_number(end)))
    if source:
        chosen &= ledger.source[rows] == source
    return rows[chosen], weight[chosen]


def _sourced_retained(ledger: Ledger, metric: MetricName, scope: frozenset[int] | None, on: date,
                      window_months: int) -> RevenueValue:
    start = months_before(on, window_months)
    closed_from = months_before(start, RETAINED_AFTER_MONTHS)
    closed_to = months_before(on, RETAINED_AFTER_MONTHS)
    rows, weight = new_deals_of(ledger, scope, closed_from, closed_to, metric.source)
    kept = kept_after(ledger, rows, weight)
    due = (kept.marks > day_number(start)) & (kept.marks <= day_number(on))
    sold, value = _units(int(kept.sold_units[due].sum())), _units(int(kept.kept_units[due].sum()))
    count = int(due.sum())
    share = f" ({_ratio(value / sold)} of it)" if sold else ""
    explanation = (f"{metric.label} = the {count} new deal{'s' if count != 1 else ''} from {metric.source} that "
                   f"reached 12 months between {start.isoformat()} and {on.isoformat()}, each at most its account's "
                   f"ARR on its 12-month mark: {_amount(value)} still live of {_amount(sold)} sold{share}")
    deals = ledger.deals
    accounts = tuple(AccountLine(str(deals.account_ids[deals.account[row]]), Fraction(int(w), SHARE_SCALE),
                                 rounded_units(_units(int(s))), rounded_units(_units(int(k))))
                     for row, w, s, k in zip(rows[due].tolist(), weight[due].tolist(),
                                             kept.sold_units[due].tolist(), kept.kept_units[due].tolist()))
    return RevenueValue(metric, value, value, sold, count, start, on, explanation, accounts)


def still_live(ledger: Ledger, scope: frozenset[int] | None, start: date, on: date, source: str | None = None
               ) -> RevenueValue:
    """Of the new ARR closed from `start` to `on` (optionally from one source), how much is live on `on`:
    each deal at most its account's ARR that day, weighted by share."""
    rows, weight = new_deals_of(ledger, scope, start, on, source)
    days = np.full(len(rows), day_number(on), dtype=np.int64)
    arr = arr_on_marks(ledger, ledger.deals.account[rows], days) if len(rows) else np.zeros(0, dtype=np.int64)
    amount = ledger.deals.amount_cents[rows]
    sold, value = _units(int((amount * weight).sum())), _units(int((np.clip(arr, 0, amount) * weight).sum()))
    label = f"{source}-sourced new ARR" if source else "new ARR"
    share = f" ({_ratio(value / sold)} of it)" if sold else ""
    explanation = (f"{label} still live on {on.isoformat()} = {_amount(value)} of {_amount(sold)} closed "
                   f"{start.isoformat()} to {on.isoformat()}{share}")
    metric = MetricName("sourced_new_arr", source) if source else MetricName("new_arr")
    return RevenueValue(metric, value, value, sold, len(rows), start, on, explanation, ())


def shown(value: RevenueValue) -> str:
    """A value as the explanations write it: '1,234,000', '1.08', or 'no cohort yet'."""
    if value.value is None:
        return "no cohort yet"
    return _ratio(value.value) if value.metric.is_ratio else _amount(value.value)
