"""ARR never goes negative: a contraction or churn larger than what the account pays is bad input.

The ARR of an account on a date is the sum of its new and expansion amounts minus its
contraction and churn amounts closed on or before that date (renewals leave it alone).
A contraction or churn row is refused (exit 2, naming file, line and field, and the
ARR it would leave) when the account has no ARR at its date, or when it is larger than
that ARR. "At its date" counts every new and expansion deal of that date first (a
customer signed and lost on one day had ARR that day), then the date's contractions
and churns in file order. Only the first such row of an account is reported: the rows
after it are measured against an ARR that is already wrong.

Checked for a million rows at once with numpy: one sort by account and date, one
running sum.
"""
from __future__ import annotations

import numpy as np

from comp_engine.deal_table import DealTable
from comp_engine.deal_types import ARR_SIGN, DEAL_TYPES
from comp_engine.errors import Problem
from comp_engine.money import cents_to_decimal
from comp_engine.periods import from_day_number

_ARR_SIGN = np.array(ARR_SIGN, dtype=np.int64)


def negative_arr_problems(deals: DealTable, source: str) -> list[Problem]:
    """A Problem for the first contraction or churn of each account that would leave
    it with negative ARR, or that hits an account with no ARR; in file order."""
    sign = _ARR_SIGN[deals.type.astype(np.int64)]
    rows = np.flatnonzero(sign != 0)
    if not len(rows) or not (sign[rows] < 0).any():
        return []
    # Only accounts with a contraction or churn can go negative: the others are left out of the sort.
    lowered = np.zeros(len(deals.account_ids), dtype=bool)
    lowered[deals.account[rows[sign[rows] < 0]]] = True
    rows = rows[lowered[deals.account[rows]]]
    decrease = sign[rows] < 0
    order = np.lexsort((rows, decrease, deals.day[rows], deals.account[rows]))
    rows, decrease = rows[order], decrease[order]
    account = deals.account[rows]
    delta = deals.amount_cents[rows] * sign[rows]
    running = np.cumsum(delta)
    group_start = np.flatnonzero(np.r_[True, account[1:] != account[:-1]])
    offset = np.repeat(running[group_start] - delta[group_start], np.diff(np.r_[group_start, len(rows)]))
    after = running - offset
    before = after - delta
    bad = decrease & ((before <= 0) | (after < 0))
    if not bad.any():
        return []
    _, first = np.unique(account[bad], return_index=True)
    found = []
    for position in np.flatnonzero(bad)[first].tolist():
        row = int(rows[position])
        kind = DEAL_TYPES[int(deals.type[row])]
        day = from_day_number(int(deals.day[row])).isoformat()
        amount = cents_to_decimal(int(deals.amount_cents[row]))
        had = cents_to_decimal(int(before[position]))
        left = cents_to_decimal(int(after[position]))
        account_id = deals.account_ids[deals.account[row]]
        if before[position] <= 0:
            message = (f"account {account_id} has no ARR on {day} ({_money(had)}), so it cannot {_verb(kind)}: "
                       f"this {kind} of {_money(amount)} would leave ARR of {_money(left)}")
        else:
            message = (f"this {kind} of {_money(amount)} is larger than the ARR of account {account_id} on {day} "
                       f"({_money(had)}): it would leave ARR of {_money(left)}")
        found.append((row, Problem(source, int(deals.line[row]), "amount",
                                   message + "; ARR never goes negative, so check the amount, the type and the "
                                             "account's earlier deals")))
    return [problem for _, problem in sorted(found, key=lambda item: item[0])]


def _verb(kind: str) -> str:
    return "contract" if kind == "contraction" else "churn"


def _money(value) -> str:  # noqa: ANN001
    text = f"{abs(value):,.2f}"
    return f"−{text}" if value < 0 else text
