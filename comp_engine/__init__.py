"""Cadence's commission engine: a pure library (no Flask, no database).

    from comp_engine import run_payout, write_outputs
    result = run_payout("2026-Q2", "deals.csv", "roster.csv", "quotas.csv", "plans/")
    write_outputs(result, "out/")

`run_payout` validates every input (raising `PayoutInputError` with every problem,
or `PlanInvalid` for plan files) and returns a `PayoutResult`: one `RepStatement`
per rep with its component, modifier and clawback lines, each traceable to its deals
and plan rule, plus `notes` finance should read (deals crediting reps who are no
longer on the roster: see `comp_engine.off_roster`). Money is exact throughout and
each line is rounded once, half-up.
"""
from comp_engine.errors import PayoutError, PayoutInputError, PeriodInvalid, PlanInvalid, Problem
from comp_engine.outputs import lines_csv, totals_csv, write_outputs
from comp_engine.periods import Period, parse_period
from comp_engine.plans import Plan, load_plans
from comp_engine.result import (
    ClawbackLine,
    ClawbackPart,
    ComponentLine,
    DealCredit,
    DealCredits,
    InputFile,
    MetricValue,
    ModifierLine,
    PayoutResult,
    RepStatement,
)
from comp_engine.run import run_payout

__all__ = [
    "ClawbackLine", "ClawbackPart", "ComponentLine", "DealCredit", "DealCredits", "InputFile", "MetricValue", "ModifierLine",
    "PayoutError", "PayoutInputError", "PayoutResult", "Period", "PeriodInvalid", "Plan", "PlanInvalid", "Problem",
    "RepStatement", "lines_csv", "load_plans", "parse_period", "run_payout", "totals_csv", "write_outputs",
]
