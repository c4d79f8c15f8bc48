"""`run_payout`: the one function every door (CLI, web, database run) calls.

It reads the input files once (hashing exactly the bytes it parses), validates all
of them, reporting every problem at once, then computes each rep's statement:
components, modifiers and clawbacks, with exact arithmetic and one rounding per line.
Deals crediting reps who are not on the roster (people who left) are accepted or
refused by the rule in `comp_engine.off_roster`, and the result notes them.
It writes nothing; see `comp_engine.outputs` for the CSV files. `cadence payout run` from
files calls `prepare_payout` instead (`comp_engine.run_files`): the same reading, checks and
`PayoutComputation`, with the statements computed in two halves on two cores.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np

from comp_engine.arr_checks import negative_arr_problems
from comp_engine.arrow_texts import use_jemalloc
from comp_engine.clawbacks import EarlyChurn, clawback_fraction, clawback_line, early_churns, earned_share
from comp_engine.collector import cycle_collection_paused
from comp_engine.components import flat_rate_line, metric_line, modifier_line, not_employed_line, quota_line
from comp_engine.crediting import DealsBehind, QuarterCredit, quarter_credit
from comp_engine.deal_table import DealTable, read_deals
from comp_engine.deals_reading import DealsReading, fingerprint_label
from comp_engine.draws import settle_draw
from comp_engine.employment import CreditsOutside, days_employed, proration_of, without_credits_outside_employment
from comp_engine.errors import PayoutInputError, PlanInvalid, Problem
from comp_engine.ingest import Quotas, Rep, Roster, read_quotas, read_roster
from comp_engine.metrics import BookMetrics
from comp_engine.money import cents_to_decimal, round_half_up, rounded_units
from comp_engine.off_roster import PaidQuarter, clawed_back_problems, off_roster_note
from comp_engine.periods import Period, from_day_number, parse_period, period_containing
from comp_engine.plans import (Component, FlatRateComponent, MetricComponent, Plan, QuotaComponent, parse_plans,
                               plan_sources)
from comp_engine.result import (ClawbackLine, ClawbackPart, ComponentLine, DealCredits, InputFile, PayoutResult,
                                RepStatement, units_to_decimal)


def run_payout(period: str | Period, deals_path: str | Path, roster_path: str | Path, quotas_path: str | Path,
               plans_dir: str | Path) -> PayoutResult:
    """Compute the payout of every rep on the roster for one calendar quarter.

    Raises PayoutInputError (PlanInvalid when only plans are at fault) listing every
    invalid row, key or missing quota; PeriodInvalid for a malformed period.
    """
    use_jemalloc()
    with cycle_collection_paused():
        quarter = parse_period(period) if isinstance(period, str) else period
        inputs = _read_inputs(deals_path, roster_path, quotas_path, plans_dir)
        return compute_payout(quarter, inputs)


def prepare_payout(period: str | Period, deals_path: str | Path, roster_path: str | Path, quotas_path: str | Path,
                   plans_dir: str | Path, reading: DealsReading | None = None) -> PayoutComputation:
    """`run_payout` up to its statements: every input read and checked (raising as `run_payout`
    does), for a caller that computes the statements in parts (`comp_engine.run_files`).
    The caller pauses the cycle collector (`cycle_collection_paused`) around it and the parts.
    Such a run records its fingerprint, not each file's sha256 (`files` is empty): the deals
    file is hashed once, not twice. `reading` is the deals file's, if the caller started reading
    it (`comp_engine.deals_reading.start_reading(deals_path, file_sha256=False)`)."""
    use_jemalloc()
    quarter = parse_period(period) if isinstance(period, str) else period
    return _prepared(quarter, _read_inputs(deals_path, roster_path, quotas_path, plans_dir), file_hashes=False,
                     reading=reading)


@dataclass(frozen=True)
class Inputs:
    """A run's inputs: the roster, quotas and plans as bytes (small files, read once), and the
    deals file as a path, read later in blocks while it is parsed and fingerprinted."""

    deals: tuple[str, Path | None]
    roster: tuple[str, bytes | None]
    quotas: tuple[str, bytes | None]
    plans: tuple[tuple[str, bytes], ...]
    problems: tuple[Problem, ...]


def _read_inputs(deals_path: str | Path, roster_path: str | Path, quotas_path: str | Path,
                 plans_dir: str | Path) -> Inputs:
    """Read every small input's bytes once and check that the deals file can be opened;
    a missing or unreadable file is a Problem."""
    problems: list[Problem] = []

    def refused(path: str | Path, error: OSError) -> None:
        if isinstance(error, FileNotFoundError):
            problems.append(Problem(str(path), None, None, "file not found"))
        elif isinstance(error, IsADirectoryError):
            problems.append(Problem(str(path), None, None, "is a folder, not a CSV file"))
        else:
            problems.append(Problem(str(path), None, None, f"cannot be read: {error.strerror}"))

    def read(path: str | Path) -> tuple[str, bytes | None]:
        try:
            return str(path), Path(path).read_bytes()
        except OSError as error:
            refused(path, error)
        return str(path), None

    def openable(path: str | Path) -> tuple[str, Path | None]:
        try:
            with open(path, "rb") as handle:
                handle.read(1)
            return str(path), Path(path)
        except OSError as error:
            refused(path, error)
        return str(path), None

    deals, roster, quotas = openable(deals_path), read(roster_path), read(quotas_path)
    plans, plan_problems = plan_sources(plans_dir)
    return Inputs(deals, roster, quotas, tuple(plans), tuple(problems + plan_problems))


def fingerprint_of(files: list[tuple[str, str, bytes]]) -> str:
    """sha256 over every input's role, file name and bytes, length-prefixed, in order:
    deals, roster, quotas, then plans by file name."""
    digest = hashlib.sha256()
    for role, path, content in files:
        digest.update(fingerprint_label(role, path, len(content)))
        digest.update(content)
    return digest.hexdigest()


def compute_payout(period: Period, inputs: Inputs) -> PayoutResult:
    """Validate the inputs and compute every statement (see `run_payout`)."""
    return _prepared(period, inputs).result()


def _prepared(period: Period, inputs: Inputs, file_hashes: bool = True,
              reading: DealsReading | None = None) -> PayoutComputation:
    """Validate the inputs and compute what every statement shares (see `run_payout`);
    `file_hashes` says whether to record each file's sha256 beside the run's fingerprint,
    `reading` is the deals file's reading if the caller started it (`comp_engine.deals_reading`).

    The deals file is read in blocks, each block hashed into the run's fingerprint as it
    is parsed: the fingerprint is of exactly the bytes paid on, and the file is never
    held whole in memory.
    """
    deals_path, deals_sha256, arr_check = inputs.deals[1], "", None
    if deals_path is None:
        reading = None
    elif reading is None or (reading.path, reading.source, reading.file_sha256) != (deals_path, inputs.deals[0], file_hashes):
        reading = DealsReading(deals_path, inputs.deals[0], file_hashes)  # read while the small files are checked
    fingerprint = reading.fingerprint if reading is not None else hashlib.sha256()
    problems = list(inputs.problems)
    plans, plan_keys, plan_problems = parse_plans(list(inputs.plans))
    problems += plan_problems
    roster = quotas = deals = None
    if inputs.roster[1] is not None:
        roster, found = read_roster(inputs.roster[1], inputs.roster[0], plan_keys)
        problems += found
    if inputs.quotas[1] is not None:
        components = {component.key for plan in plans.values() for component in plan.quota_components}
        quotas, found = read_quotas(inputs.quotas[1], inputs.quotas[0], roster, components if not plan_problems else None)
        problems += found
    if reading is not None:
        read = reading.columns()
        deals_sha256 = read[0].sha256 if read[0] is not None else ""  # hashed as it was read
        deals, found = read_deals(deals_path, inputs.deals[0], roster, PaidQuarter(period), columns=read)
        if deals is not None and reading.changed_size:
            deals, found = None, [Problem(inputs.deals[0], None, None,
                                          "changed while it was being read; run again once it is saved")]
        problems += found
        if deals is not None:  # checked beside what follows (numpy sorts without the GIL); claims() waits for it
            arr_check = _beside(negative_arr_problems, deals, inputs.deals[0])
    if problems:
        problems += arr_check.result() if arr_check is not None else []
        raise (PlanInvalid if problems == plan_problems else PayoutInputError)(problems)
    assert roster is not None and quotas is not None and deals is not None
    deals, outside = without_credits_outside_employment(
        deals, [rep.rep_id for rep in roster.reps], [rep.employment for rep in roster.reps])
    rest = [(role, path, content) for role, (path, content) in (("roster", inputs.roster), ("quotas", inputs.quotas))
            if content is not None] + [("plan", path, content) for path, content in inputs.plans]
    for role, path, content in rest:
        fingerprint.update(fingerprint_label(role, path, len(content)))
        fingerprint.update(content)
    files = (InputFile("deals", inputs.deals[0], deals_sha256),
             *(InputFile(role, path, hashlib.sha256(content).hexdigest()) for role, path, content in rest)
             ) if file_hashes else ()
    return PayoutComputation(period, plans, roster, quotas, deals, inputs.deals[0], inputs.quotas[0], outside,
                             fingerprint.hexdigest(), files, arr_check)


def _beside(function: Callable[..., list[Problem]], *args: object) -> Future[list[Problem]]:
    """`function(*args)` running in a thread of its own."""
    pool = ThreadPoolExecutor(1, thread_name_prefix="check")
    try:
        return pool.submit(function, *args)
    finally:
        pool.shutdown(wait=False)


_WHOLE = Fraction(1)


class PayoutComputation:
    """The numbers of one run, computed once and shared by every rep's statement: `result()` is
    the whole run; `claims()`, then `statements()` of some reps at a time, computes it in parts."""

    def __init__(self, period: Period, plans: dict[str, Plan], roster: Roster, quotas: Quotas,
                 deals: DealTable, deals_source: str, quotas_source: str,
                 outside: CreditsOutside | None = None, fingerprint: str = "", files: tuple[InputFile, ...] = (),
                 checking: Future[list[Problem]] | None = None) -> None:
        self.fingerprint = fingerprint
        self.files = files
        self.period = period
        self.outside = outside
        self.plans = plans
        self.roster = roster
        self.quotas = quotas
        self.deals = deals
        self.deals_source = deals_source
        self.quotas_source = quotas_source
        self.rep_count = len(roster.reps)
        self.credit = quarter_credit(deals, period, self.rep_count)
        self.behind = DealsBehind(deals, period, self.rep_count)
        self.metrics = BookMetrics(deals, self.rep_count)
        self._quarters: dict[Period, QuarterCredit] = {period: self.credit}
        self._paid: dict[tuple[int, Period, str], Fraction] = {}
        self._claims: dict[int, list[tuple[EarlyChurn, int]]] | None = None
        self._checking = checking

    def plan_of(self, rep: Rep) -> Plan:
        return self.plans[rep.plan_key]

    def target_incentive(self, rep: Rep) -> Decimal:
        return rep.target_incentive if rep.target_incentive is not None else self.plan_of(rep).target_incentive

    @staticmethod
    def employed(rep: Rep, period: Period) -> bool:
        return not rep.employment.bounded or days_employed(period, rep.employment) > 0

    @staticmethod
    def fraction_employed(rep: Rep, period: Period) -> Fraction:
        """f of `comp_engine.employment`: 1 for a whole quarter."""
        proration = proration_of(period, rep.employment)
        return _WHOLE if proration is None else proration.fraction

    def result(self) -> PayoutResult:
        """Every rep's statement (raises PayoutInputError when a clawback cannot be computed)."""
        statements = self.statements(range(self.rep_count))
        return PayoutResult(str(self.period), self.period.start, self.period.end, self.fingerprint, self.files,
                            statements, notes=self.notes())

    def claims(self) -> dict[int, list[tuple[EarlyChurn, int]]]:
        """The clawbacks of the run by rep (position in the roster): each churn and the rep's share
        of its new deal, once every deal clawed back and every quota it needs is known to be there
        (PayoutInputError listing every problem otherwise). Computed once. The deals' own problems
        still being checked when the computation was made (`checking`: ARR gone negative) are
        raised first, alone, as if raised before it."""
        if self._claims is None:
            churns = early_churns(self.deals, self.period,
                                  max((plan.clawback.window_days for plan in self.plans.values()), default=0))
            claims = self._clawback_claims(churns)
            if self._checking is not None:
                found, self._checking = self._checking.result(), None
                if found:
                    raise PayoutInputError(found)
            problems = clawed_back_problems(self.deals, churns, self.plans, self.deals_source, self.period)
            problems += self._missing_quotas(claims)
            if problems:
                raise PayoutInputError(problems)
            self._claims = {}
            for rep_index, churn, share_units in claims:
                self._claims.setdefault(rep_index, []).append((churn, share_units))
        return self._claims

    def statements(self, positions: range | list[int]) -> tuple[RepStatement, ...]:
        """The statements of the reps at these positions of the roster, in that order."""
        claims = self.claims()
        return tuple(
            self._statement(position, self.roster.reps[position],
                            [self._clawback(position, churn, share_units) for churn, share_units in claims.get(position, ())])
            for position in positions)

    def shared_first(self) -> None:
        """Compute now what statements of different reps share and would otherwise compute when first
        asked (past quarters' credit for clawbacks, book windows for metrics), so that parts of the run
        computed apart (in another process) each find it done rather than each doing it again.
        Raises as `claims()` does (the windows come first: the deals' last check runs beside them)."""
        for plan in self.plans.values():
            for item in (*plan.modifiers, *(c for c in plan.components if isinstance(c, MetricComponent))):
                self.metrics.window(item.book, self.period.end, item.window_months)
        for claimed in self.claims().values():
            for churn, _ in claimed:
                self._quarter(period_containing(from_day_number(int(self.deals.day[churn.new_row]))))

    def notes(self) -> tuple[str, ...]:
        """What finance should read beside the statements (see `PayoutResult.notes`)."""
        note = off_roster_note(self.deals, self.period)
        outside = self.outside.note(self.period) if self.outside else None
        return self.deals.notes + self.roster.notes + self.quotas.notes + tuple(n for n in (note, outside) if n)

    # -- statements ---------------------------------------------------------------------
    def _statement(self, position: int, rep: Rep, clawbacks: list[ClawbackLine]) -> RepStatement:
        plan = self.plan_of(rep)
        target_incentive = self.target_incentive(rep)
        components = tuple(self._component(position, rep, component, target_incentive) for component in plan.components)
        printed = [line.amount for line in components]
        modifiers = tuple(
            modifier_line(modifier, self.metrics.window(modifier.book, self.period.end, modifier.window_months)
                          .metric(position, modifier.metric), printed)
            for modifier in plan.modifiers
        )
        clawbacks.sort(key=lambda line: (line.churn_date, line.deal_id))
        lines = components + modifiers + tuple(clawbacks)
        earned_cents = sum(rounded_units(line.amount) for line in lines)
        terms = rep.draw
        if terms is not None and not self.employed(rep, self.period):
            terms = replace(terms, draw_cents=0)  # no draw for a quarter not worked; a balance stays owed
        draw = settle_draw(earned_cents, terms) if terms is not None else None
        proration = proration_of(self.period, rep.employment)
        shown_target, note = target_incentive, ""
        if proration is not None:
            prorated_target = Fraction(target_incentive) * proration.fraction
            shown_target = round_half_up(prorated_target)
            note = proration.explain(prorated_target, {line.component: Fraction(line.quota) for line in components
                                                       if line.quota is not None})
        return RepStatement(
            rep_id=rep.rep_id, name=rep.name, email=rep.email, manager_id=rep.manager_id,
            plan_key=plan.key, plan_name=plan.name, currency=plan.currency, target_incentive=shown_target,
            components=components, modifiers=modifiers, clawbacks=tuple(clawbacks),
            total=cents_to_decimal(draw.paid_cents if draw is not None else earned_cents),
            proration=proration, draw=draw, proration_note=note,
        )

    def _component(self, position: int, rep: Rep, component: Component, target_incentive: Decimal) -> ComponentLine:
        if isinstance(component, QuotaComponent):
            if not self.employed(rep, self.period):
                return not_employed_line(component, f"{rep.employment.describe()}, no day of {self.period}")
            quota = self.quotas.quota_cents(rep.rep_id, str(self.period), component.key)
            return quota_line(component, target_incentive, self.credit.credited_units(position, component.credit),
                              quota, self.behind.for_rep(position, component.credit),  # type: ignore[arg-type]
                              self.fraction_employed(rep, self.period))
        if isinstance(component, MetricComponent):
            window = self.metrics.window(component.book, self.period.end, component.window_months)
            return metric_line(component, target_incentive, window.metric(position, component.metric),
                               self.fraction_employed(rep, self.period))
        return flat_rate_line(component, self.credit.credited_units(position, component.credit),
                              self.behind.for_rep(position, component.credit))

    # -- clawbacks ------------------------------------------------------------------------
    def _clawback_claims(self, churns: list[EarlyChurn]) -> list[tuple[int, EarlyChurn, int]]:
        """(rep, churn, rep's share of the new deal) for every rep whose plan claws it back."""
        claims = []
        deals = self.deals
        new_rows = np.array([churn.new_row for churn in churns], dtype=deals.credit_deal.dtype)
        starts = np.searchsorted(deals.credit_deal, new_rows, side="left").tolist()
        stops = np.searchsorted(deals.credit_deal, new_rows, side="right").tolist()
        for churn, start, stop in zip(churns, starts, stops):
            for row in range(start, stop):
                rep_index = int(deals.credit_rep[row])
                policy = self.plan_of(self.roster.reps[rep_index]).clawback
                if clawback_fraction(policy, churn.days) > 0:
                    claims.append((rep_index, churn, int(deals.credit_share[row])))
        return claims

    def _new_deal_components(self, rep: Rep) -> list[QuotaComponent | FlatRateComponent]:
        return [c for c in self.plan_of(rep).components
                if not isinstance(c, MetricComponent) and "new" in c.credit]

    def _missing_quotas(self, claims: list[tuple[int, EarlyChurn, int]]) -> list[Problem]:
        """Every quota the run needs must be in quotas.csv: this quarter's for every rep
        and quota component, and the quarters of clawed-back deals."""
        missing: dict[tuple[str, str, str], str] = {}
        for rep in self.roster.reps:
            if not self.employed(rep, self.period):
                continue  # no quota is needed for a quarter the rep did not work
            for component in self.plan_of(rep).quota_components:
                if self.quotas.quota_cents(rep.rep_id, str(self.period), component.key) is None:
                    missing[(rep.rep_id, str(self.period), component.key)] = ""
        for rep_index, churn, _ in claims:
            rep = self.roster.reps[rep_index]
            original = str(period_containing(from_day_number(int(self.deals.day[churn.new_row]))))
            for component in self._new_deal_components(rep):
                key = (rep.rep_id, original, component.key)
                if isinstance(component, QuotaComponent) and self.quotas.quota_cents(*key) is None:
                    missing.setdefault(key, f" (needed to claw back deal {self.deals.deal_id[churn.new_row]})")
        return [Problem(self.quotas_source, None, "quota",
                        f"no quota for rep {rep_id}, period {period}, component {component}{why}")
                for (rep_id, period, component), why in missing.items()]

    def _quarter(self, period: Period) -> QuarterCredit:
        if period not in self._quarters:
            self._quarters[period] = quarter_credit(self.deals, period, self.rep_count)
        return self._quarters[period]

    def _clawback(self, rep_index: int, churn: EarlyChurn, share_units: int) -> ClawbackLine:
        """Recompute, with the same component rules, the rounded line each component that
        credits new deals paid the rep in the new deal's own quarter, and the deal's share of it."""
        rep = self.roster.reps[rep_index]
        deals = self.deals
        original = period_containing(from_day_number(int(deals.day[churn.new_row])))
        credit = self._quarter(original)
        deal_units = int(deals.amount_cents[churn.new_row]) * share_units
        parts = []
        for component in self._new_deal_components(rep):
            total_units = credit.credited_units(rep_index, component.credit)
            line_paid = self._paid_in(rep_index, original, component, total_units)
            parts.append(ClawbackPart(
                component=component.key, component_payout=line_paid, deal_credited=units_to_decimal(deal_units),
                total_credited=units_to_decimal(total_units),
                earned=earned_share(line_paid, deal_units, total_units),
            ))
        return clawback_line(deals, churn, self.plan_of(rep).clawback, tuple(parts))

    def _paid_in(self, rep_index: int, period: Period, component: QuotaComponent | FlatRateComponent,
                 total_units: int) -> Fraction:
        """The rounded line a component paid the rep in a past quarter, computed once per rep,
        quarter and component however many of that quarter's deals churn."""
        key = (rep_index, period, component.key)
        paid = self._paid.get(key)
        if paid is None:
            rep = self.roster.reps[rep_index]
            if isinstance(component, QuotaComponent):
                quota = self.quotas.quota_cents(rep.rep_id, str(period), component.key)
                line = quota_line(component, self.target_incentive(rep), total_units, quota,  # type: ignore[arg-type]
                                  DealCredits(), self.fraction_employed(rep, period))
            else:
                line = flat_rate_line(component, total_units, DealCredits())
            paid = self._paid[key] = Fraction(line.amount)
        return paid
