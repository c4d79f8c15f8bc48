"""Plan back-testing: past quarters replayed as if the reps had been on another plan.

For each named plan and each quarter in the range, the roster is rewritten with that
plan in every compared rep's `plan` column (target incentives the roster sets stay;
otherwise the plan's own applies) and paid by `run_payout` itself, on the same deals
and quotas: a row's total is exactly what `cadence payout run` prints for that roster.
Every rep on the roster is put on the plan, so quotas.csv needs a quota for each
quota component of every compared plan.

Beside the cost, the ledger (`comp_engine.revenue`) says what was bought:
- new_arr / renewal_arr: new and renewal ARR credited to the compared reps in the
  quarter, by share (the same under every plan: a back-test replays behaviour);
- cost_per_new_arr = total / new_arr;
- retained_12m_share: of the new ARR credited in the quarter, the share still live
  12 months after each deal closed (min(amount, account ARR on the mark)); empty
  when the data does not reach 12 months past every deal.
"""
from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from comp_engine.csv_input import read_table
from comp_engine.deal_types import NEW, RENEWAL
from comp_engine.errors import PayoutInputError, Problem
from comp_engine.ingest import ROSTER_COLUMNS, ROSTER_EXTRA, ROSTER_OPTIONAL
from comp_engine.money import display_amount, round_half_up, rounded_units
from comp_engine.periods import Period, day_number, parse_period
from comp_engine.result import CREDIT_SCALE
from comp_engine.revenue import Ledger, kept_after, measure, parse_metric, read_ledger
from comp_engine.run import run_payout

GRR = parse_metric("gross_revenue_retention")


@dataclass(frozen=True)
class RepQuarter:
    """One rep in one quarter under one plan: pay, credited new ARR, book GRR (None: no cohort yet),
    and the new ARR they sold that quarter with what of it was live 12 months on."""

    plan: str
    period: Period
    rep_id: str
    name: str
    total: Decimal
    new_arr: Fraction
    book_grr: Fraction | None
    sold_units: int
    kept_units: int
    kept_known: bool


@dataclass(frozen=True)
class PlanQuarter:
    """One row of compare.csv."""

    plan: str
    period: Period
    currency: str
    reps: int
    total: Decimal
    new_arr: Fraction
    renewal_arr: Fraction
    retained_12m_share: Fraction | None

    @property
    def cost_per_new_arr(self) -> Fraction | None:
        return Fraction(self.total) / self.new_arr if self.new_arr else None


@dataclass(frozen=True)
class Comparison:
    plans: tuple[str, ...]
    periods: tuple[Period, ...]
    rows: tuple[PlanQuarter, ...]
    reps: tuple[RepQuarter, ...]

    def reps_of(self, plan: str) -> list[RepQuarter]:
        return [rep for rep in self.reps if rep.plan == plan]

    def pay_and_retention(self, plan: str) -> list[tuple[str, Decimal, Fraction | None, int]]:
        """Per rep over the whole range: total pay, the 12-month retention of the new ARR they sold
        (None when they sold none or it is not 12 months old yet) and that new ARR (CREDIT_SCALE units)."""
        by_rep: dict[str, list[RepQuarter]] = {}
        for rep in self.reps_of(plan):
            by_rep.setdefault(rep.rep_id, []).append(rep)
        found = []
        for rep_id, quarters in by_rep.items():
            sold = sum(q.sold_units for q in quarters)
            kept = sum(q.kept_units for q in quarters)
            known = all(q.kept_known for q in quarters)
            found.append((rep_id, sum((q.total for q in quarters), Decimal(0)),
                          Fraction(kept, sold) if sold and known else None, sold))
        return sorted(found, key=lambda item: (-item[1], item[0]))

    def best_paid_retention(self, plan: str) -> Fraction | None:
        """The 12-month retention of the new ARR sold by the best-paid half of the reps (by pay over the range)."""
        ranked = self.pay_and_retention(plan)
        top = ranked[: max(1, (len(ranked) + 1) // 2)]
        quarters = [q for q in self.reps_of(plan) if q.rep_id in {rep_id for rep_id, *_ in top}]
        sold = sum(q.sold_units for q in quarters)
        if not sold or not all(q.kept_known for q in quarters):
            return None
        return Fraction(sum(q.kept_units for q in quarters), sold)


def quarters_between(first: str | Period, last: str | Period) -> tuple[Period, ...]:
    start = parse_period(first) if isinstance(first, str) else first
    end = parse_period(last) if isinstance(last, str) else last
    if end < start:
        raise PayoutInputError([Problem("--to", None, None, f"{end} is before {start}")])
    found, year, quarter = [], start.year, start.quarter
    while Period(year, quarter) <= end:
        found.append(Period(year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return tuple(found)


def _roster_on_plan(roster: bytes, file: str, plan: str) -> bytes:
    """The roster with `plan` in every rep's plan column; everything else (employment dates, draws) as it was."""
    table, problems = read_table(roster, file, ROSTER_COLUMNS, ROSTER_OPTIONAL + ROSTER_EXTRA)
    if table is None:
        raise PayoutInputError(problems)
    columns = list(ROSTER_COLUMNS + ROSTER_OPTIONAL + ROSTER_EXTRA)  # employment dates and draws stay
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    texts = {column: table.column(column) for column in columns}
    for row in range(len(table)):
        writer.writerow([plan if column == "plan" else texts[column][row] for column in columns])
    return buffer.getvalue().encode("utf-8")


def compare_plans(first: str, last: str, deals_path: str | Path, roster_path: str | Path, quotas_path: str | Path,
                  plans_dir: str | Path, plan_keys: list[str]) -> Comparison:
    """Every quarter from `first` to `last` paid under each plan; PayoutInputError on any bad input."""
    periods = quarters_between(first, last)
    deals_bytes = Path(deals_path).read_bytes()
    ledger, problems = read_ledger(deals_bytes, str(deals_path))
    if ledger is None:
        raise PayoutInputError(problems)
    roster_bytes = Path(roster_path).read_bytes()
    rows, reps = [], []
    with tempfile.TemporaryDirectory(prefix="cadence-compare-") as folder:
        for number, plan in enumerate(plan_keys):
            roster_file = Path(folder) / f"roster-{number}.csv"
            roster_file.write_bytes(_roster_on_plan(roster_bytes, str(roster_path), plan))
            for period in periods:
                result = run_payout(period, deals_path, roster_file, quotas_path, plans_dir)
                row, rep_rows = _measured(ledger, plan, period, result)
                rows.append(row)
                reps += rep_rows
    return Comparison(tuple(plan_keys), periods, tuple(rows), tuple(reps))


def _credited(ledger: Ledger, scope: frozenset[int], period: Period, code: int) -> tuple[np.ndarray, np.ndarray]:
    """(deal row, share) of the scope's credits on deals of one type closed in the quarter."""
    deals = ledger.deals
    rows = np.flatnonzero(np.isin(deals.credit_rep, sorted(scope)))
    deal = deals.credit_deal[rows].astype(np.int64)
    inside = ((deals.type[deal] == code) & (deals.day[deal] >= day_number(period.start))
              & (deals.day[deal] <= day_number(period.end)))
    return deal[inside], deals.credit_share[rows][inside].astype(np.int64)


def _kept(ledger: Ledger, scope: frozenset[int], period: Period) -> tuple[int, int, bool]:
    """(sold, kept) in CREDIT_SCALE units of the scope's new deals of the quarter, and whether every
    12-month mark is inside the data."""
    rows, weight = _credited(ledger, scope, period, NEW)
    kept = kept_after(ledger, rows, weight)
    last = ledger.last_day
    known = last is not None and bool((kept.marks <= day_number(last)).all())
    return int(kept.sold_units.sum()), int(kept.kept_units.sum()), known


def _measured(ledger: Ledger, plan: str, period: Period, result) -> tuple[PlanQuarter, list[RepQuarter]]:  # noqa: ANN001
    totals = result.totals_by_currency()
    currency = ",".join(sorted(totals))
    everyone = ledger.reps(statement.rep_id for statement in result.statements)
    rep_rows = []
    for statement in result.statements:
        scope = ledger.reps([statement.rep_id])
        new = measure(ledger, parse_metric("new_arr"), scope, period.start, period.end).value
        grr = measure(ledger, GRR, scope, period.end, period.end).value
        sold, kept, known = _kept(ledger, scope, period) if scope else (0, 0, True)
        rep_rows.append(RepQuarter(plan, period, statement.rep_id, statement.name, statement.total, new or Fraction(0),
                                   grr, sold, kept, known))
    sold, kept, known = _kept(ledger, everyone, period)
    renewal_rows, renewal_share = _credited(ledger, everyone, period, RENEWAL)
    renewal = Fraction(int((ledger.deals.amount_cents[renewal_rows] * renewal_share).sum()), CREDIT_SCALE)
    row = PlanQuarter(
        plan=plan, period=period, currency=currency, reps=len(result.statements),
        total=sum(totals.values(), Decimal(0)),
        new_arr=measure(ledger, parse_metric("new_arr"), everyone, period.start, period.end).value or Fraction(0),
        renewal_arr=renewal, retained_12m_share=Fraction(kept, sold) if sold and known else None)
    return row, rep_rows


# --- files ----------------------------------------------------------------------------------------

COMPARE_COLUMNS = ("plan", "period", "reps", "total", "new_arr", "renewal_arr", "cost_per_new_arr",
                   "retained_12m_share")
REPS_COLUMNS = ("plan", "period", "rep_id", "name", "total", "credited_new_arr", "book_grr")


def _money(value: Fraction | Decimal) -> str:
    return f"{round_half_up(Fraction(value)):f}"


def _ratio(value: Fraction | None) -> str:
    if value is None:
        return ""
    units = rounded_units(value, 4)
    return f"{units // 10_000}.{units % 10_000:04d}" if units >= 0 else f"-{_ratio(-value)}"


def compare_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COMPARE_COLUMNS)
    for row in comparison.rows:
        writer.writerow((row.plan, str(row.period), row.reps, _money(row.total), _money(row.new_arr),
                         _money(row.renewal_arr), _ratio(row.cost_per_new_arr), _ratio(row.retained_12m_share)))
    return buffer.getvalue()


def reps_csv(comparison: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(REPS_COLUMNS)
    for rep in comparison.reps:
        writer.writerow((rep.plan, str(rep.period), rep.rep_id, rep.name, _money(rep.total), _money(rep.new_arr),
                         _ratio(rep.book_grr)))
    return buffer.getvalue()


def display_share(value: Fraction | None) -> str:
    """92 % style, or 'not known yet'."""
    if value is None:
        return "not known yet"
    return f"{rounded_units(value * 100, 0)} %"


def reading_of(comparison: Comparison) -> str:
    """The plain-words reading: what the best-paid reps sold under each plan, and what it cost."""
    parts = []
    for plan in comparison.plans:
        parts.append(f"under {plan}, {display_share(comparison.best_paid_retention(plan))}")
    cost = {plan: sum((row.total for row in comparison.rows if row.plan == plan), Decimal(0)) for plan in comparison.plans}
    cheapest = min(comparison.plans, key=lambda plan: (cost[plan], plan))
    costs = "; ".join(f"{plan} {display_amount(cost[plan])}" for plan in comparison.plans)
    return (f"The reps paid most sold revenue that kept this much after 12 months: {'; '.join(parts)}. "
            f"Total pay over {comparison.periods[0]} to {comparison.periods[-1]}: {costs}; the cheapest is {cheapest}.")


CAVEAT = ("A back-test replays past behaviour: the same deals, closed by people who were paid on the plans they "
          "were really on. It shows what each plan would have cost and whom it would have rewarded; it cannot show "
          "how people would have sold under another plan.")
