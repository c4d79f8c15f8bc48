"""The rules of the plan format, checked one key at a time.

`PlanChecker` turns a parsed TOML table into a `Plan`, recording a `Problem` (file,
key path such as `component.new_business.curve`, what is wrong) for every broken
rule rather than stopping at the first: known settings only, weights of quota and
metric components adding up to exactly 1, curves and bands starting at 0.0 with
strictly increasing steps and no negative multiplier, known metrics, books, tiers and
clawback modes, positive caps, targets and windows.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from comp_engine.deal_types import DEAL_TYPES
from comp_engine.errors import Problem
from comp_engine.plan_model import (BOOKS, CLAWBACK_MODES, METRICS, NO_CLAWBACK, RESERVED_COMPONENT_KEYS, TIERS, Band,
                               ClawbackPolicy, Component, FlatRateComponent, MetricComponent, Modifier, Plan,
                               QuotaComponent)

_COMPONENT_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_CURRENCY = re.compile(r"[A-Z]{3}")


class PlanChecker:
    """Reads a parsed plan table, recording a Problem for every broken rule."""

    def __init__(self, source: str, text: str = "") -> None:
        self.source = source
        self.content = text
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str, line: int | None = None) -> None:
        self.problems.append(Problem(self.source, line, path, message))

    def line_of(self, table: str) -> int | None:
        """The line of a `[table]` header in the plan file, to point at it."""
        pattern = re.compile(rf"\s*\[\s*{re.escape(table)}\s*\]")
        for number, line in enumerate(self.content.splitlines(), start=1):
            if pattern.match(line):
                return number
        return None

    def plan(self, table: dict[str, Any]) -> Plan | None:
        self.unknown_keys(
            table, "", {"key", "name", "currency", "target_incentive", "tiers", "component", "modifier", "clawback"}
        )
        key = self.text(table, "key", "key")
        name = self.text(table, "name", "name")
        currency = self.text(table, "currency", "currency")
        if currency is not None and not _CURRENCY.fullmatch(currency):
            self.fail("currency", f"{currency!r} is not a three-letter ISO currency code such as USD or EUR")
        target_incentive = self.number(table, "target_incentive", "target_incentive", minimum=Decimal(0))
        tiers = self.choice(table, "tiers", "tiers", TIERS, default="marginal")
        components = self.components(table.get("component"), tiers or "marginal")
        modifiers = self.modifiers(table.get("modifier"))
        clawback = self.clawback(table.get("clawback"))
        if self.problems:
            return None
        return Plan(
            key=key, name=name, currency=currency, target_incentive=target_incentive, tiers=tiers,
            components=components, modifiers=modifiers, clawback=clawback, source=self.source,
        )  # type: ignore[arg-type]

    # -- components -------------------------------------------------------------
    def components(self, raw: Any, plan_tiers: str) -> tuple[Component, ...]:
        if raw is None:
            self.fail("component", "a plan needs at least one [[component]]")
            return ()
        if not isinstance(raw, list) or not all(isinstance(c, dict) for c in raw):
            self.fail("component", "write each component as a [[component]] table")
            return ()
        components: list[Component] = []
        keys: set[str] = set()
        for index, table in enumerate(raw):
            component = self.component(table, index, plan_tiers, keys)
            if component is not None:
                components.append(component)
        weighted = [c for c in components if not isinstance(c, FlatRateComponent)]
        if weighted and len(components) == len(raw):
            total = sum((c.weight for c in weighted), Decimal(0))
            if total != 1:
                listed = " + ".join(f"{c.key} {c.weight}" for c in weighted)
                self.fail("component.weight", f"weights of quota and metric components add up to {total} ({listed}), not 1")
        return tuple(components)

    def component(self, table: dict[str, Any], index: int, plan_tiers: str, keys: set[str]) -> Component | None:
        raw_key = table.get("key")
        path = f"component.{raw_key}" if isinstance(raw_key, str) and raw_key else f"component[{index + 1}]"
        before = len(self.problems)
        key = self.text(table, "key", f"{path}.key")
        if key is not None:
            if not _COMPONENT_KEY.fullmatch(key) or key in RESERVED_COMPONENT_KEYS:
                self.fail(f"{path}.key", f"{key!r} is not a usable component key (letters, digits and _, starting with a letter; not 'clawback')")
            elif key in keys:
                self.fail(f"{path}.key", f"component key {key!r} is used twice in this plan")
            keys.add(key)
        if "metric" in table and "rate" in table:
            self.fail(path, "a component has either a metric or a rate, not both")
            return None
        if "metric" in table:
            component = self.metric_component(table, path, key, plan_tiers)
        elif "rate" in table:
            component = self.flat_rate_component(table, path, key)
        else:
            component = self.quota_component(table, path, key, plan_tiers)
        return component if len(self.problems) == before else None

    def quota_component(self, table: dict[str, Any], path: str, key: str | None, plan_tiers: str) -> QuotaComponent | None:
        self.unknown_keys(table, path, {"key", "weight", "credit", "threshold", "cap", "curve", "tiers"},
                          hint="a quota component has key, weight, credit, curve, and optional threshold, cap, tiers")
        return QuotaComponent(
            key=key, weight=self.weight(table, path), credit=self.credit(table, path),
            curve=self.bands(table, "curve", f"{path}.curve", default=((Decimal(0), Decimal(1)),)),
            tiers=self.choice(table, "tiers", f"{path}.tiers", TIERS, default=plan_tiers),
            threshold=self.number(table, "threshold", f"{path}.threshold", minimum=Decimal(0), required=False),
            cap=self.number(table, "cap", f"{path}.cap", minimum=Decimal(0), strictly=True, required=False),
        )  # type: ignore[arg-type]

    def metric_component(self, table: dict[str, Any], path: str, key: str | None, plan_tiers: str) -> MetricComponent | None:
        self.unknown_keys(table, path, {"key", "weight", "metric", "book", "target", "window_months",
                                        "threshold", "cap", "curve", "tiers"},
                          hint="a metric component has key, weight, metric, book, target, window_months, and optional curve, threshold, cap, tiers")
        return MetricComponent(
            key=key, weight=self.weight(table, path),
            metric=self.choice(table, "metric", f"{path}.metric", METRICS),
            book=self.choice(table, "book", f"{path}.book", BOOKS, default="originated"),
            target=self.number(table, "target", f"{path}.target", minimum=Decimal(0), strictly=True, default=Decimal(1)),
            window_months=self.whole(table, "window_months", f"{path}.window_months", default=12),
            curve=self.bands(table, "curve", f"{path}.curve", default=((Decimal(0), Decimal(1)),)),
            tiers=self.choice(table, "tiers", f"{path}.tiers", TIERS, default=plan_tiers),
            threshold=self.number(table, "threshold", f"{path}.threshold", minimum=Decimal(0), required=False),
            cap=self.number(table, "cap", f"{path}.cap", minimum=Decimal(0), strictly=True, required=False),
        )  # type: ignore[arg-type]

    def flat_rate_component(self, table: dict[str, Any], path: str, key: str | None) -> FlatRateComponent | None:
        self.unknown_keys(table, path, {"key", "rate", "credit"},
                          hint="a flat-rate component has only key, rate and credit: it pays rate x credited, with no weight, quota or curve")
        return FlatRateComponent(
            key=key, rate=self.number(table, "rate", f"{path}.rate", minimum=Decimal(0)), credit=self.credit(table, path),
        )  # type: ignore[arg-type]

    def weight(self, table: dict[str, Any], path: str) -> Decimal | None:
        weight = self.number(table, "weight", f"{path}.weight", minimum=Decimal(0))
        if weight is not None and weight > 1:
            self.fail(f"{path}.weight", f"{weight} is above 1; a weight is the share of the target incentive")
        return weight

    def credit(self, table: dict[str, Any], path: str) -> tuple[str, ...]:
        raw = table.get("credit")
        if raw is None:
            self.fail(f"{path}.credit", f"is missing; list the deal types credited, from {', '.join(DEAL_TYPES)}")
            return ()
        if not isinstance(raw, list) or not raw or not all(isinstance(t, str) for t in raw):
            self.fail(f"{path}.credit", "must be a non-empty list of deal types, e.g. [\"new\"]")
            return ()
        for name in raw:
            if name not in DEAL_TYPES:
                self.fail(f"{path}.credit", f"{name!r} is not a deal type; use {', '.join(DEAL_TYPES)}")
        if len(set(raw)) != len(raw):
            self.fail(f"{path}.credit", "lists a deal type twice")
        return tuple(raw)

    # -- modifiers and clawback --------------------------------------------------
    def modifiers(self, raw: Any) -> tuple[Modifier, ...]:
        if raw is None:
            return ()
        if not isinstance(raw, list) or not all(isinstance(m, dict) for m in raw):
            self.fail("modifier", "write each modifier as a [[modifier]] table")
            return ()
        modifiers = []
        for index, table in enumerate(raw):
            path = f"modifier[{index + 1}]"
            self.unknown_keys(table, path, {"metric", "book", "window_months", "bands"},
                              hint="a modifier has metric, book, window_months and bands")
            modifiers.append(Modifier(
                metric=self.choice(table, "metric", f"{path}.metric", METRICS),
                book=self.choice(table, "book", f"{path}.book", BOOKS, default="originated"),
                window_months=self.whole(table, "window_months", f"{path}.window_months", default=12),
                bands=self.bands(table, "bands", f"{path}.bands"),
            ))  # type: ignore[arg-type]
        return tuple(modifiers)

    def clawback(self, raw: Any) -> ClawbackPolicy:
        if raw is None:
            return NO_CLAWBACK
        if not isinstance(raw, dict):
            self.fail("clawback", "write the clawback policy as a [clawback] table")
            return NO_CLAWBACK
        self.unknown_keys(raw, "clawback", {"window_days", "mode"}, hint="a clawback has mode and window_days")
        if "mode" not in raw and "window_days" in raw:
            self.fail("clawback.mode", 'is missing, so this clawback would take nothing back; write mode = "full" or '
                      'mode = "linear" to claw back, or mode = "none" to turn clawbacks off', line=self.line_of("clawback"))
            return NO_CLAWBACK
        mode = self.choice(raw, "mode", "clawback.mode", CLAWBACK_MODES, default="none")
        if mode == "none":
            return NO_CLAWBACK
        window = self.whole(raw, "window_days", "clawback.window_days")
        return ClawbackPolicy(mode=mode, window_days=window)  # type: ignore[arg-type]

    # -- values ------------------------------------------------------------------
    def unknown_keys(self, table: dict[str, Any], path: str, allowed: set[str], hint: str = "") -> None:
        for name in table:
            if name not in allowed:
                where = f"{path}.{name}" if path else name
                self.fail(where, f"is not a plan setting{'; ' + hint if hint else ''}")

    def text(self, table: dict[str, Any], name: str, path: str) -> str | None:
        value = table.get(name)
        if value is None:
            self.fail(path, "is missing")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(path, "must be a non-empty text in quotes")
            return None
        return value

    def choice(self, table: dict[str, Any], name: str, path: str, allowed: tuple[str, ...], default: str | None = None) -> str | None:
        value = table.get(name, default)
        if value is None:
            self.fail(path, f"is missing; use one of {', '.join(allowed)}")
            return None
        if value not in allowed:
            self.fail(path, f"{value!r} is not one of {', '.join(allowed)}")
            return None
        return value

    def number(self, table: dict[str, Any], name: str, path: str, minimum: Decimal | None = None,
               strictly: bool = False, required: bool = True, default: Decimal | None = None) -> Decimal | None:
        value = table.get(name)
        if value is None:
            if default is None and required:
                self.fail(path, "is missing")
            return default
        number = _as_decimal(value)
        if number is None:
            self.fail(path, f"{value!r} is not a number")
            return None
        if minimum is not None and (number <= minimum if strictly else number < minimum):
            self.fail(path, f"{number} must be {'above' if strictly else 'at least'} {minimum}")
            return None
        return number

    def whole(self, table: dict[str, Any], name: str, path: str, default: int | None = None) -> int | None:
        value = table.get(name, default)
        if value is None:
            self.fail(path, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.fail(path, f"{value!r} must be a whole number above 0")
            return None
        return value

    def bands(self, table: dict[str, Any], name: str, path: str,
              default: tuple[tuple[Decimal, Decimal], ...] | None = None) -> tuple[Band, ...]:
        raw = table.get(name)
        if raw is None:
            if default is None:
                self.fail(path, "is missing; write [[from, multiplier], ...] starting at 0.0")
                return ()
            return tuple(Band(start, multiplier) for start, multiplier in default)
        if not isinstance(raw, list) or not raw:
            self.fail(path, "must be a list of [from, multiplier] pairs, e.g. [[0.0, 1.0], [1.0, 2.0]]")
            return ()
        bands: list[Band] = []
        for position, pair in enumerate(raw, start=1):
            numbers = [_as_decimal(v) for v in pair] if isinstance(pair, list) else []
            if len(numbers) != 2 or None in numbers:
                self.fail(path, f"step {position} ({pair!r}) is not a [from, multiplier] pair of numbers")
                return ()
            start, multiplier = numbers
            if multiplier < 0:
                self.fail(path, f"step {position} has a negative multiplier {multiplier}")
            bands.append(Band(start, multiplier))  # type: ignore[arg-type]
        if bands[0].start != 0:
            self.fail(path, f"must start at 0.0; the first step starts at {bands[0].start}")
        for before, after in zip(bands, bands[1:]):
            if after.start <= before.start:
                self.fail(path, f"steps must start at strictly increasing values; {after.start} follows {before.start}")
                break
        return tuple(bands)


def _as_decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, int):
        return Decimal(value)
    return None
