"""What a plan is: the dataclasses a checked plan file becomes (see `comp_engine.plans`).

Kept apart from the reading and the rules (`comp_engine.plan_checks`), which both need them.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

METRICS = ("net_revenue_retention", "gross_revenue_retention", "logo_retention")
BOOKS = ("originated", "renewed")
TIERS = ("marginal", "retroactive")
CLAWBACK_MODES = ("full", "linear", "none")
RESERVED_COMPONENT_KEYS = ("clawback",)


@dataclass(frozen=True)
class Band:
    """One step of a curve or modifier: from `start` (attainment or metric) upward."""

    start: Decimal
    multiplier: Decimal


@dataclass(frozen=True)
class QuotaComponent:
    """Paid on the deals credited in the quarter against the rep's quota.

    Attainment = credited / quota; payout = target x curve(attainment), where the
    target is the plan's target incentive x `weight`.
    """

    key: str
    weight: Decimal
    credit: tuple[str, ...]
    curve: tuple[Band, ...]
    tiers: str
    threshold: Decimal | None
    cap: Decimal | None


@dataclass(frozen=True)
class MetricComponent:
    """Paid on a retention metric of the rep's book: attainment = metric / target."""

    key: str
    weight: Decimal
    metric: str
    book: str
    target: Decimal
    window_months: int
    curve: tuple[Band, ...]
    tiers: str
    threshold: Decimal | None
    cap: Decimal | None


@dataclass(frozen=True)
class FlatRateComponent:
    """Pays `rate` x the credited amount of the listed deal types, never below 0."""

    key: str
    rate: Decimal
    credit: tuple[str, ...]


Component = QuotaComponent | MetricComponent | FlatRateComponent


@dataclass(frozen=True)
class Modifier:
    """Multiplies the sum of component payouts by the band the metric falls in."""

    metric: str
    book: str
    window_months: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class ClawbackPolicy:
    """How much of a `new` deal's earnings is taken back when its account churns
    fewer than `window_days` days after it closed: all of it (`full`), a share
    falling linearly to nothing at the end of the window (`linear`), or none."""

    mode: str
    window_days: int


NO_CLAWBACK = ClawbackPolicy(mode="none", window_days=0)


@dataclass(frozen=True)
class Plan:
    """A compensation plan as written in one TOML file (`source`)."""

    key: str
    name: str
    currency: str
    target_incentive: Decimal
    tiers: str
    components: tuple[Component, ...]
    modifiers: tuple[Modifier, ...]
    clawback: ClawbackPolicy
    source: str

    @property
    def quota_components(self) -> tuple[QuotaComponent, ...]:
        """The components that need a quota per rep and quarter in quotas.csv."""
        return tuple(c for c in self.components if isinstance(c, QuotaComponent))
