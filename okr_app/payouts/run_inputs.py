"""A quarter's payout inputs, written from the database as the engine's CSV files.

The database door calls the same `comp_engine.run_payout` as the file door, on files
written here: the deals closed on or before the quarter's last day (in the order they
were imported), the quarter's roster (in its file's order), the quotas of that quarter
and of earlier ones for the reps on that roster, and a copy of the plan files.

Deals closed after the quarter cannot change it (credit counts deals inside the
quarter; retention windows and clawbacks only look back), so leaving them out changes
no figure, and the quarter's fingerprint stays the same when later deals arrive. The
same rows always give the same bytes, so the same fingerprint.
"""
from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import sqlalchemy as sa

from comp_engine import PayoutInputError, PayoutResult, Problem, run_payout
from comp_engine.ingest import (DEALS_COLUMNS, DEALS_OPTIONAL, QUOTAS_COLUMNS, ROSTER_COLUMNS, ROSTER_EXTRA,
                                ROSTER_OPTIONAL)
from comp_engine.money import cents_to_decimal
from comp_engine.periods import Period
from comp_engine.plans import plan_sources
from comp_engine.run import fingerprint_of
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Deal, PayoutImport, Quota, RosterRep
from okr_app.payouts.draw_balances import roster_terms


class InputsRefused(InvalidInput):
    """The imported data (or the plans) cannot be paid on; nothing was recorded.

    Each problem names the file a row was imported from and its line there."""

    def __init__(self, heading: str, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        count = len(self.problems)
        super().__init__(f"{heading}; nothing was recorded. {count} problem{'s' if count != 1 else ''}:\n"
                         + "\n".join(str(problem) for problem in self.problems))


class NoRoster(InvalidInput):
    def __init__(self, period: Period) -> None:
        super().__init__(f"There is no roster for {period}: import one with "
                         f"`cadence roster import roster.csv --period {period}`; nothing was recorded.")


@dataclass(frozen=True)
class Origin:
    """Where a row written here came from: the imported file and its line there."""

    file: str
    line: int


@dataclass
class PeriodInputs:
    """The files of one quarter's computation, and how to point a problem back at its import."""

    period: Period
    folder: Path
    fingerprint: str
    files: list[dict[str, str]]
    plan_texts: dict[str, str]
    _origins: dict[str, tuple[str, list[Origin]]] = field(default_factory=dict, repr=False)
    _plan_paths: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def deals(self) -> Path:
        return self.folder / "deals.csv"

    @property
    def roster(self) -> Path:
        return self.folder / "roster.csv"

    @property
    def quotas(self) -> Path:
        return self.folder / "quotas.csv"

    @property
    def plans(self) -> Path:
        return self.folder / "plans"

    def explain(self, problem: Problem) -> Problem:
        """The problem as the engine found it, naming the imported file and line instead of ours."""
        if problem.file in self._plan_paths:
            return replace(problem, file=self._plan_paths[problem.file])
        source = self._origins.get(problem.file)
        if source is None:
            return problem
        label, origins = source
        if problem.line is not None and 0 <= problem.line - 2 < len(origins):
            origin = origins[problem.line - 2]
            return Problem(origin.file, origin.line, problem.field, problem.message)
        return Problem(label, None, problem.field, problem.message)


def write_period_inputs(period: Period, folder: Path, plans_dir: str | Path) -> PeriodInputs:
    """Write the quarter's deals, roster, quotas and plans into `folder` (created)."""
    folder.mkdir(parents=True)
    sources, problems = plan_sources(plans_dir)
    if problems:
        raise InputsRefused(f"The plans cannot be read for {period}", problems)
    reps = list(db.session.scalars(sa.select(RosterRep).where(RosterRep.period == str(period))
                                   .order_by(RosterRep.line, RosterRep.id)))
    if not reps:
        raise NoRoster(period)
    inputs = PeriodInputs(period, folder, "", [], {})
    inputs._origins[str(inputs.deals)] = ("the imported deals", _write_deals(period, inputs.deals))
    inputs._origins[str(inputs.roster)] = (f"the {period} roster", _write_roster(reps, inputs.roster, period))
    inputs._origins[str(inputs.quotas)] = ("the imported quotas", _write_quotas(period, reps, inputs.quotas))
    inputs.plans.mkdir()
    copied = []
    for source, content in sources:
        target = inputs.plans / Path(source).name
        target.write_bytes(content)
        inputs._plan_paths[str(target)] = source
        inputs.plan_texts[target.name] = content.decode("utf-8", errors="replace")
        copied.append(("plan", str(target), content))
    files = [(role, str(path), path.read_bytes()) for role, path in
             (("deals", inputs.deals), ("roster", inputs.roster), ("quotas", inputs.quotas))] + copied
    inputs.fingerprint = fingerprint_of(files)
    inputs.files = [{"role": role, "name": Path(path).name, "sha256": _sha256(content)} for role, path, content in files]
    return inputs


def _sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _amount(cents: int | None) -> str:
    return "" if cents is None else f"{cents_to_decimal(cents):f}"


def _write_deals(period: Period, path: Path) -> list[Origin]:
    query = (sa.select(Deal.deal_id, Deal.account_id, Deal.rep_id, Deal.type, Deal.amount_cents, Deal.close_date,
                       Deal.split, PayoutImport.file_name, Deal.line)
             .join(PayoutImport, Deal.import_id == PayoutImport.id)
             .where(Deal.close_date <= period.end).order_by(Deal.id))
    origins = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DEALS_COLUMNS + DEALS_OPTIONAL)
        for deal_id, account, rep, kind, cents, closed, split, file, line in db.session.execute(
                query.execution_options(yield_per=10_000)):
            writer.writerow((deal_id, account, rep, kind, _amount(cents), closed.isoformat(), split))
            origins.append(Origin(file, line))
    return origins


def _write_roster(reps: list[RosterRep], path: Path, period: Period) -> list[Origin]:
    """The roster; employment dates and draws (balances carried from approved runs) only
    when a rep has one, so a roster without them keeps its bytes and fingerprint."""
    files = _file_names({rep.import_id for rep in reps})
    terms = roster_terms(period, reps)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(ROSTER_COLUMNS + ROSTER_OPTIONAL + (ROSTER_EXTRA if terms else ()))
        for position, rep in enumerate(reps):
            writer.writerow((rep.rep_id, rep.name, rep.email, rep.plan, rep.manager_id or "",
                             _amount(rep.target_incentive_cents)) + (terms[position] if terms else ()))
    return [Origin(files[rep.import_id], rep.line) for rep in reps]


def _write_quotas(period: Period, reps: list[RosterRep], path: Path) -> list[Origin]:
    """Quotas up to this quarter (clawbacks look back at a deal's own quarter) of the roster's reps."""
    on_roster = {rep.rep_id for rep in reps}
    quotas = [quota for quota in db.session.scalars(
        sa.select(Quota).where(Quota.period <= str(period)).order_by(Quota.period, Quota.line, Quota.id))
        if quota.rep_id in on_roster]
    files = _file_names({quota.import_id for quota in quotas})
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(QUOTAS_COLUMNS)
        for quota in quotas:
            writer.writerow((quota.rep_id, quota.period, quota.component, _amount(quota.quota_cents)))
    return [Origin(files[quota.import_id], quota.line) for quota in quotas]


def _file_names(import_ids: set[int]) -> dict[int, str]:
    if not import_ids:
        return {}
    return dict(db.session.execute(sa.select(PayoutImport.id, PayoutImport.file_name)
                                   .where(PayoutImport.id.in_(sorted(import_ids)))).all())


def compute(inputs: PeriodInputs, heading: str) -> PayoutResult:
    """The engine on the written inputs; its problems are reported against the imported files."""
    try:
        return run_payout(inputs.period, inputs.deals, inputs.roster, inputs.quotas, inputs.plans)
    except PayoutInputError as refused:
        raise InputsRefused(heading, [inputs.explain(problem) for problem in refused.problems]) from None


def cents_of(amount: Decimal) -> int:
    """Exact integer cents of an amount the engine rounded to the cent."""
    cents = Fraction(amount) * 100
    if cents.denominator != 1:
        raise ValueError(f"{amount} is not a whole number of cents")
    return int(cents)
