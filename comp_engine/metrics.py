"""Long-term KPIs on a rep's book of customers: net and gross revenue retention and
logo retention.

- The book, weighted by the rep's share: `originated` = the accounts whose latest
  `new` deal closed on or before E credited the rep; `renewed` = the accounts whose
  latest `new` or `renewal` deal closed on or before E credited the rep. "Latest" is
  by close_date and, on equal dates, the later row in the file.
- ARR of an account at date t = the sum of new + expansion - contraction - churn
  amounts closed on or before t (renewals do not change ARR).
- The window runs from S = E minus window_months calendar months (day clamped) to E.
  The cohort is the book's accounts with ARR(S) above 0.
- net_revenue_retention = sum share x ARR(E) / sum share x ARR(S) over the cohort;
  gross_revenue_retention = sum share x min(ARR(E), ARR(S)) / sum share x ARR(S);
  logo_retention = sum share over cohort accounts with ARR(E) above 0 / sum share.
- An empty cohort (a new hire) leaves the metric undefined.

Everything is computed for all reps at once with numpy over accounts and credit rows;
sums are exact int64 in units of cents x share.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np

from comp_engine.deal_table import SHARE_SCALE, DealTable
from comp_engine.deal_types import ARR_SIGN, NEW, RENEWAL
from comp_engine.money import cents_text
from comp_engine.periods import day_number, months_before
from comp_engine.text_column import TextColumn
from comp_engine.result import CREDIT_SCALE, CohortAccount, MetricValue, RowsOnDemand, units_text, units_to_decimal

BOOK_TYPES = {"originated": (NEW,), "renewed": (NEW, RENEWAL)}
_ARR_SIGN = np.array(ARR_SIGN, dtype=np.int64)


@dataclass(frozen=True, eq=False)
class BookWindow:
    """Share-weighted cohort sums per rep for one book and one window."""

    book: str
    window_start: date
    window_end: date
    accounts: np.ndarray  # cohort accounts per rep
    share: np.ndarray  # sum of share over the cohort, SHARE_SCALE units
    arr_start: np.ndarray  # sum share x ARR(S), CREDIT_SCALE units
    arr_end: np.ndarray  # sum share x ARR(E)
    arr_kept: np.ndarray  # sum share x min(ARR(E), ARR(S))
    logos_kept: np.ndarray  # sum share over cohort accounts with ARR(E) > 0
    cohort_rows: CohortRows

    def cohort(self, rep: int) -> CohortAccounts:
        """The rep's cohort accounts, by account id, with share and ARR at S and E (built when read)."""
        return CohortAccounts(self.cohort_rows, rep)

    def metric(self, rep: int, metric: str) -> MetricValue:
        """The metric of one rep's book, or an undefined value explaining why."""
        if self.accounts[rep] == 0:
            reason = (f"no account of the rep's {self.book} book had ARR above 0 on {self.window_start.isoformat()}, "
                      "so there is nothing to retain yet")
            zero = units_to_decimal(0)
            return MetricValue(metric, self.book, self.window_start, self.window_end, 0, zero, zero, None, reason)
        if metric == "logo_retention":
            numerator, denominator, scale = int(self.logos_kept[rep]), int(self.share[rep]), SHARE_SCALE
        elif metric == "gross_revenue_retention":
            numerator, denominator, scale = int(self.arr_kept[rep]), int(self.arr_start[rep]), CREDIT_SCALE
        else:
            numerator, denominator, scale = int(self.arr_end[rep]), int(self.arr_start[rep]), CREDIT_SCALE
        return MetricValue(
            metric, self.book, self.window_start, self.window_end, int(self.accounts[rep]),
            units_to_decimal(numerator, scale), units_to_decimal(denominator, scale),
            Fraction(numerator, denominator), None, self.cohort(rep),
        )


class CohortRows:
    """Every rep's cohort accounts as columns, grouped by rep when a statement first lists a cohort
    (a run that writes only CSV lines never does: the sort and the account ids are not needed), so
    that a run over a million deals creates no object per account unless a statement lists its cohort."""

    def __init__(self, rep: np.ndarray, account: np.ndarray, account_ids: TextColumn, share: np.ndarray,
                 arr_start: np.ndarray, arr_end: np.ndarray, rep_count: int) -> None:
        self._columns = (rep, account, account_ids, share, arr_start, arr_end, rep_count)
        self._grouped: tuple[TextColumn, list[int], list[int], list[int], list[int]] | None = None

    def _by_rep(self) -> tuple[TextColumn, list[int], list[int], list[int], list[int]]:
        """(account ids, shares, ARR at S, ARR at E, bounds): each rep's rows from bounds[rep] to bounds[rep + 1]."""
        if self._grouped is None:
            rep, account, account_ids, share, arr_start, arr_end, rep_count = self._columns
            order = np.argsort(rep, kind="stable")
            self._grouped = (account_ids[account[order]], share[order].tolist(), arr_start[order].tolist(),
                             arr_end[order].tolist(), np.searchsorted(rep[order], np.arange(rep_count + 1)).tolist())
        return self._grouped

    def count(self, rep: int) -> int:
        bounds = self._by_rep()[4]
        return bounds[rep + 1] - bounds[rep]

    def texts_of_rep(self, rep: int) -> list[tuple[str, str, str, str]]:
        """The rep's cohort as the texts of `of_rep`'s accounts, in the same order, without the objects."""
        account_ids, shares, starts, ends, bounds = self._by_rep()
        start, stop = bounds[rep], bounds[rep + 1]
        return sorted(((str(account), units_text(share, SHARE_SCALE), cents_text(start_cents), cents_text(end_cents))
                       for account, share, start_cents, end_cents in zip(
                           account_ids[start:stop].tolist(), shares[start:stop], starts[start:stop], ends[start:stop])),
                      key=lambda account: account[0])

    def of_rep(self, rep: int) -> tuple[CohortAccount, ...]:
        return tuple(CohortAccount(account, Decimal(share), Decimal(start), Decimal(end))
                     for account, share, start, end in self.texts_of_rep(rep))


class CohortAccounts(RowsOnDemand[CohortAccount]):
    """One rep's cohort: `CohortAccount`s by account id, made on first use."""

    __slots__ = ("_rows", "_rep")
    noun = "accounts"

    def __init__(self, rows: CohortRows, rep: int) -> None:
        self._rows = rows
        self._rep = rep
        self._items: tuple[CohortAccount, ...] | None = None

    def _load(self) -> tuple[CohortAccount, ...]:
        return self._rows.of_rep(self._rep)

    def texts(self) -> list[tuple[str, str, str, str]]:
        """(account_id, share, ARR at the start, ARR at the end) per account, as texts."""
        return self._rows.texts_of_rep(self._rep)

    def __len__(self) -> int:
        return self._rows.count(self._rep)


class BookMetrics:
    """Computes (and caches) book windows for one payout run's deals."""

    def __init__(self, deals: DealTable, rep_count: int) -> None:
        self.deals = deals
        self.rep_count = rep_count
        self._arr: dict[int, np.ndarray] = {}
        self._books: dict[tuple[str, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._windows: dict[tuple[str, date, int], BookWindow] = {}
        self._arr_delta = deals.amount_cents * _ARR_SIGN[deals.type.astype(np.int64)]

    def window(self, book: str, end: date, months: int) -> BookWindow:
        key = (book, end, months)
        if key not in self._windows:
            self._windows[key] = self._compute(book, end, months)
        return self._windows[key]

    def arr_at(self, day: date) -> np.ndarray:
        """ARR per account (cents) counting every deal closed on or before `day`."""
        number = day_number(day)
        if number not in self._arr:
            arr = np.zeros(len(self.deals.account_ids), dtype=np.int64)
            closed = self.deals.day <= number
            np.add.at(arr, self.deals.account[closed], self._arr_delta[closed])
            self._arr[number] = arr
        return self._arr[number]

    def book_credits(self, book: str, end: date) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(rep, account, share) of the credit rows of each account's book deal."""
        key = (book, day_number(end))
        if key not in self._books:
            deals = self.deals
            eligible = np.flatnonzero(np.isin(deals.type, BOOK_TYPES[book]) & (deals.day <= key[1]))
            # Latest by close date, then by row: the largest day x rows + row per account.
            rank = deals.day[eligible].astype(np.int64) * len(deals) + eligible
            latest = np.full(len(deals.account_ids), -1, dtype=np.int64)
            np.maximum.at(latest, deals.account[eligible], rank)
            is_book_deal = np.zeros(len(deals), dtype=bool)
            is_book_deal[latest[latest >= 0] % len(deals)] = True
            rows = np.flatnonzero(is_book_deal[deals.credit_deal])
            self._books[key] = (
                deals.credit_rep[rows].astype(np.int64),
                deals.account[deals.credit_deal[rows]].astype(np.int64),
                deals.credit_share[rows].astype(np.int64),
            )
        return self._books[key]

    def _compute(self, book: str, end: date, months: int) -> BookWindow:
        start = months_before(end, months)
        rep, account, share = self.book_credits(book, end)
        arr_start = self.arr_at(start)[account]
        arr_end = self.arr_at(end)[account]
        cohort = arr_start > 0
        rep, share, arr_start, arr_end = rep[cohort], share[cohort], arr_start[cohort], arr_end[cohort]

        def per_rep(values: np.ndarray) -> np.ndarray:
            total = np.zeros(self.rep_count, dtype=np.int64)
            np.add.at(total, rep, values)
            return total

        return BookWindow(
            cohort_rows=CohortRows(rep, account[cohort], self.deals.account_ids, share, arr_start, arr_end,
                                   self.rep_count),
            book=book, window_start=start, window_end=end,
            accounts=per_rep(np.ones(len(rep), dtype=np.int64)),
            share=per_rep(share),
            arr_start=per_rep(share * arr_start),
            arr_end=per_rep(share * arr_end),
            arr_kept=per_rep(share * np.minimum(arr_start, arr_end)),
            logos_kept=per_rep(share * (arr_end > 0)),
        )
