"""Pages laid out from blocks of plain text whose heights are known, drawn straight onto a canvas.

A statement is 4–5 pages of short texts: headings, label/value facts, the rule in words
and about 130 rows of deals and cohort accounts. reportlab's story machinery (Paragraph,
Table, KeepTogether) parses, measures and re-measures each of them and rebuilds a table at
every page break; at 2,000 statements that was most of the command's time. Here a block's
lines are wrapped once (and a wrapping remembered, since rules and intros repeat across a
run), its height is a sum, a page break is a slice of its lines or rows, and a page's text
goes out in one text object.

How blocks flow down the pages (`paginate`):

- the gap between two blocks is the larger of the upper one's space after and the lower
  one's space before; a page starts with no gap;
- a block marked `keep_with_next` (a heading, an introduction) starts on the same page as
  the beginning of the next block (`Block.head`);
- a `Group` (a section's heading, facts and rule) moves to the next page whole, unless it
  is taller than a page;
- a `Grid` breaks between rows, repeating its header rows on the next page, with at
  least one body row on each side and its last row (a total) never alone;
- a `Text` breaks between lines, with at least two lines on each side.

The look (fonts, sizes, colours, paddings) comes from `reports.styles`; the numbers of a
`Look` are those of its reportlab paragraph style, so a statement reads as it did.
"""
from __future__ import annotations

import functools
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from reports.pdf_text import SubsetCodes, measured, widths_in

FUZZ = 1e-6
"""reportlab's tolerance when deciding whether a height fits."""

SPACE_SHRINKAGE = 0.05
"""How much a line's spaces may shrink to fit one more word (reportlab's Paragraph default)."""

_SHARES = {0: 0.0, 1: 0.5, 2: 1.0}
"""reportlab's paragraph alignments (left, centre, right) as the share of the spare width set before the text."""


@dataclass(frozen=True)
class Look:
    """How a line of text is set: font, size, line spacing in points, colour, and where it sits
    in its width (`align`: 0 left, 0.5 centred, 1 right)."""

    font: str
    size: float
    leading: float
    color: Color
    align: float = 0.0

    @functools.cached_property
    def widths(self) -> dict[str, float]:
        """Texts' widths in this font and size, remembered (`widths[text]`)."""
        return widths_in(self.font, self.size)

    @classmethod
    def of(cls, style: ParagraphStyle, color: Color | None = None, leading: float | None = None) -> Look:
        return cls(style.fontName, style.fontSize, leading or style.leading, color or style.textColor,
                   _SHARES[style.alignment])


_WRAPPED: dict[tuple[str, str, float, float], tuple[str, ...]] = {}
_WRAPPED_KEPT = 20_000
"""Wrappings remembered (rules, introductions and plan names repeat across a run's statements)."""


def wrapped(text: str, look: Look, width: float) -> tuple[str, ...]:
    """The text's lines within `width` points: words separated by single spaces, as many to a line
    as fit; a word wider than the width is broken between characters (as reportlab's Paragraph
    does). No lines for blank text."""
    key = (text, look.font, look.size, width)
    lines = _WRAPPED.get(key)
    if lines is None:
        if len(_WRAPPED) >= _WRAPPED_KEPT:
            _WRAPPED.clear()
        lines = _WRAPPED[key] = tuple(_broken(text.split(), look.font, look.size, width))
    return lines


def _broken(words: list[str], font: str, size: float, width: float) -> list[str]:
    space = measured(" ", font, size)
    shrink = SPACE_SHRINKAGE * space
    lines: list[str] = []
    line: list[str] = []
    used = 0.0
    for word in words:
        word_width = measured(word, font, size)
        if word_width > width + FUZZ:
            pieces = _pieces(word, font, size, width)
            if line:
                lines.append(" ".join(line))
            lines += pieces[:-1]
            line, used = [pieces[-1]], measured(pieces[-1], font, size)
        elif line and used + space + word_width > width + shrink * len(line):
            lines.append(" ".join(line))
            line, used = [word], word_width
        else:
            used = used + space + word_width if line else word_width
            line.append(word)
    if line:
        lines.append(" ".join(line))
    return lines


def _pieces(word: str, font: str, size: float, width: float) -> list[str]:
    """A word too wide for its line, cut into pieces that fit (at least one character each)."""
    pieces, start = [], 0
    for end in range(1, len(word) + 1):
        if end - start > 1 and measured(word[start:end], font, size) > width + FUZZ:
            pieces.append(word[start:end - 1])
            start = end - 1
    pieces.append(word[start:])
    return pieces


class Ink:
    """What one page draws, in three layers so nothing covers text: bands, then text, then rules.

    Text goes into one text object as it is drawn: each line's codes in the document's first
    font subset (`SubsetCodes`), or reportlab's own encoding for a character beyond it; a font
    or colour is set only when it changes."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.bands: list[tuple[float, float, float, float, Color]] = []
        self.rules: list[tuple[float, float, float, float, Color]] = []
        self.text_object = canvas.beginText()
        self.code = self.text_object._code
        self.font: tuple[str, float, float] | None = None
        self.color: Color | None = None
        self.look: Look | None = None
        self.codes: SubsetCodes | None = None
        self.lines = 0

    def band(self, x: float, y: float, width: float, height: float, color: Color) -> None:
        self.bands.append((x, y, width, height, color))

    def text(self, x: float, y: float, line: str, look: Look, word_space: float = 0.0) -> None:
        """A line with its baseline's start at (x, y); `word_space` is added to each space (negative: shrunk)."""
        text = self.text_object
        if look is not self.look:
            self._select(look)
        self.lines += 1
        if word_space:
            text.setWordSpace(word_space)
        codes = self.codes
        shown = codes.shown(line) if codes is not None else None
        if shown is None:
            text.setTextOrigin(x, y)
            text._textOut(line)
        else:
            if text._curSubset != 0:
                self.code.append(codes.selection)
                text._curSubset = 0
            self.code.append(f"1 0 0 1 {fp_str(x, y)} Tm {shown} Tj")
        if word_space:
            text.setWordSpace(0)

    def _select(self, look: Look) -> None:
        self.look = look
        if look.color is not self.color and look.color != self.color:
            self.color = look.color
            self.text_object.setFillColor(look.color)
        selected = (look.font, look.size, look.leading)
        if selected != self.font:
            self.font = selected
            self.text_object.setFont(*selected)
            self.codes = SubsetCodes.of(selected, self.canvas)

    def rule(self, left: float, right: float, y: float, weight: float, color: Color) -> None:
        self.rules.append((weight, left, right, y, color))

    def write(self) -> None:
        """Put the page's operators on the canvas (reportlab keeps the fonts' subsets and resources)."""
        code = self.canvas._code
        if self.bands:
            code.append("q")
            for x, y, width, height, color in self.bands:
                code.append(f"{_rgb(color)} rg {fp_str(x, y, width, height)} re f")
            code.append("Q")
        if self.lines:
            self.canvas.drawText(self.text_object)
        if self.rules:
            code.append("q 1 J 1 j")
            stroke = weight = None
            for rule_weight, left, right, y, color in sorted(self.rules, key=lambda rule: rule[0]):
                if color != stroke:
                    stroke = color
                    code.append(f"{_rgb(color)} RG")
                if rule_weight != weight:
                    weight = rule_weight
                    code.append(f"{fp_str(rule_weight)} w")
                code.append(f"{fp_str(left, y)} m {fp_str(right, y)} l S")
            code.append("Q")


def _rgb(color: Color) -> str:
    return fp_str(color.red, color.green, color.blue)


class Block:
    """A piece of a page: its height, the space it wants around it, how it breaks and draws."""

    height = 0.0
    space_before = 0.0
    space_after = 0.0
    keep_with_next = False

    def head(self) -> float:
        """The least of the block that may end a page: all of it, unless it breaks."""
        return self.height

    def split(self, room: float) -> tuple[Block, Block] | None:
        """The block broken into a part at most `room` high and the rest; None if it cannot be."""
        return None

    def draw(self, ink: Ink, x: float, top: float) -> None:
        """Draw with the top-left corner at (x, top)."""


class Space(Block):
    """Empty height (reportlab's Spacer): kept at the top of a page too."""

    def __init__(self, height: float) -> None:
        self.height = height


class Text(Block):
    """A paragraph of one style: wrapped to the width less the style's indents, with the style's
    spaces, background band (drawn `borderPadding` beyond the text) and keep-with-next."""

    def __init__(self, text: str, style: ParagraphStyle, width: float, lines: tuple[str, ...] | None = None,
                 keep_with_next: bool | None = None) -> None:
        self.style, self.width, self.look = style, width, Look.of(style)
        self.room = width - style.leftIndent - style.rightIndent
        self.lines = wrapped(text, self.look, self.room) if lines is None else lines
        self.height = len(self.lines) * style.leading
        self.space_before, self.space_after = style.spaceBefore, style.spaceAfter
        self.keep_with_next = bool(getattr(style, "keepWithNext", 0)) if keep_with_next is None else keep_with_next

    def head(self) -> float:
        return min(self.height, 2 * self.style.leading)

    def split(self, room: float) -> tuple[Block, Block] | None:
        fitting = int((room + FUZZ) // self.style.leading)
        if fitting < 2 or len(self.lines) - fitting < 2:
            return None
        first = Text("", self.style, self.width, self.lines[:fitting])
        rest = Text("", self.style, self.width, self.lines[fitting:])
        first.space_after = rest.space_before = 0.0
        first.keep_with_next = False
        return first, rest

    def draw(self, ink: Ink, x: float, top: float) -> None:
        style, look = self.style, self.look
        if style.backColor is not None:
            above, right, below, left = _padding(style.borderPadding)
            ink.band(x + style.leftIndent - left, top - self.height - below, self.room + left + right,
                     self.height + above + below, style.backColor)
        y = top - style.fontSize
        for line in self.lines:
            spare = self.room - measured(line, look.font, look.size)
            if spare < -FUZZ and " " in line:  # a line set with its spaces shrunk
                ink.text(x + style.leftIndent, y, line, look, spare / line.count(" "))
            else:
                ink.text(x + style.leftIndent + look.align * max(spare, 0.0), y, line, look)
            y -= style.leading


def _padding(padding: float | Sequence[float]) -> tuple[float, float, float, float]:
    """reportlab's borderPadding as (top, right, bottom, left)."""
    if isinstance(padding, (int, float)):
        return (padding,) * 4
    values = tuple(padding)
    return {1: values * 4, 2: values * 2, 3: (*values, values[1])}.get(len(values), values)  # type: ignore[return-value]


Rule = tuple[float, Color]
"""A horizontal rule: weight in points, colour."""


Cell = tuple[tuple[str, ...], Look]
"""A cell: its lines (none when it is empty) and how they are set. A plain tuple: a long statement has
3,500 cells, and building a named one costs a Python call each."""


class Row(NamedTuple):
    """A row of cells, one per column; an optional background band and rules above and below."""

    cells: tuple[Cell, ...]
    band: Color | None = None
    rule_above: Rule | None = None
    rule_below: Rule | None = None


@dataclass(frozen=True)
class Padding:
    left: float
    right: float
    top: float
    bottom: float


class Grid(Block):
    """Rows of cells in columns of fixed widths (reportlab's Table, for plain text): a row is as high
    as its tallest cell's lines × leading plus the padding; text sits at the top, the bottom or
    the middle of its row (`valign`); `header` rows are repeated after a page break; with
    `last_kept` the last row (a total) never starts a page alone."""

    def __init__(self, rows: Sequence[Row], widths: Sequence[float], padding: Padding, valign: str = "TOP",
                 header: int = 0, last_kept: bool = False, heights: list[float] | None = None) -> None:
        """`heights`, when given, are the rows' heights as `row_height` gives them (a caller that
        knows its rows are one line each need not have them measured again)."""
        self.rows, self.widths, self.padding, self.valign = list(rows), list(widths), padding, valign
        self.header, self.last_kept = header, last_kept
        self.heights = [row_height(row, padding) for row in self.rows] if heights is None else heights
        self.height = sum(self.heights)

    def _part(self, indexes: list[int]) -> Grid:
        part = Grid.__new__(Grid)
        part.__dict__.update(self.__dict__)
        part.rows = [self.rows[index] for index in indexes]
        part.heights = [self.heights[index] for index in indexes]
        part.height = sum(part.heights)
        return part

    def head(self) -> float:
        return sum(self.heights[:self.header + 1 + (self.last_kept and len(self.rows) == self.header + 2)])

    def split(self, room: float) -> tuple[Block, Block] | None:
        used, fitting = sum(self.heights[:self.header]), 0
        for height in self.heights[self.header:]:
            if used + height > room + FUZZ:
                break
            used += height
            fitting += 1
        body = len(self.rows) - self.header
        if self.last_kept and fitting == body - 1:
            fitting -= 1
        if fitting < 1 or fitting >= body:
            return None
        header = list(range(self.header))
        cut = self.header + fitting
        return self._part(header + list(range(self.header, cut))), self._part(header + list(range(cut, len(self.rows))))

    def draw(self, ink: Ink, x: float, top: float) -> None:
        padding, valign, right, text = self.padding, self.valign, x + sum(self.widths), ink.text
        columns, left = [], x
        for width in self.widths:  # each column's text start and room, as reportlab's Table adds them up
            columns.append((left + padding.left, width - padding.left - padding.right))
            left += width
        for row, height in zip(self.rows, self.heights):
            bottom = top - height
            if row.band is not None:
                ink.band(x, bottom, right - x, height, row.band)
            if row.rule_above is not None:
                ink.rule(x, right, top, *row.rule_above)
            if row.rule_below is not None:
                ink.rule(x, right, bottom, *row.rule_below)
            for (lines, look), (start, room) in zip(row.cells, columns):
                if not lines:
                    continue
                y = _first_baseline(valign, bottom, height, padding, len(lines), look)
                align = look.align
                for line in lines:
                    text(start + align * (room - look.widths[line]) if align else start, y, line, look)
                    y -= look.leading
            top = bottom


def row_height(row: Row, padding: Padding) -> float:
    """A row's height: its tallest cell's lines (at least one) × their leading, plus the padding."""
    return max(max(len(lines), 1) * look.leading for lines, look in row.cells) + padding.top + padding.bottom


def _first_baseline(valign: str, bottom: float, height: float, padding: Padding, lines: int, look: Look) -> float:
    """reportlab's baseline of a cell's first line (Table._drawCell)."""
    if valign == "TOP":
        return bottom + height - padding.top - look.size
    if valign == "BOTTOM":
        return bottom + padding.bottom + lines * look.leading - look.size
    return bottom + (padding.bottom + height - padding.top + lines * look.leading) / 2.0 - look.size


class Group(Block):
    """Blocks kept on one page (reportlab's KeepTogether), unless together they are taller than a page."""

    def __init__(self, blocks: Sequence[Block]) -> None:
        self.blocks = list(blocks)
        self.height = stacked_height(self.blocks)
        self.space_before, self.space_after = self.blocks[0].space_before, self.blocks[-1].space_after
        self.keep_with_next = self.blocks[-1].keep_with_next


def stacked_height(blocks: Sequence[Block]) -> float:
    """The height of blocks placed one under the other on one page, from the first's top to the last's bottom."""
    height, after = 0.0, None
    for block in blocks:
        if after is not None:
            height += after + max(block.space_before - after, 0.0)
        height += block.height
        after = block.space_after
    return height


Page = list[tuple[Block, float]]
"""The blocks of a page with the height of each one's top above the frame's bottom."""


def paginate(blocks: Sequence[Block], frame_height: float) -> list[Page]:
    """Place the blocks on pages whose frame is `frame_height` points high (the rules above)."""
    pages: list[Page] = [[]]
    queue = deque(blocks)
    y, after, at_top = frame_height, 0.0, True
    while queue:
        block = queue.popleft()
        gap = 0.0 if at_top else max(block.space_before - after, 0.0)
        room = y - gap
        need = _kept_height(block, queue)
        if need <= room + FUZZ or (at_top and block.height <= room + FUZZ and not isinstance(block, Group)):
            if isinstance(block, Group):
                queue.extendleft(reversed(block.blocks))
                continue
            pages[-1].append((block, y - gap))
            y -= gap + block.height + block.space_after
            after, at_top = block.space_after, False
            continue
        parts = block.split(room) if not block.keep_with_next else None
        if parts is not None:
            first, rest = parts
            pages[-1].append((first, y - gap))
            queue.appendleft(rest)
        elif at_top:
            if isinstance(block, Group):
                queue.extendleft(reversed(block.blocks))
                continue
            pages[-1].append((block, y))  # taller than a page and unbreakable: it runs over the margin
        else:
            queue.appendleft(block)
        pages.append([])
        y, after, at_top = frame_height, 0.0, True
    return [page for page in pages if page] or [[]]


def _kept_height(block: Block, queue: deque[Block]) -> float:
    """The height the block needs on this page: itself and, while it is kept with the next, the next,
    down to the head of the first block not kept with its next (a heading, its introduction and
    the first rows of its table move together)."""
    height, above = block.height, block
    for following in queue:
        if not above.keep_with_next:
            break
        height += above.space_after + max(following.space_before - above.space_after, 0.0)
        height += following.height if following.keep_with_next else following.head()
        above = following
    return height


def draw_pages(canvas: Canvas, pages: list[Page], left: float, bottom: float,
               footer: Callable[[Canvas, int, int], None]) -> None:
    """Draw the pages, the frame's bottom-left corner at (left, bottom), each with its footer
    `footer(canvas, page number, page count)`."""
    for number, page in enumerate(pages, start=1):
        ink = Ink(canvas)
        for block, top in page:
            block.draw(ink, left, bottom + top)
        ink.write()
        footer(canvas, number, len(pages))
        canvas.showPage()
