"""Importing the payout inputs: deals, a quarter's roster, quotas. All or nothing.

Each file is checked by the commission engine's own readers (`comp_engine.ingest`),
so an import refuses exactly what `cadence payout run --deals ...` would refuse, with
the same messages: every bad row, with file, line (the header is line 1) and field.
Nothing is written when anything is wrong, and a file over MAX_IMPORT_BYTES is refused
before it is read into memory.

- Deals accumulate: each deal_id is imported once. A deal_id already imported is
  refused, unless `replace=True` (a correction): then the stored deal takes the new
  values, keeping its place in the order deals were imported.
- A roster belongs to one quarter: importing it replaces that quarter's roster.
- Quotas: the file replaces every quota of each quarter it names.

Correcting the inputs of a quarter whose run was approved is allowed: the approved
run never changes, and the next quarter's run pays the difference as adjustment lines.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from comp_engine import PeriodInvalid, Problem, parse_period
from comp_engine.deal_types import DEAL_TYPES
from comp_engine.ingest import (DEALS_COLUMNS, DEALS_OPTIONAL, QUOTAS_COLUMNS, TextTable, read_deals, read_quotas,
                                read_roster, read_table, trim_id)
from comp_engine.periods import from_day_number, period_containing
from comp_engine.plans import parse_plans, plan_sources
from comp_engine.revenue import SOURCE_COLUMN
from okr_app.audit.services import record
from okr_app.errors import InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.ledger.key_results import recompute_metric_key_results
from okr_app.models import Deal, PayoutImport, PayoutRun, Quota, RosterRep
from okr_app.payouts.draw_balances import quarter_terms_of
from okr_app.models.payouts import ID_LENGTH, LOCKED_STATES
from okr_app.people.importing import FileTooLarge, read_limited
from okr_app.policy import Actor, can_run_payouts

_BATCH = 500


class ImportRefused(InvalidInput):
    """The file was refused whole; `problems` lists every bad row and field."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        count = len(problems)
        super().__init__(f"{file}: nothing imported; {count} problem{'s' if count != 1 else ''}:\n"
                         + "\n".join(str(problem) for problem in problems))


@dataclass(frozen=True)
class ImportOutcome:
    """What an import did, for the command's message."""

    batch: PayoutImport
    added: int
    replaced: int
    unchanged: int = 0
    removed: int = 0
    periods: tuple[str, ...] = ()
    approved_periods: tuple[str, ...] = ()
    metric_check_ins: int = 0


def require_finance(actor: Actor | None, doing: str) -> Actor:
    if actor is None or not can_run_payouts(actor):
        raise NotAllowed(f"Only finance {doing}.")
    return actor


def read_import_file(path: str | os.PathLike, max_bytes: int) -> tuple[bytes, str]:
    """The file's bytes and name; over `max_bytes` it is refused from its size on disk."""
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise FileTooLarge(path.name, max_bytes)
        with path.open("rb") as stream:
            return read_limited(stream, max_bytes, path.name), path.name
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.") from None


def _new_batch(actor: Actor, kind: str, file: str, data: bytes, rows: int, period: str | None = None) -> PayoutImport:
    batch = PayoutImport(kind=kind, file_name=file[:255], sha256=hashlib.sha256(data).hexdigest(), period=period,
                         row_count=rows, imported_by_id=actor.id)
    db.session.add(batch)
    db.session.flush()
    return batch


def _too_long(file: str, line: int, values: dict[str, str]) -> list[Problem]:
    return [Problem(file, line, name, f"is longer than {ID_LENGTH} characters")
            for name, value in values.items() if value and len(value) > ID_LENGTH]


def _approved_periods(periods: set[str]) -> tuple[str, ...]:
    if not periods:
        return ()
    found = db.session.scalars(sa.select(PayoutRun.period).where(
        PayoutRun.period.in_(sorted(periods)), PayoutRun.state.in_(LOCKED_STATES)))
    return tuple(sorted(set(found)))


# --- deals --------------------------------------------------------------------------------------

def import_deals(actor: Actor | None, data: bytes, file: str, replace: bool = False) -> ImportOutcome:
    """Add every deal of a deals.csv (or, with `replace`, correct already imported ones)."""
    actor = require_finance(actor, "imports deals")
    table, problems = read_deals(data, file, None)
    text, _ = read_table(data, file, DEALS_COLUMNS, DEALS_OPTIONAL + (SOURCE_COLUMN,))
    if text is not None:
        problems = list(problems) + _rules_of_the_store(text, file)
    if table is None or problems:
        raise ImportRefused(file, _in_file_order(problems))
    assert text is not None
    rep_text, split_text, lines = text.column("rep_id"), text.column("split"), text.lines
    source_text = _source_column(text)
    rows = [{"deal_id": str(table.deal_id[row]), "account_id": str(table.account_ids[table.account[row]]),
             "rep_id": trim_id(rep_text[row]), "type": DEAL_TYPES[int(table.type[row])],
             "amount_cents": int(table.amount_cents[row]), "close_date": from_day_number(int(table.day[row])),
             "split": str(split_text[row]), "lead_source": source_text[row], "line": int(lines[row])}
            for row in range(len(table))]
    if not rows:
        problems.append(Problem(file, 2, None, "holds no deals (only a header)"))
    existing = _existing_deals([row["deal_id"] for row in rows])
    if not replace:
        problems += [Problem(file, row["line"], "deal_id",
                             f"{row['deal_id']!r} was already imported (from {existing[row['deal_id']].source.file_name}, "
                             f"line {existing[row['deal_id']].line}); to correct it, import with --replace")
                     for row in rows if row["deal_id"] in existing]
    if problems:
        raise ImportRefused(file, _in_file_order(problems))
    batch = _new_batch(actor, "deals", file, data, len(rows))
    fresh = [dict(row, import_id=batch.id) for row in rows if row["deal_id"] not in existing]
    for start in range(0, len(fresh), 5000):
        db.session.execute(sa.insert(Deal), fresh[start:start + 5000])
    replaced, unchanged, touched = 0, 0, {row["close_date"] for row in fresh}
    for row in rows:
        deal = existing.get(row["deal_id"])
        if deal is None:
            continue
        before, after = _deal_values(deal), {key: row[key] for key in _deal_values(deal)}
        if before == after:
            unchanged += 1
            continue
        touched |= {deal.close_date, row["close_date"]}
        for key, value in after.items():
            setattr(deal, key, value)
        deal.import_id, deal.line = batch.id, row["line"]
        replaced += 1
        record(actor.person, "deals.correct", "deal", deal.deal_id, before=_shown(before), after=_shown(after))
    batch.added, batch.replaced = len(fresh), replaced
    db.session.flush()
    record(actor.person, "deals.import", "payout_import", batch.id, after={
        "file": batch.file_name, "sha256": batch.sha256, "rows": len(rows), "added": len(fresh),
        "replaced": replaced, "unchanged": unchanged})
    check_ins = recompute_metric_key_results(batch)
    return ImportOutcome(batch, len(fresh), replaced, unchanged,
                         approved_periods=_approved_periods({_period_of(day) for day in touched}),
                         metric_check_ins=len(check_ins))


def _rules_of_the_store(text: TextTable, file: str) -> list[Problem]:
    """What the engine allows but the store cannot keep: ids longer than a column, a deal
    credited to nobody (the engine checks that only against a roster)."""
    problems = []
    split_text = text.column("split")
    for row, source in enumerate(_source_column(text)):
        if len(source) > 40:
            problems.append(Problem(file, text.lines[row], SOURCE_COLUMN, "is longer than 40 characters"))
    for row, (line, deal_id, account_id, rep_id) in enumerate(zip(
            text.lines, text.column("deal_id"), text.column("account_id"), text.column("rep_id"))):
        deal_id, account_id, rep_id = trim_id(deal_id), trim_id(account_id), trim_id(rep_id)
        problems += _too_long(file, line, {"deal_id": deal_id, "account_id": account_id, "rep_id": rep_id})
        if not rep_id and not split_text[row].strip():
            problems.append(Problem(file, line, "rep_id", "is empty and there is no split"))
    return problems


def _source_column(text: TextTable) -> list[str]:
    """The optional `source` column (marketing, sales, partner, ...), lower case."""
    return [source.strip().lower() for source in text.column(SOURCE_COLUMN)]


def _in_file_order(problems: list[Problem]) -> list[Problem]:
    order = {name: position for position, name in enumerate(DEALS_COLUMNS + DEALS_OPTIONAL)}
    unique = list(dict.fromkeys(problems))
    return sorted(unique, key=lambda p: (p.line or 0, order.get(p.field or "", len(order))))


def remove_deals(actor: Actor | None, deal_ids: list[str]) -> list[Deal]:
    """Delete imported deals by deal_id (a deal imported by mistake); every id must exist."""
    actor = require_finance(actor, "removes deals")
    found = _existing_deals(deal_ids)
    missing = [deal_id for deal_id in deal_ids if deal_id not in found]
    if missing:
        raise NotFound(f"No imported deal has the deal_id {', '.join(repr(m) for m in missing)}; nothing removed.")
    for deal in found.values():
        record(actor.person, "deals.remove", "deal", deal.deal_id, before=_shown(_deal_values(deal)))
        db.session.delete(deal)
    db.session.flush()
    recompute_metric_key_results(None)
    return list(found.values())


def deals_periods(deals: list[Deal]) -> tuple[str, ...]:
    """The approved quarters these deals fall in (their removal becomes an adjustment)."""
    return _approved_periods({_period_of(deal.close_date) for deal in deals})


def _existing_deals(deal_ids: list[str]) -> dict[str, Deal]:
    found: dict[str, Deal] = {}
    unique = list(dict.fromkeys(deal_ids))
    for start in range(0, len(unique), _BATCH):
        chunk = unique[start:start + _BATCH]
        found.update((deal.deal_id, deal) for deal in db.session.scalars(sa.select(Deal).where(Deal.deal_id.in_(chunk))))
    return found


def _deal_values(deal: Deal) -> dict:
    return {"account_id": deal.account_id, "rep_id": deal.rep_id, "type": deal.type,
            "amount_cents": deal.amount_cents, "close_date": deal.close_date, "split": deal.split,
            "lead_source": deal.lead_source}


def _shown(values: dict) -> dict:
    """Deal values for the audit trail: the amount as written, dates ISO."""
    shown = dict(values)
    source = shown.pop("lead_source", "")
    if source:
        shown["source"] = source
    cents = shown.pop("amount_cents")
    shown["amount"] = f"{cents // 100}.{cents % 100:02d}"
    shown["close_date"] = shown["close_date"].isoformat()
    return shown


def _period_of(day: date) -> str:
    return str(period_containing(day))


# --- roster ---------------------------------------------------------------------------------------

def import_roster(actor: Actor | None, data: bytes, file: str, period: str, plans_dir: str | os.PathLike
                  ) -> ImportOutcome:
    """Replace one quarter's roster; every plan named must be a plan in `plans_dir`."""
    actor = require_finance(actor, "imports rosters")
    try:
        quarter = str(parse_period(period))
    except PeriodInvalid as refused:
        raise InvalidInput(str(refused)) from None
    sources, problems = plan_sources(plans_dir)
    _, plan_keys, plan_problems = parse_plans(sources)
    if problems or plan_problems:
        raise ImportRefused(file, problems + plan_problems)
    roster, problems = read_roster(data, file, plan_keys)
    if roster is None or problems:
        raise ImportRefused(file, problems)
    for rep in roster.reps:
        problems += _too_long(file, rep.line, {"rep_id": rep.rep_id, "name": rep.name, "plan": rep.plan_key,
                                               "manager_id": rep.manager_id or ""})
        if len(rep.email) > 254:
            problems.append(Problem(file, rep.line, "email", "is longer than 254 characters"))
    if not roster.reps:
        problems.append(Problem(file, 2, None, "holds no reps (only a header)"))
    if problems:
        raise ImportRefused(file, problems)
    removed = db.session.execute(sa.delete(RosterRep).where(RosterRep.period == quarter)).rowcount or 0
    batch = _new_batch(actor, "roster", file, data, len(roster.reps), period=quarter)
    db.session.execute(sa.insert(RosterRep), [
        {"period": quarter, "rep_id": rep.rep_id, "name": rep.name, "email": rep.email, "plan": rep.plan_key,
         "manager_id": rep.manager_id, "import_id": batch.id, "line": rep.line,
         "target_incentive_cents": None if rep.target_incentive is None else int(rep.target_incentive.scaleb(2)),
         **quarter_terms_of(rep)}
        for rep in roster.reps])
    batch.added, batch.replaced = len(roster.reps), removed
    record(actor.person, "roster.import", "payout_import", batch.id,
           before={"period": quarter, "reps": removed} if removed else None,
           after={"period": quarter, "file": batch.file_name, "sha256": batch.sha256, "reps": len(roster.reps)})
    return ImportOutcome(batch, len(roster.reps), 0, removed=removed, periods=(quarter,),
                         approved_periods=_approved_periods({quarter}))


# --- quotas ---------------------------------------------------------------------------------------

def import_quotas(actor: Actor | None, data: bytes, file: str) -> ImportOutcome:
    """Replace every quota of each quarter the file names."""
    actor = require_finance(actor, "imports quotas")
    quotas, problems = read_quotas(data, file, None)
    if quotas is None or problems:
        raise ImportRefused(file, problems)
    text, _ = read_table(data, file, QUOTAS_COLUMNS)
    lines = text.lines if text is not None else []
    rows = [{"rep_id": rep_id, "period": period, "component": component, "quota_cents": cents, "line": int(line)}
            for ((rep_id, period, component), cents), line in zip(quotas.cents.items(), lines)]
    for row in rows:
        problems += _too_long(file, row["line"], {"rep_id": row["rep_id"], "component": row["component"]})
    if not rows:
        problems.append(Problem(file, 2, None, "holds no quotas (only a header)"))
    if problems:
        raise ImportRefused(file, problems)
    periods = sorted({row["period"] for row in rows})
    removed = db.session.execute(sa.delete(Quota).where(Quota.period.in_(periods))).rowcount or 0
    batch = _new_batch(actor, "quotas", file, data, len(rows))
    db.session.execute(sa.insert(Quota), [dict(row, import_id=batch.id) for row in rows])
    batch.added, batch.replaced = len(rows), removed
    record(actor.person, "quotas.import", "payout_import", batch.id,
           before={"periods": periods, "quotas": removed} if removed else None,
           after={"periods": periods, "file": batch.file_name, "sha256": batch.sha256, "quotas": len(rows)})
    return ImportOutcome(batch, len(rows), 0, removed=removed, periods=tuple(periods),
                         approved_periods=_approved_periods(set(periods)))


# --- the same imports from a browser upload ------------------------------------------------------

@dataclass(frozen=True)
class Imported:
    """An upload's outcome and the sentence that says what it did."""

    outcome: ImportOutcome
    summary: str


def import_uploaded(actor: Actor | None, kind: str, stream: BinaryIO | None, file: str, max_bytes: int,
                    period: str = "", replace: bool = False, plans_dir: str | os.PathLike = "plans") -> Imported:
    """A deals, roster or quotas file uploaded in the browser, through the same import as the CLI
    (all or nothing, every bad row listed). Finance only, checked before a byte is read."""
    require_finance(actor, "imports payout data")
    if stream is None:
        raise InvalidInput(f"Choose a {kind} CSV file to import; nothing imported.")
    if kind == "roster" and not period:
        raise InvalidInput("Say which quarter this roster pays (e.g. 2026-Q2); nothing imported.")
    data = read_limited(stream, max_bytes, file)
    if kind == "deals":
        outcome = import_deals(actor, data, file, replace=replace)
        said = (f"Imported {file}: {outcome.added} new deal{'s' if outcome.added != 1 else ''}"
                + (f", {outcome.replaced} corrected" if replace else "")
                + (f", {outcome.unchanged} unchanged" if outcome.unchanged else "")
                + f"; {outcome.metric_check_ins} revenue key result value{'s' if outcome.metric_check_ins != 1 else ''}"
                  " changed.")
    elif kind == "roster":
        outcome = import_roster(actor, data, file, period, plans_dir)
        said = (f"Imported {file} as the {outcome.batch.period} roster: {outcome.added} reps"
                + (f" (replacing {outcome.removed})" if outcome.removed else "") + ".")
    else:
        outcome = import_quotas(actor, data, file)
        said = (f"Imported {file}: {outcome.added} quotas for {', '.join(outcome.periods)}"
                + (f" (replacing {outcome.removed})" if outcome.removed else "") + ".")
    if outcome.approved_periods:
        said += (f" This changes {', '.join(outcome.approved_periods)}, already approved: the next quarter's run "
                 "pays the difference as adjustment lines.")
    return Imported(outcome, said)
