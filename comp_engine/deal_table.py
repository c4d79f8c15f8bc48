"""The deals file: validated in bulk and encoded as integer columns.

A million deal rows are checked with Arrow and numpy, without a Python loop per row
(the file is read by `comp_engine.deal_columns`, ids trimmed alike, each distinct id,
date, type and split parsed once):
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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from comp_engine import arrow_kernels as kernels
from comp_engine.arrow_texts import cents_of_texts, lengths, numbers, trimmed_codes, trimmed_texts
from comp_engine.csv_input import ID_SPACE, trim_id
from comp_engine.deal_columns import DEALS_COLUMNS, DEALS_EXTRA, DEALS_OPTIONAL, DealColumns, read_deal_columns
from comp_engine.deal_types import DEAL_TYPES
from comp_engine.errors import Problem
from comp_engine.money import AmountInvalid, cents_to_decimal, to_cents, why_not_an_amount
from comp_engine.text_column import TextColumn

if TYPE_CHECKING:
    from comp_engine.ingest import Roster
    from comp_engine.off_roster import PaidQuarter

SHARE_SCALE = 10_000
"""A rep's share of a deal in ten-thousandths: 100% = 10,000 and a 33.33% split = 3,333."""

_SPACE = "[" + re.escape(ID_SPACE) + "]"
_NOT_SPACE = "[^" + re.escape(ID_SPACE) + "]"
_SPLIT_PART = re.compile(rf"{_SPACE}*([^:{re.escape(ID_SPACE)}][^:]*?){_SPACE}*:{_SPACE}*({_NOT_SPACE}*?){_SPACE}*")
_MAX_TOTAL_CENTS = (2**63 - 1) // SHARE_SCALE


@dataclass(frozen=True, eq=False)
class DealTable:
    """The deals file as integer columns, one entry per deal row in file order.

    `account` indexes `account_ids`; `type` is a code into DEAL_TYPES; `day` is the
    close date as days since 1970-01-01. Ids are trimmed (`trim_id`) and kept in
    Arrow memory (`TextColumn`), not as a Python object per deal. The credit rows say who each deal is
    credited to: `credit_deal` (a deal row, ascending), `credit_rep` (a position in
    the roster) and `credit_share` (in SHARE_SCALE units). A deal without a split has
    one credit row for its rep_id at 100%.

    Credits to reps not on the roster have no credit row; they are listed in
    `off_roster_deal` (deal rows, ascending), `off_roster_rep` (the rep id as written)
    and `off_roster_in_split` (named in the split rather than in rep_id).
    """

    deal_id: TextColumn
    account: np.ndarray
    account_ids: TextColumn
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


def read_deals(content: bytes | Path, source: str, roster: Roster | None,
               paying: PaidQuarter | None = None, digests: list | None = None,
               columns: tuple[DealColumns | None, list[Problem]] | None = None) -> tuple[DealTable | None, list[Problem]]:
    """Read deals.csv into a DealTable, or return every problem found in it.

    `content` is the file's bytes or its path (read in blocks, never whole; every byte
    also goes to each of `digests`). A deal is credited to its `rep_id`, or, when
    `split` is filled in, to the reps it names (`rep_a:60;rep_b:40`, percents adding up
    to 100, up to two decimals). With `paying` (the quarter being paid), a deal closed
    inside that quarter must credit only reps on the roster and other deals' credits to
    reps not on it are set aside; without it, every rep credited must be on the roster.
    Without a roster, reps are not checked. A file with a header and no deal is refused.
    `columns` is what `read_deal_columns` already read of the file, if it was read apart.
    """
    columns, problems = columns if columns is not None else read_deal_columns(content, source, digests)
    if columns is None or not columns.columns:
        return None, problems
    if not len(columns) and not problems:
        return None, [Problem(source, 2, None, "holds no deals (only a header)")]
    found = _RowProblems(source, columns.lines)
    with ThreadPoolExecutor(1, thread_name_prefix="accounts") as beside:
        # hashing the account ids (Arrow, without the GIL) is the longest step: it runs beside the others
        accounts = beside.submit(trimmed_codes, columns.columns["account_id"])
        checked = _checked_columns(columns, source, roster, paying, found)
        account, account_ids = accounts.result()
    empty_account = np.flatnonzero(lengths(account_ids) == 0)
    if len(empty_account):
        found.add(np.flatnonzero(account == empty_account[0]), "account_id", lambda row: "is empty")
    if found.problems:
        return None, problems + found.sorted()
    return DealTable(account=account, account_ids=TextColumn(account_ids), **checked), problems


def _checked_columns(columns: DealColumns, source: str, roster: Roster | None, paying: PaidQuarter | None,
                     found: _RowProblems) -> dict:
    """Every rule of `read_deals` but the account ids' (applied beside it, in another thread): the
    DealTable's other fields, each bad row's problem added to `found`."""
    lines = columns.lines
    notes = list(columns.notes)
    deal_id = trimmed_texts(columns.columns["deal_id"])
    _check_deal_ids(deal_id, found)
    type_column = columns.columns["type"]
    type_texts = type_column.dictionary.to_pylist()
    type_of_text = np.array([DEAL_TYPES.index(text) if text in DEAL_TYPES else -1 for text in type_texts] or [-1],
                            dtype=np.int64)
    type_index = numbers(type_column.indices)
    type_code = type_of_text[type_index]
    found.add(np.flatnonzero(type_code < 0), "type",
              lambda row: (f"{type_texts[type_index[row]]!r} is not a deal type; use {', '.join(DEAL_TYPES)}"
                           if type_texts[type_index[row]] else "is empty"))
    amount_column = columns.columns["amount"]
    amount_cents, amount_ok = cents_of_texts(amount_column)
    found.add(np.flatnonzero(~amount_ok), "amount",
              lambda row: why_not_an_amount(amount_column[row].as_py()) or "is not an amount")
    date_column = columns.columns["close_date"]
    date_texts = date_column.dictionary.to_pylist()
    date_index = numbers(date_column.indices)
    day_of_text = _days_from_texts(np.array(date_texts, dtype=object)) if date_texts else np.full(1, -1)
    day = day_of_text[date_index]
    found.add(np.flatnonzero(day < 0), "close_date",
              lambda row: (f"{date_texts[date_index[row]]!r} is not a date; write YYYY-MM-DD, e.g. 2026-04-30"
                           if date_texts[date_index[row]] else "is empty"))

    roster_position = {rep.rep_id: position for position, rep in enumerate(roster.reps)} if roster is not None else None
    rep_code, rep_texts_arrow = trimmed_codes(columns.columns["rep_id"])
    rep_texts = np.array(rep_texts_arrow.to_pylist() or [""], dtype=object)
    rep_of_text = (np.array([roster_position.get(text, -1) for text in rep_texts.tolist()], dtype=np.int64)
                   if roster_position is not None else np.zeros(len(rep_texts), dtype=np.int64))
    split_column = columns.columns["split"]
    split_index = numbers(split_column.indices)
    split_texts = split_column.dictionary
    has_split = (lengths(split_texts) > 0)[split_index] if len(split_texts) else np.zeros(len(lines), dtype=bool)
    plain = np.flatnonzero(~has_split)
    plain_rep = rep_of_text[rep_code[plain]]
    unknown = plain_rep < 0
    unknown_rows = plain[unknown]
    empty = lengths(rep_texts_arrow)[rep_code[unknown_rows]] == 0 if len(unknown_rows) else np.zeros(0, dtype=bool)
    found.add(unknown_rows[empty], "rep_id", "is empty and there is no split")
    off_plain = unknown_rows[~empty]
    plain, plain_rep = plain[~unknown], plain_rep[~unknown]
    split = _parse_splits(split_texts, split_index, np.flatnonzero(has_split), roster_position)
    off_deal = np.concatenate([off_plain, split.off_rows])
    off_rep = np.concatenate([rep_texts[rep_code[off_plain]], split.off_names]).astype(object)
    off_in_split = np.arange(len(off_deal)) >= len(off_plain)
    refused = np.ones(len(off_deal), dtype=bool) if paying is None else paying.closed_inside(day[off_deal])
    why = "" if paying is None else f"; {paying.reason}"
    found.add(off_deal[refused & ~off_in_split], "rep_id",
              lambda row: not_on_roster([rep_texts[rep_code[row]]]) + why)
    refused_names: dict[int, list[str]] = {}
    for row, name in zip(off_deal[refused & off_in_split].tolist(), off_rep[refused & off_in_split].tolist()):
        refused_names.setdefault(row, []).append(name)
    for row, names in refused_names.items():
        split.bad.setdefault(row, []).append(not_on_roster(names) + why)
    found.add(np.array(sorted(split.bad), dtype=np.int64), "split", lambda row: "; ".join(split.bad[row]))

    _check_total(amount_cents, found)
    if found.problems:
        return {}
    zero = np.flatnonzero(amount_cents == 0)
    if len(zero):
        many = len(zero) > 1
        notes.append(f"{source}: {len(zero)} {'deals have' if many else 'deal has'} the amount 0 "
                     f"({lines_text(lines[zero].tolist())}): {'they change' if many else 'it changes'} no credit and "
                     f"no ARR; check {'the amounts' if many else 'the amount'}")

    credit_deal = np.concatenate([plain, split.rows]).astype(np.int32)
    order = np.argsort(credit_deal, kind="stable")
    off_order = np.argsort(off_deal, kind="stable")
    return dict(
        deal_id=TextColumn(deal_id),
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
    )


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


def _check_deal_ids(deal_id: pa.Array, found: _RowProblems) -> None:
    """Every deal_id filled in and unique. Ids in strictly increasing order (as most
    exports write them) are unique without hashing them."""
    if len(deal_id) > 1 and lengths(deal_id).min() > 0 and kernels.strictly_increasing(deal_id):
        return
    encoded = kernels.dictionary_encode(deal_id)
    codes, uniques = numbers(encoded.indices), encoded.dictionary
    empty = np.flatnonzero(lengths(uniques) == 0)
    if len(empty):
        found.add(np.flatnonzero(codes == empty[0]), "deal_id", "is empty")
    if len(uniques) == len(deal_id):
        return
    counts = np.bincount(codes, minlength=len(uniques))
    first = np.full(len(uniques), -1, dtype=np.int64)
    rows = np.arange(len(codes))
    first[codes[::-1]] = rows[::-1]
    not_empty = lengths(uniques)[codes] > 0
    repeated = np.flatnonzero((counts[codes] > 1) & (first[codes] != rows) & not_empty)
    found.add(repeated, "deal_id",
              lambda row: f"{deal_id[row].as_py()!r} is a duplicate; the same deal_id is on line "
                          f"{int(found.lines[first[codes[row]]])}")


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


@dataclass(frozen=True, eq=False)
class _SplitTexts:
    """Every distinct split text parsed at once: its parts naming reps on the roster
    (`credit_*`), naming others (`off_*`), each as ranges per text, and which texts are refused."""

    bad: np.ndarray
    credit_start: np.ndarray
    credit_count: np.ndarray
    credit_rep: np.ndarray
    credit_share: np.ndarray
    off_start: np.ndarray
    off_count: np.ndarray
    off_name: np.ndarray


def _parse_split_texts(texts: pa.Array, known: dict[str, int] | None) -> _SplitTexts:
    """Parse distinct split texts with Arrow kernels: `rep_a:60;rep_b:40`, each rep named
    once, percents above 0 with up to two decimals, adding up to exactly 100 (the same
    rules as `_parse_split`, which words the reasons of the texts refused here)."""
    parts = kernels.split_pattern(texts, ";")
    text_of = numbers(kernels.list_parent_indices(parts))
    part = kernels.utf8_trim(kernels.list_flatten(parts), ID_SPACE)
    named = lengths(part) > 0
    part, text_of = kernels.kept(part, named), text_of[named]
    # rep:percent as `_SPLIT_PART` reads it: a name before the first colon; after it, a percent with no space inside
    halves = kernels.split_pattern(part, ":", max_splits=1)
    has_colon = numbers(kernels.list_value_length(halves)) == 2
    count = len(texts)
    bad = np.zeros(count, dtype=bool)
    bad[text_of[~has_colon]] = True
    pieces, text_of = kernels.list_flatten(kernels.kept(halves, has_colon)), text_of[has_colon]
    name = kernels.utf8_trim(kernels.taken(pieces, np.arange(0, len(pieces), 2)), ID_SPACE)
    percent = kernels.utf8_trim(kernels.taken(pieces, np.arange(1, len(pieces), 2)), ID_SPACE)
    is_part = (lengths(name) > 0) & ~numbers(kernels.match_substring_regex(percent, _SPACE))
    bad[text_of[~is_part]] = True
    name, percent, text_of = kernels.kept(name, is_part), kernels.kept(percent, is_part), text_of[is_part]
    share, share_ok = cents_of_texts(percent)
    share_ok &= (share > 0) & (share <= SHARE_SCALE)
    names = kernels.dictionary_encode(name)
    name_code = numbers(names.indices).astype(np.int64)
    key = text_of.astype(np.int64) * (int(name_code.max(initial=0)) + 1) + name_code
    _, first_of_key = np.unique(key, return_index=True)
    first = np.zeros(len(key), dtype=bool)
    first[first_of_key] = True
    np.logical_or.at(bad, text_of, ~share_ok | ~first)
    total = np.zeros(count, dtype=np.int64)
    np.add.at(total, text_of, share)
    bad |= total != SHARE_SCALE
    distinct = names.dictionary.to_pylist()
    rep_of_name = (np.array([known.get(text, -1) for text in distinct] or [-1], dtype=np.int64) if known is not None
                   else np.zeros(max(len(distinct), 1), dtype=np.int64))
    rep = rep_of_name[name_code]
    credit = np.flatnonzero(first & (rep >= 0))
    off = np.flatnonzero(first & (rep < 0))
    credit_count = np.bincount(text_of[credit], minlength=count)
    off_count = np.bincount(text_of[off], minlength=count)
    return _SplitTexts(bad, np.cumsum(credit_count) - credit_count, credit_count, rep[credit], share[credit],
                       np.cumsum(off_count) - off_count, off_count,
                       np.array(distinct or [""], dtype=object)[name_code[off]])


def _expand(rows: np.ndarray, starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows each owning `counts` consecutive items from `starts`: (row per item, item)."""
    total = int(counts.sum())
    row_of = np.repeat(rows, counts)
    within = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts)
    return row_of, np.repeat(starts, counts) + within


def _parse_splits(split_texts: pa.Array, split_index: np.ndarray, rows: np.ndarray,
                  known: dict[str, int] | None) -> _Splits:
    """Parse every split: each distinct text once, then the parts given to each deal row."""
    parsed = _parse_split_texts(split_texts, known)
    text = split_index[rows]
    bad_rows = rows[parsed.bad[text]]
    good = rows[~parsed.bad[text]]
    good_text = split_index[good]
    deal_rows, credit = _expand(good, parsed.credit_start[good_text], parsed.credit_count[good_text])
    off_rows, off = _expand(rows, parsed.off_start[text], parsed.off_count[text])
    bad: dict[int, list[str]] = {}
    lookup = known.get if known is not None else None
    for row in bad_rows.tolist():
        bad[row] = _parse_split(split_texts[int(split_index[row])].as_py(), lookup)[2] or \
            ["is not rep:percent; write rep_a:60;rep_b:40"]
    return _Splits(deal_rows, parsed.credit_rep[credit], parsed.credit_share[credit], off_rows,
                   parsed.off_name[off], bad)


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
        if not trim_id(part):
            continue
        match = _SPLIT_PART.fullmatch(part)
        if not match:
            reasons.append(f"{trim_id(part)!r} is not rep:percent")
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
