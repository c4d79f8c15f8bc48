"""Reading the three CSV inputs (roster, quotas, deals) and refusing bad rows.

Every column is read as text (`dtype=str`) so nothing is guessed: amounts are parsed
to integer cents by `comp_engine.money`, dates must be `YYYY-MM-DD`. Validation
collects a `Problem` for every bad row (file, line with the header as line 1, field)
instead of stopping at the first. Blank lines are skipped but still counted, so the
line numbers match what a spreadsheet or text editor shows.

Deals are validated and encoded in bulk (pandas and numpy, no Python loop over rows)
into a `DealTable` of integer columns, which is what the rest of the engine groups.
"""
from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from comp_engine.deal_types import DEAL_TYPES
from comp_engine.errors import PeriodInvalid, Problem
from comp_engine.money import AmountInvalid, cents_from_texts, cents_to_decimal, to_cents, why_not_an_amount
from comp_engine.periods import parse_period

DEALS_COLUMNS = ("deal_id", "account_id", "rep_id", "type", "amount", "close_date")
DEALS_OPTIONAL = ("split",)
ROSTER_COLUMNS = ("rep_id", "name", "email", "plan")
ROSTER_OPTIONAL = ("manager_id", "target_incentive")
QUOTAS_COLUMNS = ("rep_id", "period", "component", "quota")

SHARE_SCALE = 10_000
"""A rep's share of a deal in ten-thousandths: 100% = 10,000 and a 33.33% split = 3,333."""

_SKIPPED_LINE = re.compile(r"Skipping line (\d+): (.*)")
_SPLIT_PART = r"^\s*([^:\s][^:]*?)\s*:\s*(\S*?)\s*$"
_MAX_TOTAL_CENTS = (2**63 - 1) // SHARE_SCALE


@dataclass(frozen=True)
class Rep:
    """A person on the roster: the plan they are paid on, who they report to, and
    an optional per-quarter target incentive that replaces the plan's."""

    rep_id: str
    name: str
    email: str
    plan_key: str
    manager_id: str | None
    target_incentive: Decimal | None
    line: int


@dataclass(frozen=True)
class Roster:
    """The reps of the run, in the roster file's order."""

    reps: tuple[Rep, ...]

    @property
    def index(self) -> dict[str, int]:
        """rep_id -> position in `reps` (the rep code used in the DealTable)."""
        return {rep.rep_id: position for position, rep in enumerate(self.reps)}


@dataclass(frozen=True)
class Quotas:
    """Quota in cents per (rep_id, period name, component key)."""

    cents: dict[tuple[str, str, str], int]

    def quota_cents(self, rep_id: str, period: str, component: str) -> int | None:
        return self.cents.get((rep_id, period, component))


@dataclass(frozen=True, eq=False)
class DealTable:
    """The deals file as integer columns, one entry per deal row in file order.

    `account` indexes `account_ids`; `type` is a code into DEAL_TYPES; `day` is the
    close date as days since 1970-01-01. The credit rows say who each deal is
    credited to: `credit_deal` (a deal row, ascending), `credit_rep` (a position in
    the roster) and `credit_share` (in SHARE_SCALE units). A deal without a split has
    one credit row for its rep_id at 100%.
    """

    deal_id: np.ndarray
    account: np.ndarray
    account_ids: np.ndarray
    type: np.ndarray
    amount_cents: np.ndarray
    day: np.ndarray
    line: np.ndarray
    credit_deal: np.ndarray
    credit_rep: np.ndarray
    credit_share: np.ndarray

    def __len__(self) -> int:
        return len(self.deal_id)


# -- reading a CSV ------------------------------------------------------------------
def read_table(content: bytes, source: str, required: tuple[str, ...], optional: tuple[str, ...] = ()
               ) -> tuple[pd.DataFrame | None, np.ndarray, list[Problem]]:
    """Read a CSV as text columns; returns (frame or None, line of each row, problems).

    Lines with too many fields and missing columns are problems; fully blank lines
    are dropped, and the returned line numbers still count them.
    """
    columns = ", ".join(required + optional)
    if not content.strip():
        return None, np.empty(0, dtype=np.int64), [Problem(source, 1, None, f"is empty; the first line must name the columns {columns}")]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            frame = pd.read_csv(
                io.BytesIO(content), dtype=str, keep_default_na=False, na_filter=False,
                skip_blank_lines=False, encoding="utf-8-sig", on_bad_lines="warn",
            )
        except UnicodeDecodeError:
            return None, np.empty(0, dtype=np.int64), [Problem(source, None, None, "is not UTF-8 text; save it as CSV UTF-8")]
        except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            return None, np.empty(0, dtype=np.int64), [Problem(source, None, None, f"cannot be read as CSV: {error}")]
    problems: list[Problem] = []
    skipped: list[int] = []
    for warning in caught:
        for match in _SKIPPED_LINE.finditer(str(warning.message)):
            skipped.append(int(match.group(1)))
            problems.append(Problem(source, int(match.group(1)), None, f"{match.group(2)} (the header has {len(frame.columns)} columns)"))
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    for column in missing:
        problems.append(Problem(source, 1, column, f"column is missing; the header must name {columns}"))
    lines = _line_numbers(len(frame), skipped)
    if missing:
        return None, lines, problems
    first = frame[required[0]].to_numpy(dtype=object)
    maybe_blank = np.flatnonzero(first == "")
    if len(maybe_blank):
        blank = [row for row in maybe_blank if all(frame.iat[row, col] == "" for col in range(frame.shape[1]))]
        if blank:
            keep = np.ones(len(frame), dtype=bool)
            keep[blank] = False
            frame = frame[keep].reset_index(drop=True)
            lines = lines[keep]
    return frame, lines, problems


def _line_numbers(rows: int, skipped: list[int]) -> np.ndarray:
    lines = np.arange(rows, dtype=np.int64) + 2
    for line in sorted(skipped):
        lines[lines >= line] += 1
    return lines


def _column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=object) if name in frame.columns else np.full(len(frame), "", dtype=object)


# -- roster ---------------------------------------------------------------------------
def read_roster(content: bytes, source: str, plan_keys: set[str]) -> tuple[Roster | None, list[Problem]]:
    """Read roster.csv: one rep per row, each on a plan named by its key."""
    frame, lines, problems = read_table(content, source, ROSTER_COLUMNS, ROSTER_OPTIONAL)
    if frame is None:
        return None, problems
    known = ", ".join(sorted(plan_keys)) or "none"
    reps: list[Rep] = []
    first_line: dict[str, int] = {}
    columns = {name: _column(frame, name) for name in ROSTER_COLUMNS + ROSTER_OPTIONAL}
    for row in range(len(frame)):
        line = int(lines[row])
        values = {name: str(columns[name][row]).strip() for name in columns}
        row_problems = []
        rep_id = values["rep_id"]
        if not rep_id:
            row_problems.append(Problem(source, line, "rep_id", "is empty"))
        elif rep_id in first_line:
            row_problems.append(Problem(source, line, "rep_id", f"{rep_id!r} is already on line {first_line[rep_id]}"))
        else:
            first_line[rep_id] = line
        for name in ("name", "email"):
            if not values[name]:
                row_problems.append(Problem(source, line, name, "is empty"))
        if not values["plan"]:
            row_problems.append(Problem(source, line, "plan", f"is empty; name a plan key ({known})"))
        elif values["plan"] not in plan_keys:
            row_problems.append(Problem(source, line, "plan", f"no plan has the key {values['plan']!r}; plan keys: {known}"))
        target = None
        if values["target_incentive"]:
            try:
                target = cents_to_decimal(to_cents(values["target_incentive"]))
            except AmountInvalid as refused:
                row_problems.append(Problem(source, line, "target_incentive", str(refused)))
        if row_problems:
            problems += row_problems
            continue
        reps.append(Rep(rep_id, values["name"], values["email"], values["plan"],
                        values["manager_id"] or None, target, line))
    return (None if problems else Roster(tuple(reps))), problems


# -- quotas ---------------------------------------------------------------------------
def read_quotas(content: bytes, source: str, roster: Roster | None) -> tuple[Quotas | None, list[Problem]]:
    """Read quotas.csv: one quota per rep, quarter and quota component, in ARR."""
    frame, lines, problems = read_table(content, source, QUOTAS_COLUMNS)
    if frame is None:
        return None, problems
    known_reps = roster.index if roster is not None else None
    quotas: dict[tuple[str, str, str], int] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    columns = {name: _column(frame, name) for name in QUOTAS_COLUMNS}
    for row in range(len(frame)):
        line = int(lines[row])
        rep_id, period_text, component, quota_text = (str(columns[name][row]).strip() for name in QUOTAS_COLUMNS)
        row_problems = []
        if not rep_id:
            row_problems.append(Problem(source, line, "rep_id", "is empty"))
        elif known_reps is not None and rep_id not in known_reps:
            row_problems.append(Problem(source, line, "rep_id", f"{rep_id!r} is not on the roster"))
        try:
            period_text = str(parse_period(period_text))
        except PeriodInvalid as refused:
            row_problems.append(Problem(source, line, "period", str(refused)))
        if not component:
            row_problems.append(Problem(source, line, "component", "is empty; name the plan component, e.g. new_business"))
        cents = None
        try:
            cents = to_cents(quota_text)
            if cents == 0:
                row_problems.append(Problem(source, line, "quota", "is 0; a quota must be above 0 (attainment is credited / quota)"))
        except AmountInvalid as refused:
            row_problems.append(Problem(source, line, "quota", str(refused)))
        key = (rep_id, period_text, component)
        if not row_problems and key in first_line:
            row_problems.append(Problem(source, line, "quota", f"a quota for {rep_id} {period_text} {component} is already on line {first_line[key]}"))
        if row_problems:
            problems += row_problems
            continue
        first_line[key] = line
        quotas[key] = cents  # type: ignore[assignment]
    return (None if problems else Quotas(quotas)), problems


# -- deals ----------------------------------------------------------------------------
def read_deals(content: bytes, source: str, roster: Roster | None) -> tuple[DealTable | None, list[Problem]]:
    """Read deals.csv into a DealTable, or return every problem found in it.

    A deal is credited to its `rep_id`, or, when `split` is filled in, to the reps it
    names (`rep_a:60;rep_b:40`, percents adding up to 100, up to two decimals).
    Every rep credited must be on the roster.
    """
    frame, lines, problems = read_table(content, source, DEALS_COLUMNS, DEALS_OPTIONAL)
    if frame is None:
        return None, problems
    found = _RowProblems(source, lines)
    deal_id = _column(frame, "deal_id")
    account_text = _column(frame, "account_id")
    rep_text = _column(frame, "rep_id")
    type_text = _column(frame, "type")
    amount_text = _column(frame, "amount")
    date_text = _column(frame, "close_date")
    split_text = _column(frame, "split")
    del frame

    _check_deal_ids(deal_id, found)
    account, account_ids = pd.factorize(account_text)
    empty_account = np.flatnonzero(account_ids == "")
    if len(empty_account):
        found.add(np.flatnonzero(account == empty_account[0]), "account_id", lambda row: "is empty")
    type_code = pd.Categorical(type_text, categories=list(DEAL_TYPES)).codes
    found.add(np.flatnonzero(type_code < 0), "type",
              lambda row: f"{type_text[row]!r} is not a deal type; use {', '.join(DEAL_TYPES)}" if type_text[row] else "is empty")
    amount_cents, amount_ok = cents_from_texts(amount_text)
    found.add(np.flatnonzero(~amount_ok), "amount", lambda row: why_not_an_amount(amount_text[row]) or "is not an amount")
    day = _days_from_texts(date_text)
    found.add(np.flatnonzero(day < 0), "close_date",
              lambda row: f"{date_text[row]!r} is not a date; write YYYY-MM-DD, e.g. 2026-04-30" if date_text[row] else "is empty")

    roster_ids = pd.Index([rep.rep_id for rep in roster.reps]) if roster is not None else None
    has_split = split_text != ""
    plain = np.flatnonzero(~has_split)
    plain_rep = roster_ids.get_indexer(rep_text[plain]) if roster_ids is not None else np.zeros(len(plain), dtype=np.intp)
    found.add(plain[plain_rep < 0], "rep_id",
              lambda row: f"{rep_text[row]!r} is not on the roster" if rep_text[row] else "is empty and there is no split")
    split_rows, split_rep, split_share = _parse_splits(split_text, np.flatnonzero(has_split), roster_ids, found)

    _check_total(amount_cents, found)
    if found.problems:
        return None, problems + found.sorted()

    credit_deal = np.concatenate([plain, split_rows]).astype(np.int32)
    order = np.argsort(credit_deal, kind="stable")
    return DealTable(
        deal_id=deal_id,
        account=account.astype(np.int32),
        account_ids=np.asarray(account_ids, dtype=object),
        type=type_code.astype(np.int8),
        amount_cents=amount_cents,
        day=day.astype(np.int32),
        line=lines,
        credit_deal=credit_deal[order],
        credit_rep=np.concatenate([plain_rep, split_rep]).astype(np.int32)[order],
        credit_share=np.concatenate([np.full(len(plain), SHARE_SCALE), split_share]).astype(np.int32)[order],
    ), problems


class _RowProblems:
    """Collects one problem per bad row and field; messages are built only for the
    (few) bad rows, so checking a million good rows costs no Python per row."""

    def __init__(self, source: str, lines: np.ndarray) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[tuple[int, int, Problem]] = []

    def add(self, rows: np.ndarray, field: str, message) -> None:  # noqa: ANN001
        order = DEALS_COLUMNS.index(field) if field in DEALS_COLUMNS else len(DEALS_COLUMNS)
        for row in rows.tolist():
            text = message(row) if callable(message) else message
            self.problems.append((row, order, Problem(self.source, int(self.lines[row]), field, text)))

    def sorted(self) -> list[Problem]:
        return [problem for _, _, problem in sorted(self.problems, key=lambda item: item[:2])]


def _check_deal_ids(deal_id: np.ndarray, found: _RowProblems) -> None:
    codes, uniques = pd.factorize(deal_id)
    empty = np.flatnonzero(uniques == "")
    if len(empty):
        found.add(np.flatnonzero(codes == empty[0]), "deal_id", "is empty")
    if len(uniques) == len(deal_id):
        return
    counts = np.bincount(codes, minlength=len(uniques))
    first = np.full(len(uniques), -1, dtype=np.int64)
    rows = np.arange(len(codes))
    first[codes[::-1]] = rows[::-1]
    repeated = np.flatnonzero((counts[codes] > 1) & (first[codes] != rows) & (deal_id != ""))
    found.add(repeated, "deal_id",
              lambda row: f"{deal_id[row]!r} is a duplicate; the same deal_id is on line {int(found.lines[first[codes[row]]])}")


def _days_from_texts(texts: np.ndarray) -> np.ndarray:
    """Close dates as days since 1970-01-01; -1 where not a YYYY-MM-DD date."""
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    parsed = pd.to_datetime(pd.Series(texts, dtype=object), format="%Y-%m-%d", errors="coerce")
    days = parsed.to_numpy(dtype="datetime64[D]").astype(np.int64)
    bad = parsed.isna().to_numpy() | (lengths != 10) | (days < 0)
    return np.where(bad, -1, days)


def _parse_splits(split_text: np.ndarray, rows: np.ndarray, roster_ids: pd.Index | None, found: _RowProblems
                  ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Credit rows (deal row, rep position, share) for the deals with a split."""
    empty = (np.empty(0, dtype=np.int64),) * 3
    if not len(rows):
        return empty
    parts = pd.Series(split_text[rows], index=rows, dtype=object).str.split(";").explode()
    parts = parts[parts.str.strip() != ""]
    pieces = parts.str.extract(_SPLIT_PART)
    part_row = parts.index.to_numpy(dtype=np.int64)
    rep_text = pieces[0].to_numpy(dtype=object)
    percent_text = pieces[1].to_numpy(dtype=object)
    shaped = ~pd.isna(rep_text)
    percent_text = np.where(shaped, percent_text, "")
    share, share_ok = cents_from_texts(percent_text)
    share_ok &= shaped & (share > 0) & (share <= SHARE_SCALE)
    rep = roster_ids.get_indexer(np.where(shaped, rep_text, "")) if roster_ids is not None else np.zeros(len(part_row), dtype=np.intp)
    rep_ok = rep >= 0 if roster_ids is not None else np.ones(len(part_row), dtype=bool)
    frame = pd.DataFrame({"row": part_row, "rep": rep, "share": np.where(share_ok, share, 0)})
    totals = frame.groupby("row", sort=True)["share"].sum()
    twice = frame[rep_ok].duplicated(["row", "rep"])
    bad_part = ~(share_ok & rep_ok)
    bad_rows = set(part_row[bad_part].tolist())
    bad_rows |= set(totals.index[totals.to_numpy() != SHARE_SCALE].tolist())
    bad_rows |= set(frame[rep_ok]["row"][twice].tolist())
    bad_rows |= set(np.setdiff1d(rows, part_row).tolist())
    if bad_rows:
        by_row: dict[int, list[int]] = {}
        for position, row in enumerate(part_row.tolist()):
            if row in bad_rows:
                by_row.setdefault(row, []).append(position)
        def explain(row: int) -> str:
            reasons, seen = [], set()
            for position in by_row.get(row, []):
                if not shaped[position]:
                    reasons.append(f"{parts.iat[position].strip()!r} is not rep:percent")
                    continue
                name, percent = rep_text[position], percent_text[position]
                if not share_ok[position]:
                    reasons.append(f"{percent!r} for {name} is not a percent above 0 and at most 100 (up to two decimals)")
                if not rep_ok[position]:
                    reasons.append(f"{name!r} is not on the roster")
                elif name in seen:
                    reasons.append(f"{name!r} is named twice")
                seen.add(name)
            if not by_row.get(row):
                reasons.append("names no rep; write rep_a:60;rep_b:40")
            elif not reasons:
                total = cents_to_decimal(int(totals.get(row, 0)))
                shown = f"{total:f}".rstrip("0").rstrip(".")
                reasons.append(f"{split_text[row]!r} adds up to {shown}%, not 100%")
            return "; ".join(reasons)
        found.add(np.array(sorted(bad_rows), dtype=np.int64), "split", explain)
        return empty
    return part_row, rep.astype(np.int64), share


def _check_total(amount_cents: np.ndarray, found: _RowProblems) -> None:
    """Refuse files whose amounts could overflow exact 64-bit credit sums."""
    if not len(amount_cents) or found.problems:
        return
    chunk_sums = np.add.reduceat(amount_cents, np.arange(0, len(amount_cents), 10_000))
    if sum(int(s) for s in chunk_sums) > _MAX_TOTAL_CENTS:
        found.add(np.array([0]), "amount", "the amounts of this file add up to more than the engine computes exactly (about 9 trillion)")
