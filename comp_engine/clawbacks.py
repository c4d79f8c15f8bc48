"""Clawbacks: taking back what a `new` deal earned when its account churns early.

A `churn` of an account inside the period whose `new` deal closed fewer than
`window_days` days before the churn date takes back, from each rep credited on that
new deal, what the deal earned: for every component that credited the new deal in
the new deal's own quarter, that component's unrounded payout in that quarter x the
rep's credit from the deal / the rep's total credit in the component (never more than
the component paid). `full` takes all of it; `linear` takes it x (window_days - days)
/ window_days. The line is negative. The plan applied is the rep's plan in the roster.

Which new deal: the account's latest `new` deal on or before the churn (by date, then
row). Only the first churn after that new deal claws it back, so a deal is never
taken back twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from comp_engine.curves import TIMES
from comp_engine.deal_types import CHURN, NEW
from comp_engine.deal_table import DealTable
from comp_engine.money import display_amount, round_half_up
from comp_engine.periods import Period, day_number, from_day_number, period_containing
from comp_engine.plans import ClawbackPolicy
from comp_engine.result import ClawbackLine, ClawbackPart


@dataclass(frozen=True)
class EarlyChurn:
    """A churn in the period and the new deal it may claw back (rows of the DealTable)."""

    churn_row: int
    new_row: int
    days: int


def early_churns(deals: DealTable, period: Period, longest_window_days: int) -> list[EarlyChurn]:
    """Churns inside the period that came fewer than `longest_window_days` days after
    the account's new deal, and are the first churn since that deal."""
    if longest_window_days <= 0:
        return []
    first, last = day_number(period.start), day_number(period.end)
    churned = np.flatnonzero((deals.type == CHURN) & (deals.day >= first) & (deals.day <= last))
    if not len(churned):
        return []
    accounts = np.unique(deals.account[churned])
    rows = np.flatnonzero(np.isin(deals.type, (NEW, CHURN)) & (deals.day <= last) & np.isin(deals.account, accounts))
    rows = rows[np.lexsort((rows, deals.day[rows], deals.account[rows]))]
    found: list[EarlyChurn] = []
    account_before = -1
    new_row = new_day = -1
    churned_since_new = True
    for row, account, code, day in zip(rows.tolist(), deals.account[rows].tolist(),
                                       deals.type[rows].tolist(), deals.day[rows].tolist()):
        if account != account_before:
            account_before, new_row, new_day, churned_since_new = account, -1, -1, True
        if code == NEW:
            new_row, new_day, churned_since_new = row, day, False
            continue
        if not churned_since_new and day >= first and day - new_day < longest_window_days:
            found.append(EarlyChurn(churn_row=row, new_row=new_row, days=day - new_day))
        churned_since_new = True
    return found


def clawback_fraction(policy: ClawbackPolicy, days: int) -> Fraction:
    """Share of the earnings taken back: 1 (full), (window - days) / window (linear),
    0 when the policy is none or the churn came too late."""
    if policy.mode == "none" or days >= policy.window_days:
        return Fraction(0)
    if policy.mode == "full":
        return Fraction(1)
    return Fraction(policy.window_days - days, policy.window_days)


def clawback_line(deals: DealTable, churn: EarlyChurn, policy: ClawbackPolicy, parts: tuple[ClawbackPart, ...]) -> ClawbackLine:
    """The negative line taking back `fraction` x what the new deal earned."""
    fraction = clawback_fraction(policy, churn.days)
    earned = sum((part.earned for part in parts), Fraction(0))
    unrounded = -fraction * earned
    new_date = from_day_number(int(deals.day[churn.new_row]))
    churn_date = from_day_number(int(deals.day[churn.churn_row]))
    original = period_containing(new_date)
    listed = " + ".join(f"{part.component} {display_amount(part.earned)}" for part in parts) or "nothing"
    earned_text = f"{display_amount(earned)} earned in {original} ({listed})"
    if policy.mode == "full":
        taken = f"full clawback of {earned_text}"
    else:
        taken = f"linear clawback: ({policy.window_days} - {churn.days}) / {policy.window_days} {TIMES} {earned_text}"
    rule = f"account churned {churn.days} days after the deal closed (window {policy.window_days} days); {taken}"
    return ClawbackLine(
        deal_id=str(deals.deal_id[churn.new_row]),
        account_id=str(deals.account_ids[deals.account[churn.new_row]]),
        new_close_date=new_date, original_period=str(original),
        churn_deal_id=str(deals.deal_id[churn.churn_row]), churn_date=churn_date,
        days=churn.days, window_days=policy.window_days, mode=policy.mode, fraction=fraction,
        parts=parts, unrounded=unrounded, amount=round_half_up(unrounded), rule=rule,
    )


def earned_share(component_payout: Fraction, deal_units: int, total_units: int) -> Fraction:
    """What one deal earned of a component's payout: payout x deal credit / total
    credit, at most the whole payout, nothing when the total credit is not positive."""
    if total_units <= 0 or component_payout <= 0:
        return Fraction(0)
    return component_payout * min(Fraction(1), Fraction(deal_units, total_units))
