"""The look shared by every Cadence document: fonts, text styles, tables, page frame.

Text is set in DejaVu Sans when the system has it (it covers most alphabets a roster
holds) and otherwise in Bitstream Vera, which ships with reportlab, so a statement
always renders. Documents are built with reportlab's `invariant` flag: the same
inputs and generated date give the same bytes. Every page carries "Page n of N" and
a footer naming the document, so a loose printed page is never anonymous.
"""
from __future__ import annotations

import functools
import io
import re
import zlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import reportlab
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, TableStyle
from reportlab.platypus.tables import LINECOMMANDS, CellStyle

from reports.page_layout import Block, Cell, Grid, Look, Padding, Row, draw_pages, paginate, row_height, wrapped
from reports.plain_cells import PlainCellTable as Table, PlainGrid

PAGE_SIZES = {"a4": A4, "letter": LETTER}
MARGIN = 16 * mm
FONT = "CadenceSans"
BOLD = "CadenceSans-Bold"

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#5f6b7a")
RULE = colors.HexColor("#c9d1db")
BAND = colors.HexColor("#eef2f6")
ACCENT = colors.HexColor("#1d4f91")
NEGATIVE = colors.HexColor("#9b1c1c")

_FONT_FILES = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/TTF/DejaVuSans.ttf", "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"),
    ("/usr/share/fonts/dejavu/DejaVuSans.ttf", "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf"),
)


def register_fonts() -> None:
    """Register the document font once per process (DejaVu Sans, else bundled Vera)."""
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    bundled = Path(reportlab.__file__).parent / "fonts"
    regular, bold = next(((Path(r), Path(b)) for r, b in _FONT_FILES if Path(r).is_file() and Path(b).is_file()),
                         (bundled / "Vera.ttf", bundled / "VeraBd.ttf"))
    for name, path in ((FONT, regular), (BOLD, bold)):
        font = TTFont(name, str(path))
        _subsets_made_once(font)
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


_SUBSETS_KEPT = 32


def _subsets_made_once(font: TTFont) -> None:
    """Embed each distinct subset of the font once per process, built and compressed once.

    Every document embeds the glyphs it uses as a subset of the font file (35 KB for a statement's
    100 or so characters); the statements of a run use the same characters in the same order, so
    their subsets are the same bytes, and building and compressing them was a sixth of a statement's
    time. reportlab builds a subset in `makeSubset(glyph codes)`, a function of its argument."""
    font.face.makeSubset = _MadeOnce(font.face.makeSubset)


def _style(name: str, size: float, font: str = FONT, color=INK, leading: float | None = None, **extra) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, fontSize=size, leading=leading or size * 1.3, textColor=color, **extra)


TITLE = _style("title", 17, BOLD, ACCENT, spaceAfter=1 * mm)
SUBTITLE = _style("subtitle", 9.5, color=MUTED, spaceAfter=4 * mm)
HEADING = _style("heading", 12, BOLD, ACCENT, spaceBefore=5 * mm, spaceAfter=2 * mm, keepWithNext=1)
SECTION = _style("section", 10, BOLD, spaceBefore=4 * mm, spaceAfter=1.5 * mm)
BODY = _style("body", 8.5)
INTRO = _style("intro", 8.5, color=MUTED, keepWithNext=1)
SMALL = _style("small", 7.5, color=MUTED)
CELL = _style("cell", 8)
AMOUNT = _style("amount", 10, BOLD, alignment=TA_RIGHT)
AMOUNT_NEGATIVE = _style("amount_negative", 10, BOLD, NEGATIVE, alignment=TA_RIGHT)
HASH = _style("hash", 6.8, color=MUTED)
LABEL = _style("label", 8, color=MUTED)
RULE_TEXT = _style("rule_text", 8.5, leftIndent=2 * mm, rightIndent=2 * mm,
                   borderPadding=(1.5 * mm, 2 * mm, 1.5 * mm, 2 * mm),
                   backColor=BAND, spaceBefore=1.5 * mm, spaceAfter=2.5 * mm)


def text(value: str, style: ParagraphStyle = BODY) -> Paragraph:
    """A paragraph of user data: escaped, so a name with `<` or `&` prints as written."""
    return Paragraph(escape(value), style)


CELL_PADDING = 12
"""Room left for a cell's padding when deciding whether plain text fits, in points."""


def cell(value: str, width: float, style: ParagraphStyle = CELL) -> str | Paragraph:
    """A table cell: plain text when it fits the column (fast to lay out), a wrapping
    paragraph when it does not (a long deal id must not spill into the next column)."""
    if pdfmetrics.stringWidth(value, style.fontName, style.fontSize) <= width - CELL_PADDING:
        return value
    return text(value, style)


def facts_table(facts: Sequence[tuple[str, str]], width: float, columns: int = 1, label_share: float = 0.3) -> Table:
    """Label/value pairs in `columns` side-by-side pairs of columns; labels take
    `label_share` of each pair's width."""
    pair = width / columns
    widths = [pair * label_share, pair * (1 - label_share)]
    per_column = -(-len(facts) // columns)
    rows = []
    for row in range(per_column):
        cells: list[Flowable | str] = []
        for column in range(columns):
            index = column * per_column + row
            label, value = facts[index] if index < len(facts) else ("", "")
            cells += [cell(label, widths[0], LABEL), cell(value, widths[1], CELL)]
        rows.append(cells)
    commands = _facts_commands(columns)
    row_styles = _cell_styles(commands, [[""] * 2 * columns])[0]
    table = Table(rows, colWidths=widths * columns, hAlign="LEFT", cellStyles=[list(row_styles) for _ in rows])
    table.setStyle(TableStyle(_table_level(commands)))
    return table


def _facts_commands(columns: int) -> list[tuple]:
    return [
        ("FONT", (0, 0), (-1, -1), FONT, CELL.fontSize),
        ("LEADING", (0, 0), (-1, -1), CELL.leading),
        *[("TEXTCOLOR", (2 * column, 0), (2 * column, -1), MUTED) for column in range(columns)],
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 1.2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ]


def grid(rows: list[list], widths: Sequence[float], numeric_from: int, total_row: bool = False,
         negative_rows: Sequence[int] = ()) -> Flowable:
    """A data table: header repeated on every page, numbers right-aligned from column
    `numeric_from`, an optional bold total row, the last column of negative rows in
    dark red."""
    commands = _grid_commands(numeric_from, total_row, negative_rows)
    kinds = _grid_row_styles(len(widths), numeric_from)
    negative = set(negative_rows)
    last = len(rows) - 1
    styles = [list(kinds["header" if index == 0 else "total" if total_row and index == last else "body"]
                   [index in negative]) for index in range(len(rows))]
    if PlainGrid.fits(rows):
        return PlainGrid(rows, styles, list(widths), total_row, _GRID_RULES)
    table = Table(rows, colWidths=list(widths), repeatRows=1, hAlign="LEFT", cellStyles=styles)
    table.setStyle(TableStyle(_table_level(commands)))
    return table


_GRID_RULES = ((0.8, INK), (0.25, RULE), (0.8, INK), BAND)
"""A grid's rules, as `_grid_commands` gives them: under the header, under every row, above the total; the
total row's band."""


def _grid_commands(numeric_from: int, total_row: bool, negative_rows: Sequence[int]) -> list[tuple]:
    commands = [
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("FONT", (0, 0), (-1, 0), BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, 0), MUTED),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("ALIGN", (numeric_from, 0), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]
    if total_row:
        commands += [("FONT", (0, -1), (-1, -1), BOLD, 8), ("LINEABOVE", (0, -1), (-1, -1), 0.8, INK),
                     ("BACKGROUND", (0, -1), (-1, -1), BAND)]
    commands += [("TEXTCOLOR", (-1, row), (-1, row), NEGATIVE) for row in negative_rows]
    return commands


# Cell styles (font, colour, alignment, padding of each cell) are what reportlab spends
# most of a table's construction on: it makes one per cell and applies every command to
# every cell it covers. A grid has only a few kinds of row, so each kind's styles are
# made once per process, by reportlab applying the grid's own commands to a small
# prototype table, and shared by every row of that kind; the table itself then gets
# only the commands that are not about cells (lines and backgrounds).
_TABLE_LEVEL = {"BACKGROUND", "ROWBACKGROUNDS", "COLBACKGROUNDS", "SPAN", "NOSPLIT", *LINECOMMANDS}


def _table_level(commands: list[tuple]) -> list[tuple]:
    return [command for command in commands if command[0] in _TABLE_LEVEL]


def _cell_styles(commands: list[tuple], rows: list[list[str]]) -> list[list[CellStyle]]:
    """The cell styles reportlab gives a table of `rows` under `commands`."""
    prototype = Table(rows)
    prototype.setStyle(TableStyle(commands))
    return prototype._cellStyles


@functools.lru_cache(maxsize=None)
def _grid_row_styles(columns: int, numeric_from: int) -> dict[str, tuple[list[CellStyle], list[CellStyle]]]:
    """kind of row -> (its cell styles, those of a negative row of that kind)."""
    empty = [""] * columns
    header, body, negative_body, total = _cell_styles(_grid_commands(numeric_from, True, [2]), [empty] * 4)
    _, negative_total = _cell_styles(_grid_commands(numeric_from, True, [1]), [empty] * 2)
    return {"header": (header, header), "body": (body, negative_body), "total": (total, negative_total)}


# The same look as blocks of `reports.page_layout` (statements): a facts table and a data grid
# with the fonts, colours, paddings and rules that `facts_table` and `grid` give reportlab's
# Table, including Table's defaults (black text, a leading of 12 points under FONT commands).
FACTS_PADDING = Padding(left=0, right=6, top=1.2, bottom=1.2)
GRID_PADDING = Padding(left=6, right=6, top=2, bottom=2)
_LABEL_LOOK, _FACT_LOOK = Look(FONT, 8, CELL.leading, MUTED), Look(FONT, 8, CELL.leading, colors.black)


def cell_block(value: str, width: float, look: Look, wrapping: Look, padding: Padding) -> Cell:
    """A cell of `width` points: one line in `look` when it fits (as `cell` decides), else the text
    wrapped within the padding in `wrapping` (the paragraph style `cell` would have used)."""
    if not value:
        return ((), look)
    if look.widths[value] <= width - CELL_PADDING:
        return ((value,), look)
    return (wrapped(value, wrapping, width - padding.left - padding.right), wrapping)


def facts_block(facts: Sequence[tuple[str, str]], width: float, columns: int = 1, label_share: float = 0.3) -> Grid:
    """`facts_table` as a block: label/value pairs in `columns` side-by-side pairs of columns."""
    pair = width / columns
    widths = [pair * label_share, pair * (1 - label_share)]
    per_column = -(-len(facts) // columns)
    label_wrap, value_wrap = Look.of(LABEL), Look.of(CELL)
    rows = []
    for row in range(per_column):
        cells = []
        for column in range(columns):
            index = column * per_column + row
            label, value = facts[index] if index < len(facts) else ("", "")
            cells += [cell_block(label, widths[0], _LABEL_LOOK, label_wrap, FACTS_PADDING),
                      cell_block(value, widths[1], _FACT_LOOK, value_wrap, FACTS_PADDING)]
        rows.append(Row(tuple(cells)))
    return Grid(rows, widths * columns, FACTS_PADDING)


def grid_block(rows: list[list[str]], widths: Sequence[float], numeric_from: int, total_row: bool = False,
               negative_rows: Sequence[int] = ()) -> Grid:
    """`grid` as a block: the header repeated on every page, numbers right-aligned from column
    `numeric_from`, an optional bold total on a band (never alone at the top of a page), the
    last column of negative rows in dark red; a body cell too long for its column wraps."""
    header, body, negative_body, total, negative_total, wrapping = _grid_looks(len(widths), numeric_from)
    header_rule, row_rule, total_rule, band = _GRID_RULES
    negative, last = set(negative_rows), len(rows) - 1
    laid = [Row(_one_line_cells(rows[0], header), rule_below=header_rule)]
    heights = [row_height(laid[0], GRID_PADDING)]
    one_line = max(look.leading for look in body + negative_body) + GRID_PADDING.top + GRID_PADDING.bottom
    for index, values in enumerate(rows[1:-1] if total_row else rows[1:], start=1):
        cells = tuple(cell_block(value, width, look, wrap, GRID_PADDING)
                      for value, width, look, wrap in zip(values, widths, negative_body if index in negative else body,
                                                          wrapping))
        laid.append(Row(cells, rule_below=row_rule))
        wraps = any(cell_look is wrap for (_, cell_look), wrap in zip(cells, wrapping))
        heights.append(row_height(laid[-1], GRID_PADDING) if wraps else one_line)
    if total_row:
        laid.append(Row(_one_line_cells(rows[last], negative_total if last in negative else total),
                        band=band, rule_above=total_rule, rule_below=row_rule))
        heights.append(row_height(laid[-1], GRID_PADDING))
    return Grid(laid, widths, GRID_PADDING, header=1, last_kept=total_row, heights=heights)


def _one_line_cells(values: Sequence[str], looks: Sequence[Look]) -> tuple[Cell, ...]:
    """A row of one-line cells (a header, a total), empty where the value is."""
    return tuple(((value,) if value else (), look) for value, look in zip(values, looks))


@functools.lru_cache(maxsize=None)
def _grid_looks(columns: int, numeric_from: int) -> tuple[list[Look], ...]:
    """A grid's looks by column: header, body, negative body, total, negative total, wrapped body.
    One object per distinct look, so the text of a row mostly goes out without a change of font."""
    shared: dict[Look, Look] = {}

    def looks(font: str, color: colors.Color, negative: bool = False, leading: float = 8 * 1.2) -> list[Look]:
        return [shared.setdefault(look, look) for look in (
            Look(font, 8, leading, NEGATIVE if negative and column == columns - 1 else color,
                 0.0 if column < numeric_from else 1.0) for column in range(columns))]

    return (looks(BOLD, MUTED), looks(FONT, colors.black), looks(FONT, colors.black, True),
            looks(BOLD, colors.black), looks(BOLD, colors.black, True), looks(FONT, INK, leading=CELL.leading))


def numbered_canvas(footer: str):
    """A canvas class that prints `footer` and "Page n of N" on every page."""

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []

        def showPage(self) -> None:  # noqa: N802 (reportlab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            count = len(self._pages)
            for number, state in enumerate(self._pages, start=1):
                self.__dict__.update(state)
                self._footer(number, count)
                super().showPage()
            super().save()

        def _footer(self, number: int, count: int) -> None:
            draw_footer(self, footer, number, count)

    return NumberedCanvas


def draw_footer(page: canvas.Canvas, footer: str, number: int, count: int) -> None:
    """The foot of every page: a rule, the document's name and "Page n of N"."""
    width, _ = page._pagesize
    page.setFont(FONT, 7.5)
    page.setFillColor(MUTED)
    page.setStrokeColor(RULE)
    page.line(MARGIN, MARGIN - 4 * mm, width - MARGIN, MARGIN - 4 * mm)
    page.drawString(MARGIN, MARGIN - 8 * mm, footer)
    page.drawRightString(width - MARGIN, MARGIN - 8 * mm, f"Page {number} of {count}")


class _Flate(pdfdoc.PDFStreamFilterZCompress):
    """Flate at zlib level 3, not reportlab's default 6: measured on 100 statements of the 2,000-rep
    bench run, compressing their 12.3 MB of streams takes 0.17 s instead of 0.25 s, for 4 % more
    bytes (5.14 MB instead of 4.93). reportlab reads its one filter object, `pdfdoc.PDFZCompress`,
    when it writes each stream."""

    def __init__(self) -> None:
        self.kept: dict[int, tuple[bytes, bytes | None]] = {}

    def remember(self, data: str | bytes) -> None:
        """Compress `data` once however many documents embed it (the same object: a font subset, its CMap)."""
        self.kept[id(data)] = (data, None)

    def forget(self, data: str | bytes) -> None:
        self.kept.pop(id(data), None)

    def encode(self, text: str | bytes) -> bytes:
        kept = self.kept.get(id(text))
        if kept is not None and kept[0] is text:
            if kept[1] is None:
                kept = self.kept[id(text)] = (text, self._compressed(text))
            return kept[1]  # type: ignore[return-value]
        return self._compressed(text)

    @staticmethod
    def _compressed(text: str | bytes) -> bytes:
        return zlib.compress(text.encode("utf8") if isinstance(text, str) else text, 3)


_FLATE = _Flate()

_REPORTLAB_PDFDOC_ENC = pdfdoc.pdfdocEnc
_NOT_ASCII_IN_PDFDOC = re.compile("[\x18-\x1f]")
"""The ASCII codes PDFDocEncoding gives other characters (breve, caron, ...): reportlab's codec refuses them."""


def _pdfdoc_encoded(text: str | bytes) -> bytes:
    """reportlab's `pdfdocEnc` (PDFDocEncoding, which it applies to every number and name of every PDF
    object it writes), with ASCII text encoded as ASCII: the same bytes, a tenth of the time of
    reportlab's codec. Writing a statement's objects spent a fifth of its time in that codec."""
    if isinstance(text, str) and text.isascii() and _NOT_ASCII_IN_PDFDOC.search(text) is None:
        return text.encode("ascii")
    return _REPORTLAB_PDFDOC_ENC(text)


class _MadeOnce:
    """A function of font subsets (reportlab's `makeSubset`, `makeToUnicodeCMap`) whose results are made
    once and compressed once (the same object each time, so `_Flate` knows it), however many documents
    embed them; at most `_SUBSETS_KEPT` of them kept."""

    def __init__(self, make: Callable[..., str | bytes]) -> None:
        self.make, self.made = make, {}

    def __call__(self, *arguments: Any) -> str | bytes:
        key = tuple(tuple(value) if isinstance(value, list) else value for value in arguments)
        data = self.made.get(key)
        if data is None:
            if len(self.made) >= _SUBSETS_KEPT:
                for old in self.made.values():
                    _FLATE.forget(old)
                self.made.clear()
            data = self.made[key] = self.make(*arguments)
            _FLATE.remember(data)
        return data


_TO_UNICODE_CMAP = _MadeOnce(ttfonts.makeToUnicodeCMap)
"""A subset's ToUnicode CMap: a run's statements embed the same two."""


def _pdf_settings() -> None:
    register_fonts()
    rl_config.useA85 = 0  # compressed streams stay binary: ASCII85 would add a quarter to every page and its time
    pdfdoc.PDFZCompress = _FLATE
    pdfdoc.pdfdocEnc = _pdfdoc_encoded
    ttfonts.makeToUnicodeCMap = _TO_UNICODE_CMAP


def render(flowables: list[Flowable], title: str, footer: str, pagesize: str = "a4") -> bytes:
    """Lay the flowables out on numbered pages and return the PDF's bytes."""
    _pdf_settings()
    size = PAGE_SIZES[pagesize]
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=size, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN, bottomMargin=MARGIN + 4 * mm,
        title=title, author="Cadence", creator="Cadence", invariant=True,
    )
    document.build(flowables, canvasmaker=numbered_canvas(footer))
    return buffer.getvalue()


def render_blocks(blocks: list[Block], title: str, footer: str, pagesize: str = "a4") -> bytes:
    """Lay the blocks out (`reports.page_layout`) in the frame `render` gives its flowables, on
    numbered pages, and return the PDF's bytes: the same page, margins, metadata and footer."""
    _pdf_settings()
    size = PAGE_SIZES[pagesize]
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=size, invariant=1)
    page.setAuthor("Cadence")
    page.setTitle(title)
    page.setCreator("Cadence")
    bottom = MARGIN + 4 * mm + FRAME_PADDING
    frame_height = size[1] - MARGIN - FRAME_PADDING - bottom
    draw_pages(page, paginate(blocks, frame_height), MARGIN + FRAME_PADDING, bottom,
               lambda on, number, count: draw_footer(on, footer, number, count))
    page.save()
    return buffer.getvalue()


FRAME_PADDING = 6
"""reportlab's frame keeps 6 points of padding on each side inside the margins."""


def content_width(pagesize: str = "a4") -> float:
    return PAGE_SIZES[pagesize][0] - 2 * MARGIN - 2 * FRAME_PADDING
