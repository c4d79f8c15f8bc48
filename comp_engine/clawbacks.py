"""Clawbacks: taking back what a `new` deal earned when its account churns early.

A `churn` of an account inside the period whose `new` deal closed fewer than
`window_days` days before the churn date takes back, from each rep credited on that
new deal, what the deal earned: for every component that credited the new deal in
the new deal's own quarter, the *rounded line paid* for that component in that quarter
x min(1, the rep's credit from the deal / the rep's total credit in the component), and
0 when that line or that total is not above 0; so a clawback never takes back more than
the component paid. `full` takes all of it; `linear` takes it x (window_days - days) /
window_days. The line is negative and rounded once, half-up. The plan applied is the
rep's plan in the roster.

Which new deal: the account's latest `new` deal on or before the churn date; a `new`
deal on the same date as the churn counts as before it, whatever the file order (then
the later row). Only the first churn after that new deal claws it back, so a deal is
never taken back twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from comp_engine.arrow_texts import distinct
from comp_engine.curves import TIMES
from comp_engine.deal_types import CHURN, NEW
from comp_engine.deal_table import DealTable
from comp_engine.money import MINUS, exact_amount, round_half_up, signed_amount
from comp_engine.names import component_name
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
    accounts = distinct(deals.account[churned])
    rows = np.flatnonzero(np.isin(deals.type, (NEW, CHURN)) & (deals.day <= last) & np.isin(deals.account, accounts))
    # Same day: the new deal counts as before the churn, whatever the file order.
    rows = rows[np.lexsort((rows, deals.type[rows] == CHURN, deals.day[rows], deals.account[rows]))]
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
    """The negative line taking back `fraction` x what the new deal earned, rounded once.

    The rule names the line each component paid in the deal's own quarter and ends with
    the formula of printed numbers: `−(180 − 90) / 180 × 16,000.00 × min(1, 60,000.00 /
    100,000.00) = −4,800.00`."""
    fraction = clawback_fraction(policy, churn.days)
    earned = sum((part.earned for part in parts), Fraction(0))
    unrounded = -fraction * earned
    amount = round_half_up(unrounded)
    new_date = from_day_number(int(deals.day[churn.new_row]))
    churn_date = from_day_number(int(deals.day[churn.churn_row]))
    original = period_containing(new_date)
    deal_id = str(deals.deal_id[churn.new_row])
    account_id = str(deals.account_ids[deals.account[churn.new_row]])

    def rule() -> str:
        words = [f"account {account_id} churned on {churn_date.isoformat()}, {churn.days} days after deal {deal_id} "
                 f"closed on {new_date.isoformat()} (window {policy.window_days} days, {policy.mode})"]
        words += [part_words(part, str(original)) for part in parts] or [f"no component credited new deals in {original}"]
        words.append("full: all of it is taken back" if policy.mode == "full" else
                     f"linear: ({policy.window_days} − {churn.days}) / {policy.window_days} of it is taken back")
        terms = [part_formula(part) for part in parts] or ["0.00"]
        taken = terms[0] if len(terms) == 1 else f"({' + '.join(terms)})"
        if policy.mode == "full":
            formula = f"{MINUS}{taken}"
        else:
            formula = f"{MINUS}({policy.window_days} − {churn.days}) / {policy.window_days} {TIMES} {taken}"
        return f"{'; '.join(words)}: {formula} = {signed_amount(amount)}"
    return ClawbackLine(
        deal_id=deal_id, account_id=account_id,
        new_close_date=new_date, original_period=str(original),
        churn_deal_id=str(deals.deal_id[churn.churn_row]), churn_date=churn_date,
        days=churn.days, window_days=policy.window_days, mode=policy.mode, fraction=fraction,
        parts=parts, unrounded=unrounded, amount=amount, rule=rule,
    )


def part_words(part: ClawbackPart, original: str) -> str:
    """What one component paid in the deal's quarter, as its statement printed it."""
    paid = (f"in {original} the {component_name(part.component)} line paid {exact_amount(part.component_payout)} "
            f"on {exact_amount(part.total_credited)} credited, {exact_amount(part.deal_credited)} of it from this deal")
    if part.component_payout <= 0:
        return paid + ", so nothing to take back"
    if part.total_credited <= 0:
        return paid + "; the credit in total is not above 0, so nothing to take back"
    if part.deal_credited > part.total_credited:
        return paid + "; the deal is more than the credit in total, so at most the whole line"
    return paid


def part_formula(part: ClawbackPart) -> str:
    """`16,000.00 × min(1, 60,000.00 / 100,000.00)`, or `0.00` when nothing is taken."""
    if part.component_payout <= 0 or part.total_credited <= 0:
        return "0.00"
    return (f"{exact_amount(part.component_payout)} {TIMES} min(1, {exact_amount(part.deal_credited)} / "
            f"{exact_amount(part.total_credited)})")


def earned_share(line_paid: Fraction, deal_units: int, total_units: int) -> Fraction:
    """What one deal earned of a component's rounded line: line x min(1, deal credit /
    total credit); nothing when the line or the total credit is not above 0."""
    if total_units <= 0 or line_paid <= 0:
        return Fraction(0)
    return line_paid * min(Fraction(1), Fraction(deal_units, total_units))
