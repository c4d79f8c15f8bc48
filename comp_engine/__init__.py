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

Each name below loads its module on first use (PEP 562): importing one light module of the
package (`comp_engine.money`, `comp_engine.names`: the statement workers, the web pages) must not
pull in the whole engine with numpy and Arrow.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_WHERE = {
    "PayoutError": "errors", "PayoutInputError": "errors", "PeriodInvalid": "errors", "PlanInvalid": "errors",
    "Problem": "errors", "lines_csv": "outputs", "totals_csv": "outputs", "write_outputs": "outputs",
    "Period": "periods", "parse_period": "periods", "Plan": "plans", "load_plans": "plans",
    "ClawbackLine": "result", "ClawbackPart": "result", "ComponentLine": "result", "DealCredit": "result",
    "DealCredits": "result", "InputFile": "result", "MetricValue": "result", "ModifierLine": "result",
    "PayoutResult": "result", "RepStatement": "result", "run_payout": "run",
}
__all__ = sorted(_WHERE)

if TYPE_CHECKING:
    from comp_engine.errors import PayoutError, PayoutInputError, PeriodInvalid, PlanInvalid, Problem
    from comp_engine.outputs import lines_csv, totals_csv, write_outputs
    from comp_engine.periods import Period, parse_period
    from comp_engine.plans import Plan, load_plans
    from comp_engine.result import (ClawbackLine, ClawbackPart, ComponentLine, DealCredit, DealCredits, InputFile,
                                    MetricValue, ModifierLine, PayoutResult, RepStatement)
    from comp_engine.run import run_payout


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'comp_engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"comp_engine.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
