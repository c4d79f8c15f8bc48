"""A data table of plain cells (`PlainGrid`) prints the very bytes reportlab's Table prints.

Statements are built from `styles.grid`; a grid whose cells are all plain strings is
drawn by `PlainGrid`, any other by `PlainCellTable` (reportlab's Table). Each document
here is rendered both ways and compared byte for byte (the documents are invariant),
with the table starting at every height a row can start at on the page, so that page
breaks fall after every possible row: just under the header, just above the total
row, and a list long enough to break twice.
"""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from reports import styles
from reports.plain_cells import PlainCellTable, PlainGrid
from reports.styles import content_width, grid, render

ROW = 13.6  # 8 pt text × 1.2 leading + 2 + 2 points of padding
WIDTH = content_width("a4")
WIDTHS = [WIDTH * share for share in (0.19, 0.15, 0.12, 0.13, 0.15, 0.11, 0.15)]


def deal_rows(count: int, negative_every: int = 0) -> tuple[list[list[str]], list[int]]:
    rows = [["Deal", "Account", "Type", "Close date", "Amount", "Share", "Credited"]]
    rows += [[f"D-{index:05d}", f"ACC-{index % 97}", "new" if index % 3 else "renewal", "2026-05-14",
              f"{index * 1234.5:,.2f}", "50%" if index % 4 else "100%",
              f"{'−' if negative_every and index % negative_every == 0 else ''}{index * 617.25:,.2f}"]
             for index in range(1, count + 1)]
    rows.append([f"{count} deals", "", "", "", "", "Credited", "1,000.00"])
    negatives = [index for index in range(1, count + 1) if negative_every and index % negative_every == 0]
    return rows, negatives


def both_ways(monkeypatch: pytest.MonkeyPatch, above: float, make) -> tuple[bytes, bytes, object]:  # noqa: ANN001
    """(bytes through PlainGrid, bytes through reportlab's Table, the PlainGrid flowable)."""
    def document(flowable) -> bytes:  # noqa: ANN001
        return render([Spacer(1, above), flowable], "grid", "footer")

    fast = make()
    with monkeypatch.context() as patched:
        patched.setattr(styles.PlainGrid, "fits", classmethod(lambda cls, rows: False))
        table = make()
    return document(fast), document(table), fast


@pytest.mark.parametrize("offset", range(0, 15))
def test_a_deal_list_breaking_after_any_row_prints_as_reportlab_s_table(monkeypatch, offset):
    # An A4 frame is 841.9 − 45.4 − 56.7 (margins) − 12 (padding) = 727.8 pt high: 53 rows of 13.6 pt.
    # Header, 45 deals and the total are 47 rows; moving the table down one row at a time (offsets 0 to
    # 14 leave room for 53 down to 39 rows) breaks it after every row from the 38th deal to the total.
    rows, negatives = deal_rows(45, negative_every=7)
    fast, table, flowable = both_ways(monkeypatch, offset * ROW + 0.5 * mm,
                                      lambda: grid(rows, WIDTHS, numeric_from=4, total_row=True,
                                                   negative_rows=negatives))
    assert isinstance(flowable, PlainGrid)
    assert fast == table


@pytest.mark.parametrize("offset", [0, 3, 7])
def test_a_list_over_three_pages_repeats_its_header_and_prints_as_reportlab_s_table(monkeypatch, offset):
    rows, negatives = deal_rows(130, negative_every=11)
    fast, table, _ = both_ways(monkeypatch, offset * ROW,
                               lambda: grid(rows, WIDTHS, numeric_from=4, total_row=True, negative_rows=negatives))
    assert fast.count(b"/Type /Page\n") == table.count(b"/Type /Page\n") == 3
    assert fast == table


@settings(max_examples=25, deadline=None)
@given(count=st.integers(1, 70), above=st.floats(0, 700), total=st.booleans(),
       lines=st.lists(st.integers(1, 3), min_size=1, max_size=4))
def test_any_plain_grid_prints_as_reportlab_s_table(count, above, total, lines):
    """Row counts, starting heights, a total row or none, and cells of several lines: same bytes."""
    rows = [["Account", "Share", "ARR\nat start"]]
    rows += [[f"A{index}", "\n".join(["25%"] * lines[index % len(lines)]), f"{index},000.00"]
             for index in range(count)]
    widths = [WIDTH * 0.4, WIDTH * 0.3, WIDTH * 0.3]
    with pytest.MonkeyPatch.context() as monkeypatch:
        fast, table, _ = both_ways(monkeypatch, above, lambda: grid(rows, widths, numeric_from=1, total_row=total))
    assert fast == table


def test_a_grid_with_a_wrapping_cell_is_left_to_reportlab_s_table():
    rows, _ = deal_rows(3)
    rows[1][0] = styles.text("A deal id far too long to fit its column without wrapping", styles.CELL)
    assert isinstance(grid(rows, WIDTHS, numeric_from=4, total_row=True), PlainCellTable)
