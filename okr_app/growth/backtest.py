"""The plan back-test on the imported data: the same `comp_engine.backtest.compare_plans` as
`cadence payout compare`, on files written from the database (every deal, the roster of the
last quarter compared, or of the latest quarter before it, every quota)."""
from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import sqlalchemy as sa

from comp_engine import PayoutInputError, PeriodInvalid, parse_period
from comp_engine.backtest import Comparison, compare_plans
from comp_engine.ingest import QUOTAS_COLUMNS, ROSTER_COLUMNS, ROSTER_EXTRA, ROSTER_OPTIONAL
from comp_engine.money import cents_to_decimal
from comp_engine.plans import parse_plans, plan_sources
from okr_app.errors import InvalidInput, NotAllowed
from okr_app.extensions import db
from okr_app.ledger.loading import deals_csv
from okr_app.models import Quota, RosterRep
from okr_app.payouts.draw_balances import roster_terms
from okr_app.policy import Actor, can_compare_plans


def plan_keys_in(plans_dir: str | Path) -> list[str]:
    sources, _ = plan_sources(plans_dir)
    _, keys, _ = parse_plans(sources)
    return sorted(keys)


def compare_imported(actor: Actor, first: str, last: str, plans: list[str], plans_dir: str | Path) -> Comparison:
    if not can_compare_plans(actor):
        raise NotAllowed("Back-testing plans is for finance.")
    try:
        start, end = parse_period(first), parse_period(last)
    except PeriodInvalid as refused:
        raise InvalidInput(str(refused)) from None
    if not plans:
        raise InvalidInput("Choose at least one plan to compare.")
    period = db.session.scalar(sa.select(sa.func.max(RosterRep.period)).where(RosterRep.period <= str(end))) \
        or db.session.scalar(sa.select(sa.func.min(RosterRep.period)))
    if period is None:
        raise InvalidInput("No roster is imported yet: import one with `cadence roster import`.")
    with tempfile.TemporaryDirectory(prefix="cadence-compare-") as folder:
        root = Path(folder)
        (root / "deals.csv").write_bytes(deals_csv())
        reps = list(db.session.scalars(sa.select(RosterRep).where(RosterRep.period == period)
                                       .order_by(RosterRep.line, RosterRep.id)))
        terms = roster_terms(parse_period(period), reps)  # employment dates and draws, as the payout writes them
        with (root / "roster.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(ROSTER_COLUMNS + ROSTER_OPTIONAL + (ROSTER_EXTRA if terms else ()))
            for position, rep in enumerate(reps):
                incentive = "" if rep.target_incentive_cents is None else f"{cents_to_decimal(rep.target_incentive_cents):f}"
                writer.writerow((rep.rep_id, rep.name, rep.email, rep.plan, rep.manager_id or "", incentive)
                                + (terms[position] if terms else ()))
        with (root / "quotas.csv").open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(QUOTAS_COLUMNS)
            for quota in db.session.scalars(sa.select(Quota).order_by(Quota.period, Quota.line, Quota.id)):
                writer.writerow((quota.rep_id, quota.period, quota.component, f"{cents_to_decimal(quota.quota_cents):f}"))
        try:
            return compare_plans(str(start), str(end), root / "deals.csv", root / "roster.csv", root / "quotas.csv",
                                 plans_dir, plans)
        except PayoutInputError as refused:
            shown = "; ".join(str(problem).replace(folder + "/", "") for problem in refused.problems[:5])
            raise InvalidInput(f"The imported data cannot be replayed: {shown}") from None
