"""How statement pages are laid out (`reports.page_layout`): wrapping, row heights, baselines and the
rules by which blocks flow down pages. Sizes are hand-computed from Helvetica's widths (per 1,000
units of the size: "a" 556, space 278), so a changed rule shows as a changed number."""
from __future__ import annotations

import io

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from reports.page_layout import Block, Grid, Group, Ink, Look, Padding, Row, Text, paginate, row_height, wrapped
from reports.styles import grid_block, register_fonts

HELVETICA = Look("Helvetica", 10, 12, colors.black)
NO_PADDING = Padding(0, 0, 0, 0)


class Box(Block):
    """A block of a given height that never breaks, named for the assertions."""

    def __init__(self, name: str, height: float, before: float = 0.0, after: float = 0.0, keep: bool = False):
        self.name, self.height, self.space_before, self.space_after, self.keep_with_next = (
            name, height, before, after, keep)


def names(pages) -> list[list[str]]:
    return [[getattr(block, "name", type(block).__name__) for block, _ in page] for page in pages]


def grid(rows: int, height: float = 10, header: int = 1, last_kept: bool = False) -> Grid:
    """`rows` rows of one cell each, `height` points high (one line of that leading, no padding)."""
    look = Look("Helvetica", 8, height, colors.black)
    return Grid([Row((((f"r{index}",), look),)) for index in range(rows)], [100], NO_PADDING, header=header,
                last_kept=last_kept)


def row_names(part: Grid) -> list[str]:
    return [row.cells[0][0][0] for row in part.rows]


# -- wrapping ---------------------------------------------------------------------------------

def test_a_line_takes_as_many_words_as_fit_with_spaces_shrunk_by_at_most_five_percent():
    # "aa" is 2 x 5.56 = 11.12 pt and a space 2.78: "aa aa" is 25.02 pt. In 25 pt it fits, because
    # its one space may shrink by 5% (0.139 pt): 25.02 <= 25.139. In 24.8 pt it does not (> 24.939).
    assert wrapped("aa aa aa", HELVETICA, 25) == ("aa aa", "aa")
    assert wrapped("aa aa aa", HELVETICA, 24.8) == ("aa", "aa", "aa")


def test_a_word_wider_than_the_line_is_broken_between_characters():
    # "aaaaaa" is 33.36 pt; in 12 pt a piece holds two characters (11.12), not three (16.68).
    assert wrapped("aaaaaa", HELVETICA, 12) == ("aa", "aa", "aa")
    assert wrapped("x aaaaaa", HELVETICA, 12) == ("x", "aa", "aa", "aa")


def test_blank_text_has_no_lines_and_runs_of_spaces_are_one():
    assert wrapped("   ", HELVETICA, 100) == ()
    assert wrapped("aa   aa", HELVETICA, 100) == ("aa aa",)


# -- grids ------------------------------------------------------------------------------------

def test_a_row_is_its_tallest_cell_in_lines_times_leading_plus_padding():
    look = Look("Helvetica", 8, 9.6, colors.black)
    padding = Padding(left=6, right=6, top=2, bottom=2)
    table = Grid([Row(((("one",), look), (("two", "lines"), look))), Row((((), look), ((), look)))],
                 [50, 50], padding)
    # 2 lines x 9.6 + 2 + 2 = 23.2; an empty row still has one line: 9.6 + 4 = 13.6.
    assert table.heights == [23.2, 13.6]
    assert table.height == 23.2 + 13.6


class Recorder:
    """Stands in for `Ink`: what a block draws, in order."""

    def __init__(self):
        self.texts, self.rules, self.bands = [], [], []

    def text(self, x, y, line, look, word_space=0.0):
        self.texts.append((round(x, 3), round(y, 3), line))

    def rule(self, left, right, y, weight, color):
        self.rules.append((left, right, round(y, 3), weight))

    def band(self, x, y, width, height, color):
        self.bands.append((x, round(y, 3), width, round(height, 3)))


def test_cells_sit_where_reportlab_s_table_puts_them():
    left = Look("Helvetica", 8, 9.6, colors.black)
    right = Look("Helvetica", 8, 9.6, colors.black, align=1.0)
    padding = Padding(left=6, right=6, top=2, bottom=2)
    rows = [Row(((("a",), left), (("aa",), right)), rule_below=(0.5, colors.grey)),
            Row(((("a", "a"), left), (("a",), right)), band=colors.lightgrey)]
    ink = Recorder()
    Grid(rows, [40, 60], padding).draw(ink, 100, 500)
    # Row 1 is 9.6 + 4 = 13.6 high, from 500 down to 486.4; the first baseline is top - padding - size:
    # 500 - 2 - 8 = 490. Right-aligned "aa" (8.896 pt) ends at the padding: 100 + 40 + 60 - 6 - 8.896 = 185.104.
    # Row 2 is 2 x 9.6 + 4 = 23.2 high, from 486.4 to 463.2: baselines 476.4 and 466.8; its one-line
    # right cell also starts at the top: 476.4, at 100 + 100 - 6 - 4.448 = 189.552.
    assert ink.texts == [(106, 490, "a"), (185.104, 490, "aa"),
                         (106, 476.4, "a"), (106, 466.8, "a"), (189.552, 476.4, "a")]
    assert ink.rules == [(100, 200, 486.4, 0.5)]
    assert ink.bands == [(100, 463.2, 100, 23.2)]


def test_bottom_and_middle_alignment_follow_reportlab():
    look = Look("Helvetica", 8, 9.6, colors.black)
    padding = Padding(left=0, right=0, top=2, bottom=3)
    rows = [Row(((("x",), look), (("y", "y"), look)))]  # 2 x 9.6 + 5 = 24.2 high: from 100 to 75.8
    bottom, middle = Recorder(), Recorder()
    Grid(rows, [50, 50], padding, valign="BOTTOM").draw(bottom, 0, 100)
    Grid(rows, [50, 50], padding, valign="MIDDLE").draw(middle, 0, 100)
    # BOTTOM: bottom + padding + lines x leading - size: one line 75.8 + 3 + 9.6 - 8 = 80.4.
    assert bottom.texts[0] == (0, 80.4, "x")
    # MIDDLE: bottom + (bottom padding + height - top padding + lines x leading) / 2 - size:
    # 75.8 + (3 + 24.2 - 2 + 9.6) / 2 - 8 = 85.2.
    assert middle.texts[0] == (0, 85.2, "x")


# -- flowing down pages -----------------------------------------------------------------------

def test_the_gap_between_blocks_is_the_larger_space_and_a_page_starts_without_one():
    pages = paginate([Box("a", 10, after=6), Box("b", 10, before=4), Box("c", 10, before=9), Box("d", 50, before=8)],
                     100)
    # a at 100; b at 100 - 10 - max(6, 4) = 84; c at 84 - 10 - max(0, 9) = 65, down to 55; d (50 + 8 > 55) moves
    # to page 2 and starts at its top, without its 8 points before.
    assert names(pages) == [["a", "b", "c"], ["d"]]
    assert [top for _, top in pages[0]] == [100, 84, 65]
    assert pages[1][0][1] == 100


def test_a_heading_and_its_introduction_move_with_the_first_rows_of_the_next_block():
    heading, intro = Box("heading", 10, keep=True), Box("intro", 10, keep=True)
    # After 65 points, 35 remain: heading 10 + intro 10 + the table's header and first row 20 = 40 do not fit.
    pages = paginate([Box("filler", 65), heading, intro, grid(6)], 100)
    assert names(pages) == [["filler"], ["heading", "intro", "Grid"]]
    # With 60 points used, 40 remain: they fit, and the table breaks after its header and 1 row (20 pt).
    pages = paginate([Box("filler", 60), heading, intro, grid(6)], 100)
    assert names(pages)[0] == ["filler", "heading", "intro", "Grid"]
    assert row_names(pages[0][-1][0]) == ["r0", "r1"]


def test_a_grid_breaks_between_rows_repeating_its_header():
    pages = paginate([grid(12)], 50)
    # 50 points hold the header and 4 rows; each following page repeats the header: 1-4, 5-8, 9-11.
    assert [row_names(part) for part, _ in (page[0] for page in pages)] == [
        ["r0", "r1", "r2", "r3", "r4"], ["r0", "r5", "r6", "r7", "r8"], ["r0", "r9", "r10", "r11"]]


def test_a_total_never_starts_a_page_alone_and_a_header_never_ends_one():
    # Header, 5 rows and a total (70 pt) in 60: the 5 rows fit, but the total would be alone on page 2,
    # so the fifth row goes with it.
    pages = paginate([grid(7, last_kept=True)], 60)
    assert [row_names(page[0][0]) for page in pages] == [["r0", "r1", "r2", "r3", "r4"], ["r0", "r5", "r6"]]
    # 15 points left under a filler hold the header (10) but not a row: the table moves whole.
    pages = paginate([Box("filler", 45), grid(3)], 60)
    assert names(pages) == [["filler"], ["Grid"]]
    assert row_names(pages[1][0][0]) == ["r0", "r1", "r2"]


def test_a_paragraph_breaks_between_lines_with_two_on_each_side():
    style = ParagraphStyle("p", fontName="Helvetica", fontSize=10, leading=10)
    five_lines = Text("aa " * 5, style, 12)
    assert len(five_lines.lines) == 5
    # 30 points hold 3 lines, leaving 2: it breaks.
    pages = paginate([Box("filler", 70), five_lines], 100)
    assert [len(page[-1][0].lines) for page in pages] == [3, 2]
    # 40 points hold 4 lines but would leave 1 alone: the paragraph moves whole.
    pages = paginate([Box("filler", 60), five_lines], 100)
    assert names(pages) == [["filler"], ["Text"]]
    assert len(pages[1][0][0].lines) == 5


def test_a_group_moves_whole_unless_it_is_taller_than_a_page():
    group = Group([Box("g1", 30), Box("g2", 30)])
    assert group.height == 60
    pages = paginate([Box("filler", 50), group], 100)
    assert names(pages) == [["filler"], ["g1", "g2"]]
    # A group of 120 points in a 100-point frame is laid out block by block.
    tall = Group([Box("t1", 60), Box("t2", 60)])
    assert names(paginate([tall], 100)) == [["t1"], ["t2"]]


def test_an_unbreakable_block_taller_than_a_page_gets_a_page_of_its_own():
    pages = paginate([Box("a", 10), Box("huge", 150), Box("b", 10)], 100)
    assert names(pages) == [["a"], ["huge"], ["b"]]


def test_a_page_s_text_goes_out_in_one_text_object_with_fonts_set_only_when_they_change():
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    ink = Ink(canvas)
    ink.band(0, 0, 10, 10, colors.lightgrey)
    for y in (700, 690, 680):
        ink.text(72, y, f"line {y}", HELVETICA)
    ink.rule(72, 200, 675, 0.5, colors.grey)
    ink.write()
    code = "\n".join(canvas._code)
    assert code.count("BT") == 1 and code.count("ET") == 1
    assert code.count("Tf") == 1
    # Bands under the text, rules over it.
    assert code.index(" re f") < code.index("BT") < code.index("ET") < code.index(" l S")


def test_a_statement_table_s_rows_are_as_high_as_measured_wrapped_or_not():
    """`grid_block` gives its rows' heights up front (one line unless a cell wraps): they must be the
    heights the grid would measure itself."""
    register_fonts()
    rows = [["Deal", "Account", "Amount"], ["D-1", "ACC-1", "1,000.00"],
            ["D-2", "An account name far too long for its column of sixty points", "(2.00)"],
            ["D-3", "", "3.00"], ["Total", "", "999.00"]]
    table = grid_block(rows, [40, 60, 60], numeric_from=2, total_row=True, negative_rows=[2])
    assert table.heights == [row_height(row, table.padding) for row in table.rows]
    # one line is 8 x 1.2 + 2 + 2 = 13.6; the long name wraps into several lines of the cell style's 10.4
    assert table.heights[1] == table.heights[3] == 13.6
    assert table.heights[2] > 2 * 10.4
