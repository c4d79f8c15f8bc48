"""A reportlab Table that measures and draws its plain-text cells in one pass.

A statement's tables hold about 1,500 cells, nearly all plain strings (amounts, dates,
ids); reportlab's Table spends most of a statement's time on them: it sums the rows'
heights again after each row it measures, and draws every cell as a text object of its
own. `PlainCellTable` lays out and prints exactly what `Table` does, with the same
positions, fonts and colours, but

- gives every row of plain strings its height up front (the tallest cell's lines
  × leading + padding, reportlab's own rule), so only rows holding a paragraph are
  measured by reportlab;
- draws all the plain cells of the table in one text object, skipping empty ones;
  paragraphs in cells are drawn by reportlab as before;
- encodes a cell's text for the document's font subset with one `str.translate`
  (`reports.pdf_text.SubsetCodes`), giving the codes reportlab would give.

Tables with spanned cells or a render callback are drawn by reportlab unchanged.
`PlainGrid` goes further for the data tables of `styles.grid` whose cells are all
plain: it lays out, breaks and draws them without `Table` at all, to the same bytes.
`PlainCellTable` relies on `Table`'s layout attributes (`_cellvalues`, `_cellStyles`,
`_rowpositions`, `_colpositions`), which reportlab 4 and 5 share.
"""
from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.platypus import Flowable, Table

from reports.pdf_text import SubsetCodes, measured

_CELL_FLOWABLES = (tuple, list, Flowable)


class PlainCellTable(Table):
    def _calc_height(self, availHeight, availWidth, H=None, W=None):  # noqa: N803 (reportlab's names)
        if None in self._argH and not self._spanCmds and not self._minRowHeights:
            self._rowHeights = self._argH = [
                height if height is not None else _plain_row_height(values, styles)
                for height, values, styles in zip(self._argH, self._cellvalues, self._cellStyles)]
        return super()._calc_height(availHeight, availWidth, H, W)

    def draw(self) -> None:
        if self._spanCmds or self._renderCB:
            return super().draw()
        canvas = self.canv
        canvas.saveState()
        self._curweight = self._curcolor = self._curcellstyle = None
        self._makeShadow()
        self._makeRoundedCornersClip()
        self._drawBkgrnd()
        flowing = self._draw_plain_cells()
        self._curcellstyle = None
        for value, style, position, size in flowing:
            self._drawCell(value, style, position, size)
        self._drawLines()
        canvas.restoreState()
        if self._roundingRectDef:
            self._restoreRoundingObscuredLines()

    def _draw_plain_cells(self) -> list[tuple]:
        return draw_plain_cells(self.canv, self._cellvalues, self._cellStyles, self._colpositions, self._colWidths,
                                self._rowpositions, self._rowHeights)


class PlainGrid(Flowable):
    """A data table (`styles.grid`) whose cells are all plain strings, drawn byte for byte as
    `PlainCellTable` draws the same rows, without `Table`'s machinery.

    A deal list is most of a statement and `Table` rebuilds itself at every page break
    (new tables, styles and line commands for each part). Here every row's height is
    known from its text, a page break is a slice of the rows with the header row
    repeated (where `Table` breaks: as many rows as fit, at least one under the header),
    and drawing is the total row's band, the cells in one text object, then the rules:
    under the header, under every row, above the total. The bytes are the same as Table's
    (tests/unit/test_statement_grid.py), so a statement prints as it did.
    """

    hAlign = "LEFT"

    def __init__(self, rows: list[list], styles: list[list], widths: list[float], total_row: bool,
                 rules: tuple, continued: bool = False, ruled_below: bool = False,
                 heights: list[float] | None = None) -> None:
        self.rows, self.styles, self.widths, self.total_row, self.rules = rows, styles, widths, total_row, rules
        self.continued = continued  # a part after a page break: Table rules its repeated header as a row too
        self.ruled_below = ruled_below  # broken just above the total row: Table draws the total's rule here too
        if heights is None:
            heights = [_plain_row_height(values, row_styles) for values, row_styles in zip(rows, styles)]
        self.heights = heights
        self.positions = [0.0]
        for width in widths:
            self.positions.append(self.positions[-1] + width)
        self.tops = _row_positions(self.heights)

    @classmethod
    def fits(cls, rows: list[list]) -> bool:
        """Whether every cell is plain text (a wrapping paragraph needs reportlab's Table)."""
        return not any(isinstance(value, _CELL_FLOWABLES) for row in rows for value in row)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (reportlab's names)
        return self.positions[-1], self.tops[0]

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        fitting, height = 0, 0.0
        for row_height in self.heights:
            if height + row_height > availHeight:
                break
            height += row_height
            fitting += 1
        if fitting <= 1:
            return []
        if fitting == len(self.rows):
            return [self]
        first = PlainGrid(self.rows[:fitting], self.styles[:fitting], self.widths, False, self.rules,
                          continued=self.continued, ruled_below=self.total_row and fitting == len(self.rows) - 1,
                          heights=self.heights[:fitting])
        rest = PlainGrid(self.rows[:1] + self.rows[fitting:], self.styles[:1] + self.styles[fitting:], self.widths,
                         self.total_row, self.rules, continued=True, heights=self.heights[:1] + self.heights[fitting:])
        return [first, rest]

    def draw(self) -> None:
        canvas, left, right, tops = self.canv, self.positions[0], self.positions[-1], self.tops
        header_rule, row_rule, total_rule, band = self.rules
        canvas.saveState()
        if self.total_row:
            canvas.setFillColor(band)
            canvas.rect(left, tops[-2], right - left, tops[-1] - tops[-2], stroke=0, fill=1)
        draw_plain_cells(canvas, self.rows, self.styles, self.positions, self.widths, tops, self.heights)
        canvas.saveState()
        canvas.setLineCap(1)
        canvas.setLineJoin(1)
        lines = [(header_rule, tops[1:2]), (row_rule, tops[1:] if self.continued else tops[2:])]
        if self.total_row:
            lines.append((total_rule, tops[-2:-1]))
        if self.ruled_below:
            lines.append((total_rule, tops[-1:]))
        color = weight = None
        for (rule_weight, rule_color), heights in lines:
            if not heights:
                continue
            if rule_color != color:
                canvas.setStrokeColor(rule_color)
                color = rule_color
            if rule_weight != weight:
                canvas.setLineWidth(rule_weight)
                weight = rule_weight
            for y in heights:
                canvas.line(left, y, right, y)
        canvas.restoreState()
        canvas.restoreState()


def _row_positions(heights: list[float]) -> list[float]:
    """Each row's top from the table's bottom, and the bottom (0): summed from the last row up
    with reportlab's compensated addition, so positions match Table's to the last bit."""
    positions, height, carry = [], 0.0, 0.0
    for row_height in reversed(heights):
        positions.append(height)
        step = row_height - carry
        total = height + step
        carry = (total - height) - step
        height = total
    positions.append(height)
    positions.reverse()
    return positions


def draw_plain_cells(canvas, cellvalues, cellstyles, colpositions, colwidths, rowpositions, rowheights
                     ) -> list[tuple]:  # noqa: ANN001 (reportlab objects)
    """Print every plain cell as `Table._drawCell` would place it; return the others."""
    text = canvas.beginText()
    code, escape = text._code, canvas._escape
    flowing: list[tuple] = []
    font = color = codes = None
    placements: dict[int, _Placement | None] = {}
    lefts = colpositions[:-1]
    for values, styles, bottom, height in zip(cellvalues, cellstyles, rowpositions[1:], rowheights):
        for value, style, left, width in zip(values, styles, lefts, colwidths):
            placement = placements.get(id(style), False)
            if placement is False:
                placement = placements[id(style)] = _Placement.of(style, canvas)
            if placement is None or isinstance(value, _CELL_FLOWABLES) or getattr(value, "onDraw", None):
                flowing.append((value, style, (left, bottom), (width, height)))
                continue
            value = str(value)
            if not value:
                continue
            if style.color != color:
                color = style.color
                text.setFillColor(color)
            if placement.font != font:
                font, codes = placement.font, placement.codes
                text.setFont(*font)
            x = left + placement.inset(width)
            y = _first_baseline(style, bottom, height, value.count("\n") + 1)
            for line in value.split("\n") if "\n" in value else (value,):
                if line:
                    if placement.share:
                        line_x = x - placement.share * placement.width(line)
                    else:
                        line_x = x
                    encoded = codes.encoded(line) if codes else None
                    if encoded is None:
                        text.setTextOrigin(line_x, y)
                        text._textOut(line)
                    else:
                        if text._curSubset != 0:
                            code.append(codes.selection)
                            text._curSubset = 0
                        code.append(f"1 0 0 1 {fp_str(line_x, y)} Tm ({escape(encoded)}) Tj")
                y -= style.leading
    if font is not None:
        canvas.drawText(text)
    return flowing


class _Placement:
    """Where and how a cell style puts plain text: font, subset codes, horizontal anchor."""

    def __init__(self, style, canvas) -> None:  # noqa: ANN001 (reportlab objects)
        self.font = style.fontname, style.fontsize, style.leading
        self.codes = SubsetCodes.of(self.font, canvas) if canvas.bottomup else None
        self.share = _SHIFTS[style.alignment]
        self.left, self.right = style.leftPadding, style.rightPadding

    def width(self, line: str) -> float:
        return measured(line, self.font[0], self.font[1])

    @classmethod
    def of(cls, style, canvas) -> _Placement | None:  # noqa: ANN001
        """None for a style this table leaves to reportlab (other alignments, links, bidi)."""
        if style.alignment not in _SHIFTS or style.direction or style.shaping or style.href or style.destination:
            return None
        return cls(style, canvas)

    def inset(self, width: float) -> float:
        if self.share == 0.0:
            return self.left
        if self.share == 1.0:
            return width - self.right
        return (width + self.left - self.right) * 0.5


def _plain_row_height(values: list, styles: list) -> float | None:
    """reportlab's height of a row of plain strings; None (measure it) when a cell holds flowables."""
    tallest = 0.0
    for value, style in zip(values, styles):
        if isinstance(value, _CELL_FLOWABLES):
            return None
        lines = (value is not None and str(value) or "").count("\n") + 1
        tallest = max(tallest, (style.leading or 1.2 * style.fontsize) * lines + style.bottomPadding + style.topPadding)
    return tallest


_SHIFTS = {"LEFT": 0.0, "RIGHT": 1.0, "CENTRE": 0.5, "CENTER": 0.5}


def _first_baseline(style, bottom: float, height: float, lines: int) -> float:
    if style.valign == "BOTTOM":
        return bottom + style.bottomPadding + lines * style.leading - style.fontsize
    if style.valign == "TOP":
        return bottom + height - style.topPadding - style.fontsize
    return bottom + (style.bottomPadding + height - style.topPadding + lines * style.leading) / 2.0 - style.fontsize
