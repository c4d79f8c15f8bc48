"""The finance summary of a payout run: what the quarter costs and where it goes.

Built from the stored statement dicts (the same ones the statements print), so the
summary and the statements can never disagree. Every figure is exact and kept per
currency, since plans may pay in different currencies:

- paid: the sum of the reps' totals (each the sum of that rep's rounded lines);
- credited ARR: per rep, the signed credit (amount x share, negative for
  contraction and churn) of every distinct deal behind the rep's quota and
  flat-rate components, so a deal two components both count is counted once;
- cost share = paid / credited ARR (undefined when credited ARR is not above 0);
- clawbacks: the sum of the clawback lines (negative) and how many there are;
- adjustments (database-backed runs) count as components `adjustment:<quarter>:<line>`.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from comp_engine.names import line_label

NO_MANAGER = "No manager on the roster"
NO_PLAN = "Not on this quarter's roster (adjustments only)"
TOP_EARNERS = 10


@dataclass
class Group:
    """One row of a breakdown: a plan, a manager's team or a component, in one currency."""

    key: str
    label: str
    currency: str
    reps: int = 0
    credited: Fraction = Fraction(0)
    paid: Fraction = Fraction(0)
    _rep_ids: set[str] = field(default_factory=set, repr=False)

    def add(self, rep_id: str, paid: Fraction, credited: Fraction = Fraction(0)) -> None:
        if rep_id not in self._rep_ids:
            self._rep_ids.add(rep_id)
            self.reps += 1
        self.paid += paid
        self.credited += credited


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    reps: int
    paid: Fraction
    credited: Fraction
    clawbacks: Fraction
    clawback_count: int

    @property
    def cost_share(self) -> Fraction | None:
        """Paid / credited ARR; None when nothing (or less than nothing) was credited."""
        return self.paid / self.credited if self.credited > 0 else None


@dataclass(frozen=True)
class Earner:
    rep_id: str
    name: str
    plan_key: str
    currency: str
    paid: Fraction


@dataclass(frozen=True)
class FinanceSummary:
    period: str | None
    period_start: str | None
    period_end: str | None
    fingerprint: str | None
    inputs: tuple[tuple[str, str, str], ...]
    rep_count: int
    currencies: tuple[CurrencyTotal, ...]
    by_plan: tuple[Group, ...]
    by_manager: tuple[Group, ...]
    by_component: tuple[Group, ...]
    top_earners: tuple[Earner, ...]


def finance_summary(statements: list[dict[str, Any]], inputs: tuple[tuple[str, str, str], ...] = ()) -> FinanceSummary:
    """Summarise a run's statements; `inputs` are (role, file, sha256) of its inputs.
    The period and fingerprint are read from the statements themselves."""
    first = statements[0] if statements else {}
    plans: dict[tuple[str, str], Group] = {}
    managers: dict[tuple[str, str], Group] = {}
    components: dict[tuple[str, str], Group] = {}
    currencies: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"reps": 0, "paid": Fraction(0), "credited": Fraction(0), "clawbacks": Fraction(0), "count": 0})
    earners = []
    for detail in statements:
        currency, rep_id = detail["currency"], detail["rep_id"]
        paid, credited = Fraction(detail["total"]), credited_arr(detail)
        totals = currencies[currency]
        totals["reps"] += 1
        totals["paid"] += paid
        totals["credited"] += credited
        for clawback in detail["clawbacks"]:
            totals["clawbacks"] += Fraction(clawback["amount"])
            totals["count"] += 1
        plan_label = f"{detail['plan_name']} ({detail['plan_key']})" if detail.get("plan_key") else NO_PLAN
        _group(plans, detail.get("plan_key") or "", plan_label, currency).add(rep_id, paid, credited)
        manager_key = detail.get("manager_id") or ""
        _group(managers, manager_key, _manager_label(detail), currency).add(rep_id, paid, credited)
        for line in detail["components"] + detail["modifiers"] + detail["clawbacks"]:
            _group(components, line["component"], line_label(line["component"]), currency).add(
                rep_id, Fraction(line["amount"]))
        for line in detail.get("adjustments", []):
            key = f"adjustment:{line['period']}:{line['component']}"
            _group(components, key, line_label(key), currency).add(rep_id, Fraction(line["amount"]))
        earners.append(Earner(rep_id, detail["name"], detail["plan_key"], currency, paid))
    earners.sort(key=lambda earner: (-earner.paid, earner.rep_id))
    return FinanceSummary(
        period=first.get("period"), period_start=first.get("period_start"), period_end=first.get("period_end"),
        fingerprint=first.get("fingerprint"), inputs=tuple(inputs), rep_count=len(statements),
        currencies=tuple(CurrencyTotal(currency, t["reps"], t["paid"], t["credited"], t["clawbacks"], t["count"])
                         for currency, t in sorted(currencies.items())),
        by_plan=_sorted(plans), by_manager=_sorted(managers), by_component=_sorted(components, by_paid=False),
        top_earners=tuple(earners[:TOP_EARNERS]),
    )


def credited_arr(detail: dict[str, Any]) -> Fraction:
    """The rep's signed credit over the distinct deals behind their components."""
    seen: dict[str, Fraction] = {}
    for line in detail["components"]:
        for deal in line["deals"]:
            seen.setdefault(deal["deal_id"], Fraction(deal["credited"]))
    return sum(seen.values(), Fraction(0))


def _manager_label(detail: dict[str, Any]) -> str:
    if not detail.get("manager_id"):
        return NO_MANAGER
    if detail.get("manager_name"):
        return f"Team of {detail['manager_name']} ({detail['manager_id']})"
    return f"Team of {detail['manager_id']}"


def _group(groups: dict[tuple[str, str], Group], key: str, label: str, currency: str) -> Group:
    if (key, currency) not in groups:
        groups[(key, currency)] = Group(key, label, currency)
    return groups[(key, currency)]


def _sorted(groups: dict[tuple[str, str], Group], by_paid: bool = True) -> tuple[Group, ...]:
    """Largest cost first (components keep the plan's order of appearance)."""
    rows = list(groups.values())
    if by_paid:
        rows.sort(key=lambda group: (group.currency, -group.paid, group.label))
    return tuple(rows)
