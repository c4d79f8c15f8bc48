"""Text on a PDF page, made cheap: the widths of texts and their codes in a document's font subset.

Both are asked for every cell of every statement (about 1,500 a statement), so both are remembered:
widths per font and size across a run (amounts, dates and words repeat down a column and over the
statements), codes per document (the codes of a character depend on the order in which the document
first used it). `SubsetCodes` encodes a line with one `str.translate` instead of reportlab's
character-by-character loop, asking reportlab (`TTFont.splitString`, in the text's order) only for
characters the document has not used yet, so the codes given out are the ones reportlab would give.
"""
from __future__ import annotations

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont


class _Unassigned(Exception):
    """A character the document's font subsets do not hold yet (raised inside str.translate)."""


class _Codes(dict):
    def __missing__(self, code: int) -> None:
        raise _Unassigned


class SubsetCodes:
    """One document's codes for one TrueType font's first subset, as a translate table (shared by
    the font's sizes: the codes are the face's)."""

    def __init__(self, font, canvas, size: float, leading: float) -> None:  # noqa: ANN001 (reportlab objects)
        self.font, self.doc = font, canvas._doc
        self.table = canvas.__dict__.setdefault("_cadence_subset_tables", {}).setdefault(font.fontName, _Codes())
        self.escape, self.strings = canvas._escape, {}
        self.selection = f"{font.getSubsetInternalName(0, self.doc)} {fp_str(size)} Tf {fp_str(leading)} TL"

    @classmethod
    def of(cls, font: tuple, canvas) -> SubsetCodes | None:  # noqa: ANN001
        """The codes of (name, size, leading) in the canvas's document; None for a font
        that is not a subsetted TrueType font (reportlab encodes those itself)."""
        name, size, leading = font
        face = getFont(name)
        if not getattr(face, "_dynamicFont", False) or getattr(face, "shapable", False):
            return None
        cache = canvas.__dict__.setdefault("_cadence_subset_codes", {})
        if font not in cache:
            cache[font] = cls(face, canvas, size, leading)
        return cache[font]

    def shown(self, line: str) -> str | None:
        """The line as a PDF string in subset 0, `(...)`, remembered for the document (shares, dates
        and deal types repeat down a table); None when a character falls in another subset."""
        string = self.strings.get(line)
        if string is None:
            encoded = self.encoded(line)
            if encoded is None:
                return None
            string = self.strings[line] = f"({self.escape(encoded)})"
        return string

    def encoded(self, line: str) -> bytes | None:
        """The line's bytes in subset 0; None when a character falls in another subset."""
        try:
            return line.translate(self.table).encode("latin-1")
        except _Unassigned:
            pass
        for character in dict.fromkeys(line):
            if ord(character) not in self.table:
                chunks = self.font.splitString(character, self.doc)
                if len(chunks) == 1 and chunks[0][0] == 0 and len(chunks[0][1]) == 1:
                    self.table[ord(character)] = chunks[0][1][0]
        try:
            return line.translate(self.table).encode("latin-1")
        except _Unassigned:
            return None


class _Widths(dict):
    """Texts' widths in one font and size, measured by reportlab on first use (`widths[text]`)."""

    def __init__(self, font: str, size: float) -> None:
        super().__init__()
        self.measure, self.size = getFont(font).stringWidth, size

    def __missing__(self, text: str) -> float:
        if len(self) >= _WIDTHS_KEPT:
            self.clear()
        width = self[text] = self.measure(text, self.size)
        return width


_WIDTHS: dict[tuple[str, float], _Widths] = {}
_WIDTHS_KEPT = 50_000
"""Widths measured, per font and size, for at most this many texts (a few MB)."""


def widths_in(font: str, size: float) -> _Widths:
    """The remembered widths of texts in this font and size, indexed by text: amounts, shares, dates
    and words repeat down a column and over a run's statements, and reportlab's measure is the
    costliest step of placing a right-aligned line. A table to index, not a function to call: a
    long statement measures 2,500 cells."""
    widths = _WIDTHS.get((font, size))
    if widths is None:
        widths = _WIDTHS[(font, size)] = _Widths(font, size)
    return widths


def measured(text: str, font: str, size: float) -> float:
    """The text's width in points in this font and size (reportlab's stringWidth), remembered."""
    return widths_in(font, size)[text]
