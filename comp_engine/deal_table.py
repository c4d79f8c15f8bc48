"""The deals file: validated in bulk and encoded as integer columns.

A million deal rows are checked with pandas and numpy, without a Python loop per row:
ids must be unique, types known, amounts positive with at most two decimals, dates
real `YYYY-MM-DD` days, and splits `rep_a:60;rep_b:40` adding up to 100. Every rep
credited must be on the roster, except on deals that cannot change the quarter being
paid: their credits to reps not on the roster (people who left) are set aside, not
credited to anyone (the rule is `comp_engine.off_roster`). Every bad row is reported
with its line and field. The result is a `DealTable` of integer columns, which is what
the engine groups.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from comp_engine.deal_types import DEAL_TYPES
from comp_engine.errors import Problem
from comp_engine.csv_input import TextTable, read_table, trim_id
from comp_engine.money import AmountInvalid, cents_from_texts, cents_to_decimal, to_cents, why_not_an_amount

if TYPE_CHECKING:
    from comp_engine.ingest import Roster
    from comp_engine.off_roster import PaidQuarter

DEALS_COLUMNS = ("deal_id", "account_id", "rep_id", "type", "amount", "close_date")
DEALS_OPTIONAL = ("split",)

SHARE_SCALE = 10_000
"""A rep's share of a deal in ten-thousandths: 100% = 10,000 and a 33.33% split = 3,333."""

_SPLIT_PART = re.compile(r"\s*([^:\s][^:]*?)\s*:\s*(\S*?)\s*")
_MAX_TOTAL_CENTS = (2**63 - 1) // SHARE_SCALE


@dataclass(frozen=True, eq=False)
class DealTable:
    """The deals file as integer columns, one entry per deal row in file order.

    `account` indexes `account_ids`; `type` is a code into DEAL_TYPES; `day` is the
    close date as days since 1970-01-01. The credit rows say who each deal is
    credited to: `credit_deal` (a deal row, ascending), `credit_rep` (a position in
    the roster) and `credit_share` (in SHARE_SCALE units). A deal without a split has
    one credit row for its rep_id at 100%.

    Credits to reps not on the roster have no credit row; they are listed in
    `off_roster_deal` (deal rows, ascending), `off_roster_rep` (the rep id as written)
    and `off_roster_in_split` (named in the split rather than in rep_id).
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
    off_roster_deal: np.ndarray
    off_roster_rep: np.ndarray
    off_roster_in_split: np.ndarray
    notes: tuple[str, ...] = ()

    def __len__(self) -> int:
        return len(self.deal_id)


def read_deals(content: bytes, source: str, roster: Roster | None, paying: PaidQuarter | None = None
               ) -> tuple[DealTable | None, list[Problem]]:
    """Read deals.csv into a DealTable, or return every problem found in it.

    A deal is credited to its `rep_id`, or, when `split` is filled in, to the reps it
    names (`rep_a:60;rep_b:40`, percents adding up to 100, up to two decimals).
    With `paying` (the quarter being paid), a deal closed inside that quarter must
    credit only reps on the roster and other deals' credits to reps not on it are set
    aside; without it, every rep credited must be on the roster. Without a roster,
    reps are not checked.
    """
    frame, problems = read_table(content, source, DEALS_COLUMNS, DEALS_OPTIONAL)
    if frame is None:
        return None, problems
    if not len(frame) and not problems:
        return None, [Problem(source, 2, None, "holds no deals (only a header)")]
    lines = np.array(frame.lines, dtype=np.int64)
    found = _RowProblems(source, lines)

    def column_of(name: str, is_id: bool = False) -> np.ndarray:
        return np.array([trim_id(text) for text in frame.column(name)] if is_id else frame.column(name), dtype=object)

    deal_id = column_of("deal_id", True)
    account_text = column_of("account_id", True)
    rep_text = column_of("rep_id", True)
    type_text = column_of("type")
    amount_text = column_of("amount")
    date_text = column_of("close_date")
    split_text = column_of("split")
    notes = list(frame.notes)
    del frame

    _check_deal_ids(deal_id, found)
    account, account_ids = pd.factorize(account_text)
    empty_account = np.flatnonzero(account_ids == "")
    if len(empty_account):
        found.add(np.flatnonzero(account == empty_account[0]), "account_id", lambda row: "is empty")
    type_code = pd.Index(DEAL_TYPES).get_indexer(type_text)
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
    unknown = plain_rep < 0
    unknown_rows = plain[unknown]
    empty = rep_text[unknown_rows] == ""
    found.add(unknown_rows[empty], "rep_id", "is empty and there is no split")
    off_plain = unknown_rows[~empty]
    plain, plain_rep = plain[~unknown], plain_rep[~unknown]
    split = _parse_splits(split_text, np.flatnonzero(has_split), roster_ids)
    off_deal = np.concatenate([off_plain, split.off_rows])
    off_rep = np.concatenate([rep_text[off_plain], split.off_names]).astype(object)
    off_in_split = np.arange(len(off_deal)) >= len(off_plain)
    refused = np.ones(len(off_deal), dtype=bool) if paying is None else paying.closed_inside(day[off_deal])
    why = "" if paying is None else f"; {paying.reason}"
    found.add(off_deal[refused & ~off_in_split], "rep_id", lambda row: not_on_roster([rep_text[row]]) + why)
    refused_names: dict[int, list[str]] = {}
    for row, name in zip(off_deal[refused & off_in_split].tolist(), off_rep[refused & off_in_split].tolist()):
        refused_names.setdefault(row, []).append(name)
    for row, names in refused_names.items():
        split.bad.setdefault(row, []).append(not_on_roster(names) + why)
    found.add(np.array(sorted(split.bad), dtype=np.int64), "split", lambda row: "; ".join(split.bad[row]))

    _check_total(amount_cents, found)
    if found.problems:
        return None, problems + found.sorted()
    zero = np.flatnonzero(amount_cents == 0)
    if len(zero):
        many = len(zero) > 1
        notes.append(f"{source}: {len(zero)} {'deals have' if many else 'deal has'} the amount 0 "
                     f"({lines_text(lines[zero].tolist())}): {'they change' if many else 'it changes'} no credit and "
                     f"no ARR; check {'the amounts' if many else 'the amount'}")

    credit_deal = np.concatenate([plain, split.rows]).astype(np.int32)
    order = np.argsort(credit_deal, kind="stable")
    off_order = np.argsort(off_deal, kind="stable")
    return DealTable(
        deal_id=deal_id,
        account=account.astype(np.int32),
        account_ids=np.asarray(account_ids, dtype=object),
        type=type_code.astype(np.int8),
        amount_cents=amount_cents,
        day=day.astype(np.int32),
        line=lines,
        credit_deal=credit_deal[order],
        credit_rep=np.concatenate([plain_rep, split.reps]).astype(np.int32)[order],
        credit_share=np.concatenate([np.full(len(plain), SHARE_SCALE), split.shares]).astype(np.int32)[order],
        off_roster_deal=off_deal.astype(np.int64)[off_order],
        off_roster_rep=off_rep[off_order],
        off_roster_in_split=off_in_split[off_order],
        notes=tuple(notes),
    ), problems


class _RowProblems:
    """Collects one problem per bad row and field; messages are built only for the
    (few) bad rows, so checking a million good rows costs no Python per row."""

    def __init__(self, source: str, lines: np.ndarray) -> None:
        self.source = source
        self.lines = lines
        self.problems: list[tuple[int, int, Problem]] = []

    def add(self, rows: np.ndarray, field: str, message: str | Callable[[int], str]) -> None:
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
    """Close dates as days since 1970-01-01; -1 where not a real YYYY-MM-DD date.

    The texts are read as bytes at fixed positions for the whole column at once:
    digits at 0-3, 5-6 and 8-9, dashes at 4 and 7, nothing after position 9, and a
    day that exists in its month.
    """
    count = len(texts)
    raw, ascii_text = _as_bytes(texts, 11)
    codes = raw.view(np.uint8).reshape(count, 11)
    digits = codes[:, [0, 1, 2, 3, 5, 6, 8, 9]] - np.uint8(48)
    ok = (ascii_text & (codes[:, 4] == 45) & (codes[:, 7] == 45) & (codes[:, 10] == 0)
          & (digits <= 9).all(axis=1))
    digits = digits.astype(np.int64)
    year = digits[:, 0] * 1000 + digits[:, 1] * 100 + digits[:, 2] * 10 + digits[:, 3]
    month = digits[:, 4] * 10 + digits[:, 5]
    day = digits[:, 6] * 10 + digits[:, 7]
    ok &= (year >= 1970) & (month >= 1) & (month <= 12) & (day >= 1)
    months = np.where(ok, (year - 1970) * 12 + month - 1, 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    following = (months + 1).astype("datetime64[M]").astype("datetime64[D]").astype(np.int64)
    ok &= day <= following - first
    return np.where(ok, first + day - 1, -1)


def _as_bytes(texts: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """Texts as fixed-width ASCII bytes, and which texts were ASCII (others become empty)."""
    try:
        return texts.astype(f"S{width}"), np.ones(len(texts), dtype=bool)
    except UnicodeEncodeError:
        ascii_text = np.fromiter((text.isascii() for text in texts), dtype=bool, count=len(texts))
        return np.where(ascii_text, texts, "").astype(f"S{width}"), ascii_text


@dataclass(frozen=True, eq=False)
class _Splits:
    """The deals with a split, parsed: credit rows (deal row, rep position, share) for
    the reps on the roster, the (deal row, name) of every rep named who is not on it,
    and the reasons each refused split is refused."""

    rows: np.ndarray
    reps: np.ndarray
    shares: np.ndarray
    off_rows: np.ndarray
    off_names: np.ndarray
    bad: dict[int, list[str]]


def _parse_splits(split_text: np.ndarray, rows: np.ndarray, roster_ids: pd.Index | None) -> _Splits:
    """Parse every split: `rep_a:60;rep_b:40`, each rep named once, percents above 0
    with up to two decimals, adding up to exactly 100."""
    known = {rep_id: position for position, rep_id in enumerate(roster_ids)}.get if roster_ids is not None else None
    deal_rows: list[int] = []
    reps: list[int] = []
    shares: list[int] = []
    off_rows: list[int] = []
    off_names: list[str] = []
    bad: dict[int, list[str]] = {}
    for row in rows.tolist():
        parsed, off_roster, reasons = _parse_split(split_text[row], known)
        off_rows += [row] * len(off_roster)
        off_names += off_roster
        if reasons:
            bad[row] = reasons
            continue
        for rep, share in parsed:
            deal_rows.append(row)
            reps.append(rep)
            shares.append(share)
    return _Splits(np.array(deal_rows, dtype=np.int64), np.array(reps, dtype=np.int64),
                   np.array(shares, dtype=np.int64), np.array(off_rows, dtype=np.int64),
                   np.array(off_names, dtype=object), bad)


def _parse_split(text: str, known: Callable[[str, int], int] | None
                 ) -> tuple[list[tuple[int, int]], list[str], list[str]]:
    """(rep position, share) per part naming a rep on the roster, the names of reps
    not on it, and the reasons the split is refused."""
    parsed: list[tuple[int, int]] = []
    off_roster: list[str] = []
    reasons: list[str] = []
    named: set[str] = set()
    total = 0
    for part in text.split(";"):
        if not part.strip():
            continue
        match = _SPLIT_PART.fullmatch(part)
        if not match:
            reasons.append(f"{part.strip()!r} is not rep:percent")
            continue
        name, percent = match.groups()
        if percent.isdigit() and len(percent) <= 3 and percent.isascii():
            share = int(percent) * 100
        else:
            try:
                share = to_cents(percent)
            except AmountInvalid:
                share = 0
        if not 0 < share <= SHARE_SCALE:
            reasons.append(f"{percent!r} for {name} is not a percent above 0 and at most 100 (up to two decimals)")
        total += share
        if name in named:
            reasons.append(f"{name!r} is named twice")
            continue
        named.add(name)
        rep = known(name, -1) if known is not None else 0
        if rep < 0:
            off_roster.append(name)
            continue
        parsed.append((rep, share))
    if not named and not reasons:
        reasons.append("names no rep; write rep_a:60;rep_b:40")
    elif not reasons and total != SHARE_SCALE:
        shown = f"{cents_to_decimal(total):f}".rstrip("0").rstrip(".")
        reasons.append(f"{text!r} adds up to {shown}%, not 100%")
    return parsed, off_roster, reasons


def lines_text(lines: list[int], shown: int = 5) -> str:
    """`line 4`, `lines 4, 9` or `lines 4, 9, 12, 15, 20 and 3 more`."""
    listed = ", ".join(str(line) for line in lines[:shown])
    more = f" and {len(lines) - shown} more" if len(lines) > shown else ""
    return f"line{'s' if len(lines) > 1 else ''} {listed}{more}"


def not_on_roster(names: list[str]) -> str:
    """`'ghost' is not on the roster`, or `'a' and 'b' are not on the roster`."""
    quoted = [repr(name) for name in names]
    if len(quoted) == 1:
        return f"{quoted[0]} is not on the roster"
    return f"{', '.join(quoted[:-1])} and {quoted[-1]} are not on the roster"


def _check_total(amount_cents: np.ndarray, found: _RowProblems) -> None:
    """Refuse files whose amounts could overflow exact 64-bit credit sums."""
    if not len(amount_cents) or found.problems:
        return
    chunk_sums = np.add.reduceat(amount_cents, np.arange(0, len(amount_cents), 10_000))
    if sum(int(s) for s in chunk_sums) > _MAX_TOTAL_CENTS:
        found.add(np.array([0]), "amount", "the amounts of this file add up to more than the engine computes exactly (about 9 trillion)")
