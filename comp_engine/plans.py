"""Plans: what a rep is paid for, read from finance-editable TOML files.

A plan gives the on-target variable pay per quarter (`target_incentive`), and splits
it into components by weight: quota components (paid on credited deals against a
quota through a curve), metric components (paid on a retention metric of the rep's
book against a target) and flat-rate components (a rate on credited deals, no
quota). Modifiers multiply the component payouts by a band of a retention metric; a
clawback policy takes back what a `new` deal earned when the account churns early.

`load_plans(folder)` reads every `*.toml` file in a folder and checks every rule
below, reporting all problems at once as `PlanInvalid` (file, key, what is wrong).
Numbers are read as exact Decimals as written in the file (`0.8` is 8/10, not the
float nearest to it), so weights that add up to 1 on paper add up to 1 here.
"""
from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

from comp_engine.errors import PlanInvalid, Problem
from comp_engine.plan_checks import PlanChecker
from comp_engine.plan_model import (BOOKS, CLAWBACK_MODES, METRICS, NO_CLAWBACK, RESERVED_COMPONENT_KEYS, TIERS, Band,
                                    ClawbackPolicy, Component, FlatRateComponent, MetricComponent, Modifier, Plan,
                                    QuotaComponent)

__all__ = ["BOOKS", "CLAWBACK_MODES", "METRICS", "NO_CLAWBACK", "RESERVED_COMPONENT_KEYS", "TIERS", "Band",
           "ClawbackPolicy", "Component", "FlatRateComponent", "MetricComponent", "Modifier", "Plan", "QuotaComponent",
           "load_plans", "parse_plans", "plan_sources", "read_plan"]


def load_plans(folder: str | Path) -> dict[str, Plan]:
    """Read and check every `*.toml` plan in `folder`, keyed by plan `key`.

    Raises PlanInvalid listing every problem in every file when any rule is broken.
    """
    sources, problems = plan_sources(folder)
    plans, _, more = parse_plans(sources)
    if problems + more:
        raise PlanInvalid(problems + more)
    return plans


def plan_sources(folder: str | Path) -> tuple[list[tuple[str, bytes]], list[Problem]]:
    """The (path, bytes) of every `*.toml` file in a folder, in file-name order."""
    folder_path = Path(folder)
    if not folder_path.is_dir():
        return [], [Problem(str(folder), None, None, "is not a folder of *.toml plan files")]
    files = sorted((p for p in folder_path.glob("*.toml") if p.is_file()), key=lambda p: p.name)
    if not files:
        return [], [Problem(str(folder), None, None, "holds no *.toml plan file")]
    return [(str(path), path.read_bytes()) for path in files], []


def parse_plans(sources: list[tuple[str, bytes]]) -> tuple[dict[str, Plan], set[str], list[Problem]]:
    """Check every plan file, returning the valid plans, every plan key seen (even in
    files with problems, so that a roster naming them is not blamed twice) and the
    problems found, including a key used by two files."""
    problems: list[Problem] = []
    plans: dict[str, Plan] = {}
    seen: dict[str, str] = {}
    for source, content in sources:
        plan, key, file_problems = read_plan(content, source)
        problems += file_problems
        if key is None:
            continue
        if key in seen:
            problems.append(Problem(source, None, "key", f"plan key {key!r} is also used by {seen[key]}"))
            continue
        seen[key] = source
        if plan is not None:
            plans[key] = plan
    return plans, set(seen), problems


def read_plan(content: bytes, source: str) -> tuple[Plan | None, str | None, list[Problem]]:
    """Parse and check one plan file; returns (plan or None, its key, problems)."""
    try:
        text = content.decode("utf-8")
        table = tomllib.loads(text, parse_float=Decimal)
    except UnicodeDecodeError:
        return None, None, [Problem(source, None, None, "is not UTF-8 text")]
    except tomllib.TOMLDecodeError as error:
        line = re.search(r"at line (\d+)", str(error))
        return None, None, [Problem(source, int(line.group(1)) if line else None, None, f"is not valid TOML: {error}")]
    checker = PlanChecker(source, text)
    plan = checker.plan(table)
    key = table.get("key") if isinstance(table.get("key"), str) and table.get("key") else None
    return (plan if not checker.problems else None), key, checker.problems
