"""Reps who are not on the roster: people who left, and the typos that look like them.

Finance removes a rep from roster.csv when they leave, but keeps their deals in
deals.csv: those deals still make up accounts' ARR and decide whose book an account
is in. So a deal may credit a rep who is not on the roster. The rule:

- It is refused (exit 2, naming file, line and field) when it could change this
  quarter's pay:
  - the deal closed inside the quarter being paid (any type): its credit would be
    paid this quarter;
  - it is a `new` deal clawed back this quarter: its account churned inside the
    quarter, fewer days after it than a plan's clawback window (`full` or `linear`),
    so the rep owes part of what it earned. Put the rep back on the roster (with
    their plan and quotas) to compute it.
- Otherwise (a deal closed before the quarter, or after it) the credits of reps not
  on the roster are set aside: nobody is paid or measured on them. The deal itself
  still counts everywhere a deal counts regardless of who closed it: the account's
  ARR, and which deal is an account's latest `new` (or `renewal`) deal. So an
  account re-won by a rep who has since left stays out of the earlier rep's book,
  exactly as when the leaver was on the roster, and the share of a split that
  credits a rep on the roster still counts, for that rep only. Every other field of
  the row is checked as usual (type, amount, date, a split adding up to 100, a
  unique deal_id).
- quotas.csv rows of reps not on the roster are checked but ignored: finance keeps
  quota history.

It is never silent: the run carries a note (printed by `cadence payout run`) naming
every such rep id with its number of deals. A typo in a historical deal's rep_id
looks exactly like a leaver and takes that account out of the real rep's book, so
an id nobody recognises in the note is a typo to fix in deals.csv.

Who is on the roster therefore never changes what anyone else is paid: the rules
only decide whether the run may go ahead without paying the people who are not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from comp_engine.clawbacks import EarlyChurn, clawback_fraction
from comp_engine.arrow_texts import distinct
from comp_engine.deal_table import DealTable, not_on_roster
from comp_engine.errors import Problem
from comp_engine.periods import Period, day_number, from_day_number
from comp_engine.plans import Plan


@dataclass(frozen=True)
class PaidQuarter:
    """The quarter being paid, as `read_deals` applies it: a deal closed inside it
    must credit only reps on the roster."""

    period: Period

    def closed_inside(self, day: np.ndarray) -> np.ndarray:
        """Which close dates (day numbers; -1 for an invalid date) fall in the quarter."""
        return (day >= day_number(self.period.start)) & (day <= day_number(self.period.end))

    @property
    def reason(self) -> str:
        return (f"the deal closed in {self.period}, the quarter being paid, "
                "so every rep it credits must be on the roster")


def clawed_back_problems(deals: DealTable, churns: list[EarlyChurn], plans: dict[str, Plan], source: str,
                         period: Period) -> list[Problem]:
    """A Problem for every `new` deal clawed back this quarter that credits a rep not
    on the roster: a plan's clawback would take part of its earnings back from them."""
    if not churns or not len(deals.off_roster_deal):
        return []
    new_rows = np.array([churn.new_row for churn in churns], dtype=np.int64)
    starts = np.searchsorted(deals.off_roster_deal, new_rows, side="left").tolist()
    stops = np.searchsorted(deals.off_roster_deal, new_rows, side="right").tolist()
    found: list[tuple[int, Problem]] = []
    for churn, start, stop in zip(churns, starts, stops):
        if start == stop:
            continue
        clawing = sorted(key for key, plan in plans.items() if clawback_fraction(plan.clawback, churn.days) > 0)
        if not clawing:
            continue
        names = deals.off_roster_rep[start:stop].tolist()
        row = churn.new_row
        windows = ", ".join(f"{plans[key].clawback.window_days} days in plan {key}" for key in clawing)
        found.append((row, Problem(
            source, int(deals.line[row]), "split" if deals.off_roster_in_split[start] else "rep_id",
            f"{not_on_roster(names)}, but this new deal ({deals.deal_id[row]}, closed "
            f"{from_day_number(int(deals.day[row])).isoformat()}) is clawed back in {period}: its account "
            f"{deals.account_ids[deals.account[row]]} churned on {from_day_number(int(deals.day[churn.churn_row])).isoformat()} "
            f"({deals.deal_id[churn.churn_row]}), {churn.days} days later, inside the clawback window ({windows}). "
            f"Put {_listed(names)} back on the roster with their plan and quotas to compute the clawback",
        )))
    return [problem for _, problem in sorted(found, key=lambda item: item[0])]


def off_roster_note(deals: DealTable, period: Period) -> str | None:
    """One sentence naming the reps not on the roster that deals credit, or None.

    Only deals outside the quarter can be left (the others are refused), so the
    sentence says which side of the quarter they closed on.
    """
    if not len(deals.off_roster_deal):
        return None
    deal_rows = distinct(deals.off_roster_deal)
    days = deals.day[deal_rows]
    before, after = days < day_number(period.start), days > day_number(period.end)
    when = "before" if before.all() else "after" if after.all() else "before or after"
    names, counts = np.unique(deals.off_roster_rep.astype(str), return_counts=True)
    count = len(deal_rows)
    reps = ", ".join(f"{name}: {number} deal{_s(number)}" for name, number in zip(names.tolist(), counts.tolist()))
    return (f"{count} deal{_s(count)} closed {when} {period} credit{'' if count != 1 else 's'} "
            f"{len(names)} rep{_s(len(names))} not on the roster ({reps}); they are not paid or measured this "
            f"quarter. An id nobody recognises is a typo in the deals file: it leaves that account out of the "
            f"real rep's book.")


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _listed(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
