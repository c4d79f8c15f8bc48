"""The deals file read fast (Arrow, whole columns) gives exactly what the one-value rules give.

Splits are parsed once per distinct text by Arrow kernels; `_parse_split` words the reasons of
the refused ones. Both must agree on which texts are refused and on every share. A file read by
Arrow and the same file read by the exact text reader (forced by a blank line between rows)
must give the same table, lines counted the same way.
"""
import re

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from comp_engine.deal_table import SHARE_SCALE, _parse_split, _parse_split_texts, read_deals
from comp_engine.ingest import Rep, Roster

REPS = ("r1", "r2", "r3")
ROSTER = Roster(tuple(Rep(rep, rep, f"{rep}@example.com", "p", None, None, 2 + i) for i, rep in enumerate(REPS)))
KNOWN = {rep: position for position, rep in enumerate(REPS)}

NAMES = st.sampled_from(["r1", "r2", "r3", "ghost", " r1", "r2 ", "\u00a0r3", "", "r1:", "a b"])
PERCENTS = st.sampled_from(["60", "40", "100", "50", "50.00", "33.33", "33.34", "0", "101", "-5", "1.234", "x", "",
                            " 40", "60 ", "007", "٣"])
PARTS = st.tuples(NAMES, st.sampled_from([":", "", "::", " : "]), PERCENTS).map("".join)
SPLITS = st.lists(PARTS, min_size=0, max_size=4).map(";".join) | st.sampled_from(["r1:60;r2:40", " ; ", ";;r1:100;"])


@settings(max_examples=300, deadline=None)
@given(st.lists(SPLITS, min_size=1, max_size=12, unique=True))
def test_the_column_parser_refuses_and_shares_exactly_as_the_one_split_parser(texts):
    """For every split text: refused by the Arrow parser iff `_parse_split` gives a reason, and
    the same (rep, share) parts and names off the roster otherwise."""
    parsed = _parse_split_texts(pa.array(texts, type=pa.string()), KNOWN)
    for index, text in enumerate(texts):
        credits, off_roster, reasons = _parse_split(text, KNOWN.get)
        assert bool(parsed.bad[index]) == bool(reasons), (text, reasons)
        if reasons:
            continue
        start, count = parsed.credit_start[index], parsed.credit_count[index]
        assert list(zip(parsed.credit_rep[start:start + count].tolist(),
                        parsed.credit_share[start:start + count].tolist())) == credits
        start, count = parsed.off_start[index], parsed.off_count[index]
        assert parsed.off_name[start:start + count].tolist() == off_roster
        assert sum(share for _, share in credits) + 0 <= SHARE_SCALE


DEALS = ("deal_id,account_id,rep_id,type,amount,close_date,split\n"
         "D1,A1,r1,new,60000,2026-04-10,\n"
         "D2, A2 ,,new,1000.5,2026-04-11,r1:60;r2 :40\n"
         "D3,A1,r2 ,expansion,0.25,2026-05-01,\n"
         ",,,,,,\n"
         "D4,A3,r3,renewal,70000.00,2026-06-30,r3:33.33;r2:33.33;r1:33.34\n")


def table_of(text: str):
    table, problems = read_deals(text.encode(), "deals.csv", ROSTER)
    assert not problems, problems
    return table


def test_a_file_read_by_arrow_and_by_the_exact_reader_gives_the_same_table():
    fast = table_of(DEALS)
    lines = DEALS.splitlines(keepends=True)
    exact = table_of("".join(lines[:3] + ["\n"] + lines[3:]))  # a blank line: only the exact reader counts it
    assert fast.deal_id.tolist() == exact.deal_id.tolist() == ["D1", "D2", "D3", "D4"]
    assert fast.line.tolist() == [2, 3, 4, 6] and exact.line.tolist() == [2, 3, 5, 7]
    for name in ("account", "type", "amount_cents", "day", "credit_deal", "credit_rep", "credit_share"):
        assert np.array_equal(getattr(fast, name), getattr(exact, name)), name
    assert fast.account_ids.tolist() == exact.account_ids.tolist() == ["A1", "A2", "A3"]
    # 1000.5 is 100,050 cents; 0.25 is 25; D2 is split 60/40 and D4 in thirds of 33.33/33.33/33.34.
    assert fast.amount_cents.tolist() == [6_000_000, 100_050, 25, 7_000_000]
    assert fast.credit_share.tolist() == [10_000, 6_000, 4_000, 10_000, 3_333, 3_333, 3_334]


ROWS = [line for line in DEALS.splitlines()[1:] if line != ",,,,,,"]
BREAKS = st.sampled_from(["\n", "\r\n", "\r"])


@settings(max_examples=200, deadline=None)
@given(rows=st.lists(st.tuples(st.sampled_from(ROWS), BREAKS, st.sampled_from(["", "\n", "\r\n"])),
                     min_size=1, max_size=6),
       block=st.sampled_from([1, 2, 3, 7, 1 << 20]))
def test_whatever_the_line_breaks_every_row_keeps_the_line_the_exact_reader_counts(rows, block, tmp_path_factory):
    """Rows ended by \\n, \\r\\n or a lone \\r, some followed by a blank line, the file read from disk
    in blocks as small as one byte (a \\r\\n split between two blocks): the fast reader is used only
    when it gives the same lines as the exact one. (A lone \\r with a blank line after it gives
    Arrow as many rows as there are \\n, yet shifts every line after it.)"""
    import comp_engine.deal_columns as deal_columns

    text = DEALS.splitlines()[0] + "\n" + "".join(row + end + blank for row, end, blank in rows)
    exact, _ = deal_columns._exact_columns(text.encode(), "deals.csv", deal_columns.DEALS_COLUMNS)
    path = tmp_path_factory.mktemp("deals") / "deals.csv"
    path.write_bytes(text.encode())
    saved, exact_reader, exactly_read = deal_columns._SCAN_BLOCK, deal_columns._exact_columns, []
    deal_columns._SCAN_BLOCK = block
    deal_columns._exact_columns = lambda *args: exactly_read.append(True) or exact_reader(*args)
    try:
        read, problems = deal_columns.read_deal_columns(path, "deals.csv")
    finally:
        deal_columns._SCAN_BLOCK, deal_columns._exact_columns = saved, exact_reader
    assert not problems and read is not None
    one_row_per_line = not re.search("\r(?!\n)", text) and not re.search("\n\r?\n", text.rstrip("\r\n"))
    assert bool(exactly_read) != one_row_per_line  # the fast reader whenever it can be trusted
    assert read.lines.tolist() == exact.lines.tolist()
    assert read.columns["deal_id"].to_pylist() == exact.columns["deal_id"].to_pylist()
    assert read.sha256 == __import__("hashlib").sha256(text.encode()).hexdigest()


def test_without_the_files_own_sha256_the_digests_still_get_every_byte_on_both_readers(tmp_path):
    """A run from files records its fingerprint only: the file is then hashed once (into the
    caller's digests), by the fast reader and by the exact one (forced by a blank line) alike."""
    import hashlib

    from comp_engine import deal_columns

    lines = DEALS.splitlines(keepends=True)
    for text in (DEALS, "".join(lines[:3] + ["\n"] + lines[3:])):
        path = tmp_path / "deals.csv"
        path.write_bytes(text.encode())
        digest = hashlib.sha256(b"label")
        read, problems = deal_columns.read_deal_columns(path, "deals.csv", [digest], file_sha256=False)
        assert not problems and read is not None and read.sha256 == ""
        assert digest.hexdigest() == hashlib.sha256(b"label" + text.encode()).hexdigest()
        assert read.columns["deal_id"].to_pylist()[-1] == "D4"


def test_the_exact_reader_refuses_a_file_that_changed_after_it_was_hashed(tmp_path):
    """The bytes read again for the exact reader must be the bytes hashed: by their sha256 when the
    scan kept one; without it by size and modification time, as the fast reader is trusted."""
    import os

    from comp_engine import deal_columns

    path = tmp_path / "deals.csv"
    path.write_bytes(DEALS.encode())
    before = path.stat()
    for own in (True, False):
        scan = deal_columns._Scan([], file_sha256=own)
        scan.feed(DEALS.encode())
        assert deal_columns._same_bytes(DEALS.encode(), path, scan, before)
    same_size = DEALS.replace("D1", "D9").encode()  # one byte changed, the size kept
    path.write_bytes(same_size)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000))
    hashed = deal_columns._Scan([], file_sha256=True)
    hashed.feed(DEALS.encode())
    assert not deal_columns._same_bytes(same_size, path, hashed, before)
    unhashed = deal_columns._Scan([], file_sha256=False)
    unhashed.feed(DEALS.encode())
    assert not deal_columns._same_bytes(same_size, path, unhashed, before)  # its modification time moved
    path.write_bytes(DEALS.encode() + b"D5,A1,r1,new,1,2026-04-12,\n")
    assert not deal_columns._same_bytes(path.read_bytes(), path, unhashed, before)  # longer
