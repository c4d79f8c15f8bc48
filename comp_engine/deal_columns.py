"""Reading deals.csv into Arrow text columns, once, front to back.

The deals file is the one input that grows with the company (ten million rows is
600 MB), so it is never held whole in memory and never becomes a Python object per
cell. It is read in blocks by Arrow's multi-threaded CSV reader, straight into
columns: rep ids, types, dates and splits as dictionaries (each distinct text stored
once, a small integer per row), deal ids, account ids and amounts as plain Arrow strings. Every byte read is also
fed to the run's fingerprint, so the fingerprint is of exactly the bytes parsed.

Arrow cannot say on which line a row was, so the fast reading is used only when each
row is one line: no blank line between rows, no line break inside a quoted field, no
line with too many or too few fields. Any other file is read again by the exact text
reader (`comp_engine.csv_input.read_table`, the same one as rosters and quotas), which
counts every line; both give the same columns, so the rules that follow are the same.
"""
from __future__ import annotations

import csv
import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as arrow_csv

from comp_engine.arrow_kernels import dictionary_encode, kept
from comp_engine.arrow_texts import lengths, numbers, same_texts
from comp_engine.csv_input import check_header, read_table
from comp_engine.errors import Problem

DEALS_COLUMNS = ("deal_id", "account_id", "rep_id", "type", "amount", "close_date")
DEALS_OPTIONAL = ("split",)
DEALS_EXTRA = ("source",)
"""Columns Cadence knows but a payout does not read: `source` (where a deal came from) is read by
`comp_engine.revenue` and the deals import. The header check knows them, so they are neither
noted as ignored nor taken for a misspelling; `read_deal_columns(..., extra=...)` reads them."""
PLAIN_TEXT = ("deal_id", "account_id", "amount")
"""Columns whose texts are mostly distinct, read as plain texts; the others are read as dictionaries.
An account has a few deals, not thousands: building a dictionary per block of the file and
unifying them costs more than encoding the whole column once (`arrow_texts.trimmed_codes`)."""

_BLOCK = 1 << 20
_SCAN_BLOCK = _BLOCK
"""The blocks the fingerprinting thread reads (the tests read in blocks of a few bytes)."""
_ARROW_BLOCK = 4 << 20
_BOM = b"\xef\xbb\xbf"
_DICTIONARY = pa.dictionary(pa.int32(), pa.string())


@dataclass
class DealColumns:
    """Every column of the deals file Cadence reads (an absent optional one as empty texts),
    the line of each row (the header is line 1), what reading found, and the sha256 of
    the bytes read (hex), which a run records for the file."""

    columns: dict[str, pa.Array]
    lines: np.ndarray
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sha256: str = ""

    def __len__(self) -> int:
        return len(self.lines)


class _Scan:
    """The file's bytes, read once in blocks beside Arrow's reading: every byte hashed, and
    what decides whether its rows are its lines.

    Arrow ends a row at a line break outside quotes (`\\n`, `\\r\\n` or a lone `\\r`) and
    skips empty lines. With no lone `\\r`, a blank line between rows and a line break inside
    a quoted field each leave Arrow one row short of the line breaks before the last text;
    so when the counts agree, row n is line n + 1. A lone `\\r` (which could make up for a
    blank line) sends the file to the exact reader. Only line breaks are counted: a file
    without any `\\r` costs one `memchr` per block more than hashing and counting `\\n`.
    """

    def __init__(self, digests: list, file_sha256: bool = True) -> None:  # noqa: ANN401
        self.digests = digests
        self.sha256 = hashlib.sha256() if file_sha256 else None
        self.offset = 0
        self.newlines = 0
        self.trailing_newlines = 0
        self.carriage_returns = 0
        self.crlf = 0
        self.last_content = 0
        self._tail = b""

    def feed(self, chunk: bytes) -> None:
        if self.sha256 is not None:
            self.sha256.update(chunk)
        for digest in self.digests:
            digest.update(chunk)
        self.newlines += _newlines(chunk)
        if b"\r" in chunk:
            self.carriage_returns += chunk.count(b"\r")
            self.crlf += chunk.count(b"\r\n")
        if self._tail.endswith(b"\r") and chunk.startswith(b"\n"):
            self.crlf += 1  # a \r\n split between two blocks
        content = len(chunk.rstrip(b"\r\n"))
        if content:
            self.last_content = self.offset + content
            self.trailing_newlines = chunk.count(b"\n", content)
        else:
            self.trailing_newlines += chunk.count(b"\n")
        self._tail = chunk[-1:]
        self.offset += len(chunk)

    def read_file(self, path: Path) -> None:
        with open(path, "rb") as handle:
            while chunk := handle.read(_SCAN_BLOCK):
                self.feed(chunk)

    @property
    def lone_carriage_return(self) -> bool:
        """Whether some `\\r` is not followed by `\\n` (a line break Arrow counts and `\\n` does not)."""
        return self.carriage_returns != self.crlf

    @property
    def rows_if_one_per_line(self) -> int:
        """How many rows follow the header when each row is one line: the line breaks before the last text."""
        return self.newlines - self.trailing_newlines


def _newlines(chunk: bytes) -> int:
    """How many `\\n` a block holds: numpy compares 16 or 32 bytes at a time where `bytes.count`
    looks at one (12 ms against 46 ms for a 59 MB file)."""
    return int(np.count_nonzero(np.frombuffer(chunk, dtype=np.uint8) == _NEWLINE))


_NEWLINE = ord("\n")


def read_deal_columns(content: Path | bytes, source: str, digests: list | None = None,
                      extra: tuple[str, ...] = (), file_sha256: bool = True) -> tuple[DealColumns | None, list[Problem]]:
    """Read the deals file's columns, or return why it cannot be read (see the module rules).

    `content` is the file's path, or its bytes (an upload). A file is read by Arrow from
    disk while a second thread reads it in blocks for each of `digests`; its size and
    modification time must not change meanwhile, so the digests are of the bytes parsed.
    `extra` names columns of `DEALS_EXTRA` to read too (as empty texts when absent).
    Without `file_sha256` the columns' `sha256` is left empty: a caller that records only
    its own digests saves a pass over the file (39 ms at a million rows on 2 cores).
    """
    wanted = DEALS_COLUMNS + DEALS_OPTIONAL + tuple(name for name in extra if name in DEALS_EXTRA)
    scan = _Scan(list(digests or []), file_sha256)
    before = None
    if isinstance(content, bytes):
        scan.feed(content)
        first_line = content[:content.find(b"\n") + 1] if b"\n" in content else content
        fast = _fast_columns(first_line, pa.BufferReader(content), scan, source, wanted)
    else:
        before = content.stat()
        with open(content, "rb") as handle:
            first_line = handle.readline(_BLOCK)
        hashing = threading.Thread(target=scan.read_file, args=(content,))
        hashing.start()
        try:
            fast = _fast_columns(first_line, str(content), scan, source, wanted, waiting=hashing)
        finally:
            hashing.join()
        after = content.stat()
        if (before.st_size, before.st_mtime_ns) != (after.st_size, after.st_mtime_ns) or scan.offset != after.st_size:
            return None, [Problem(source, None, None, "changed while it was being read; run again once it is saved")]
    file_digest = scan.sha256.hexdigest() if scan.sha256 is not None else ""
    if fast is not None:
        fast.sha256 = file_digest
        return fast, list(fast.problems)
    exact = content if isinstance(content, bytes) else content.read_bytes()
    if not _same_bytes(exact, content, scan, before):
        return None, [Problem(source, None, None, "changed while it was being read; run again once it is saved")]
    columns, problems = _exact_columns(exact, source, wanted)
    if columns is not None:
        columns.sha256 = file_digest
    return columns, problems


def _same_bytes(exact: bytes, content: Path | bytes, scan: _Scan, before: os.stat_result | None) -> bool:
    """Whether the bytes read again for the exact reader are those the digests were fed: by their
    sha256 when the scan kept one, else as the fast reading is trusted, by size and modification time."""
    if scan.sha256 is not None:
        return hashlib.sha256(exact).digest() == scan.sha256.digest()
    if before is None:
        return True  # bytes given, not a file: they cannot change
    after = Path(content).stat()  # type: ignore[arg-type]
    return len(exact) == scan.offset and (before.st_size, before.st_mtime_ns) == (after.st_size, after.st_mtime_ns)


def _fast_columns(header_bytes: bytes, data: object, scan: _Scan, source: str, wanted: tuple[str, ...],
                  waiting: threading.Thread | None = None) -> DealColumns | None:
    """The columns by Arrow's reader, or None when the exact text reader must read the file."""
    if b'"' in header_bytes or b"\r" in header_bytes.rstrip(b"\r\n"):
        return None
    try:
        text = header_bytes.removeprefix(_BOM).decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    if not text.strip():
        return None
    names = next(csv.reader([text]))
    header = check_header(names, source, DEALS_COLUMNS, DEALS_OPTIONAL + DEALS_EXTRA)
    if header.problems:
        return DealColumns({}, np.empty(0, dtype=np.int64), header.notes, header.problems)
    positions = {name: position for name, position in header.positions.items() if name in wanted}
    fields = [f"f{index}" for index in range(header.width)]
    types = {f"f{position}": pa.string() if name in PLAIN_TEXT else _DICTIONARY for name, position in positions.items()}
    try:
        table = arrow_csv.read_csv(
            data,
            read_options=arrow_csv.ReadOptions(column_names=fields, skip_rows=1, block_size=_ARROW_BLOCK),
            convert_options=arrow_csv.ConvertOptions(include_columns=list(types), column_types=types,
                                                     strings_can_be_null=False, quoted_strings_can_be_null=False),
        )
    except pa.ArrowInvalid as error:  # a row with too many or too few fields, text that is not UTF-8, no rows
        if "Empty CSV file" not in str(error):
            return None
        table = None
    if waiting is not None:
        waiting.join()
    rows = table.num_rows if table is not None else 0
    if scan.lone_carriage_return or rows != scan.rows_if_one_per_line:
        return None
    columns: dict[str, pa.Array] = {}
    for name in wanted:
        if name not in positions:
            columns[name] = same_texts(rows)
        elif table is None:
            columns[name] = same_texts(0) if name not in PLAIN_TEXT else same_texts(0).dictionary.slice(0, 0)
        else:
            columns[name] = _one_chunk(table.column(f"f{positions[name]}"))
    lines = np.arange(2, rows + 2, dtype=np.int32 if rows < 2**31 - 2 else np.int64)
    if rows and _has_blank_rows(columns, rows):
        if len(positions) != header.width:
            return None  # a row blank in these columns may hold text in the others: read it exactly
        keep = ~_blank_rows(columns, rows)
        columns = {name: _compact(kept(column, keep)) for name, column in columns.items()}
        lines = lines[keep]
    return DealColumns(columns, lines, list(header.notes))


def _compact(column: pa.Array) -> pa.Array:
    """A dictionary column without the texts no row uses any more (after blank rows are dropped),
    in the same order, so that codes are the same as if those rows had never been there."""
    if not pa.types.is_dictionary(column.type):
        return column
    codes = numbers(column.indices)
    used = np.zeros(len(column.dictionary), dtype=bool)
    used[codes] = True
    renumbered = (np.cumsum(used) - 1).astype(np.int32)[codes]
    indices = pa.Array.from_buffers(pa.int32(), len(renumbered), [None, pa.py_buffer(renumbered)])
    return pa.DictionaryArray.from_arrays(indices, kept(column.dictionary, used))


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    if pa.types.is_dictionary(column.type):
        column = column.unify_dictionaries()
    return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)


def _empty_texts(column: pa.Array) -> np.ndarray:
    """Which rows of a column are the empty text."""
    if pa.types.is_dictionary(column.type):
        empty = lengths(column.dictionary) == 0
        return empty[numbers(column.indices)] if len(empty) else np.zeros(len(column), dtype=bool)
    return lengths(column) == 0


def _blank_rows(columns: dict[str, pa.Array], rows: int) -> np.ndarray:
    blank = np.ones(rows, dtype=bool)
    for column in columns.values():
        blank &= _empty_texts(column)
    return blank


def _has_blank_rows(columns: dict[str, pa.Array], rows: int) -> bool:
    return bool(_empty_texts(columns["deal_id"]).any()) and bool(_blank_rows(columns, rows).any())


def _exact_columns(content: bytes, source: str, wanted: tuple[str, ...]) -> tuple[DealColumns | None, list[Problem]]:
    """The columns by the exact text reader, which counts every line (see the module rules)."""
    table, problems = read_table(content, source, DEALS_COLUMNS, DEALS_OPTIONAL + DEALS_EXTRA)
    if table is None:
        return None, problems
    columns = {}
    for name in wanted:
        texts = pa.array(table.column(name), type=pa.string())
        columns[name] = texts if name in PLAIN_TEXT else dictionary_encode(texts)
    return DealColumns(columns, np.array(table.lines, dtype=np.int64), list(table.notes), problems), problems
