"""Metric key results: values computed from the deals, never typed by hand.

A metric key result is bound to one `comp_engine.revenue` metric and scoped by its
objective's owner (`okr_app.ledger.loading.scope_of`). It is measured on the earlier
of today and the cycle's last day: flow metrics sum the deals closed from the cycle's
first day to then; retention uses a window of `window_months` ending then. Each deals
import recomputes the metric key results of every cycle that is not closed and records
a check-in, whose source is the import, for each value that changed.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from comp_engine.revenue import Ledger, MetricName, MetricUnknown, RevenueValue, measure, parse_metric
from okr_app.clock import today, utcnow
from okr_app.errors import InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.ledger.loading import load_ledger, scope_of
from okr_app.models import CheckIn, Cycle, KeyResult, Objective, PayoutImport
from okr_app.policy import Actor, can_view_revenue_accounts

DEFAULT_WINDOW_MONTHS = 12


def metric_of(text: str | None) -> MetricName:
    """The metric a key result is bound to; InvalidInput naming the choices otherwise."""
    try:
        return parse_metric(text)
    except MetricUnknown as unknown:
        raise InvalidInput(f"A metric key result needs a revenue metric: {unknown}.") from None


def window_of(value: int | None) -> int:
    if value is None:
        return DEFAULT_WINDOW_MONTHS
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 36:
        raise InvalidInput("window_months is a whole number of months from 1 to 36.")
    return value


def measuring_day(cycle: Cycle, on: date | None = None) -> date:
    """The earlier of today and the cycle's last day."""
    return min(on or today(), cycle.end)


def value_of(ledger: Ledger, kr: KeyResult, on: date | None = None) -> RevenueValue:
    """The key result's metric for its objective's scope, measured on `on` (default: its measuring day)."""
    objective = kr.objective
    day = on or kr.measured_on or measuring_day(objective.cycle)
    return measure(ledger, parse_metric(kr.metric), scope_of(ledger, objective), objective.cycle.start, day,
                   kr.window_months or DEFAULT_WINDOW_MONTHS)


def explanation_of(kr: KeyResult) -> RevenueValue | None:
    """What the current value is made of, on the day it was measured; None before any deal is imported."""
    ledger = load_ledger()
    return None if ledger is None else value_of(ledger, kr)


def latest_deals_import() -> PayoutImport | None:
    return db.session.scalar(sa.select(PayoutImport).where(PayoutImport.kind == "deals")
                             .order_by(PayoutImport.id.desc()).limit(1))


def refresh(kr: KeyResult, ledger: Ledger | None, batch: PayoutImport | None) -> CheckIn | None:
    """Measure one metric key result; record a check-in when its value changed."""
    day = measuring_day(kr.objective.cycle)
    kr.measured_on = day
    if ledger is None:
        return None
    number = value_of(ledger, kr, day).number
    if number == kr.current_value:
        return None
    if number is None:
        kr.current_value = None
        return None
    source = f"import #{batch.id} ({batch.file_name})" if batch is not None else "the imported deals"
    entry = CheckIn(key_result_id=kr.id, value=number, confidence=kr.confidence, author_id=None,
                    import_id=batch.id if batch is not None else None, created_at=utcnow(),
                    note=f"Computed from the deals by {source}, measured on {day.isoformat()}.")
    db.session.add(entry)
    kr.current_value, kr.last_checkin_at = number, entry.created_at
    return entry


def recompute_metric_key_results(batch: PayoutImport | None) -> list[CheckIn]:
    """After a deals import (or removal): every metric key result of a cycle not closed, measured again."""
    krs = db.session.scalars(
        sa.select(KeyResult).join(Objective, KeyResult.objective_id == Objective.id)
        .join(Cycle, Objective.cycle_id == Cycle.id)
        .where(KeyResult.kind == "metric", Cycle.state != "closed").order_by(KeyResult.id)).all()
    if not krs:
        return []
    ledger = load_ledger()
    entries = [entry for kr in krs if (entry := refresh(kr, ledger, batch)) is not None]
    db.session.flush()
    return entries


def accounts_behind(actor: Actor, kr: KeyResult) -> RevenueValue | None:
    """The value with the accounts it is made of, for those the policy lets see deals."""
    if not can_view_revenue_accounts(actor, kr.objective):
        raise NotAllowed("The accounts behind this value are for finance, leaders (company and team key results) "
                         "and the rep whose deals they are.")
    if kr.kind != "metric":
        raise NotFound("Only a metric key result is computed from accounts.")
    return explanation_of(kr)
