"""Two small charts drawn the same way on a page (SVG) and in a PDF (reportlab): bars and a scatter.

A chart is laid out once (`Layout`: points in a width x height box, origin top-left), then
written as SVG text for the web or as a reportlab Drawing for a PDF, so both show the same
picture. Values arrive as floats only for drawing; every figure printed beside a chart is
formatted from the exact numbers by its caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from reportlab.graphics.shapes import Circle, Drawing, Line, Rect, String
from reportlab.lib import colors

PALETTE = ("#1d4f91", "#c2410c", "#15803d", "#7c3aed", "#0f766e")
INK, MUTED, RULE = "#1f2933", "#5f6b7a", "#c9d1db"


@dataclass
class Layout:
    width: float
    height: float
    rects: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    dots: list[tuple[float, float, float, str, str]] = field(default_factory=list)  # x, y, r, colour, title
    lines: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    labels: list[tuple[float, float, str, str, str, float]] = field(default_factory=list)  # x, y, text, anchor, colour, size

    def svg(self, title: str) -> str:
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
                 f'role="img" aria-label="{escape(title)}" class="chart"><title>{escape(title)}</title>']
        parts += [f'<line x1="{a:.1f}" y1="{b:.1f}" x2="{c:.1f}" y2="{d:.1f}" stroke="{colour}"/>'
                  for a, b, c, d, colour in self.lines]
        parts += [f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{colour}"/>'
                  for x, y, w, h, colour in self.rects]
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}" fill-opacity="0.8">'
                  f'<title>{escape(tip)}</title></circle>' for x, y, r, colour, tip in self.dots]
        parts += [f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" fill="{colour}" font-size="{size:.0f}">'
                  f'{escape(value)}</text>' for x, y, value, anchor, colour, size in self.labels]
        return "".join(parts) + "</svg>"

    def drawing(self) -> Drawing:
        drawing = Drawing(self.width, self.height)
        flip = self.height
        for a, b, c, d, colour in self.lines:
            drawing.add(Line(a, flip - b, c, flip - d, strokeColor=colors.HexColor(colour), strokeWidth=0.5))
        for x, y, w, h, colour in self.rects:
            drawing.add(Rect(x, flip - y - h, w, h, fillColor=colors.HexColor(colour), strokeColor=None))
        for x, y, r, colour, _ in self.dots:
            drawing.add(Circle(x, flip - y, r, fillColor=colors.HexColor(colour), strokeColor=None))
        anchors = {"start": "start", "middle": "middle", "end": "end"}
        for x, y, value, anchor, colour, size in self.labels:
            drawing.add(String(x, flip - y, value, textAnchor=anchors[anchor], fontSize=size,
                               fillColor=colors.HexColor(colour)))
        return drawing


def bars(groups: list[str], series: list[tuple[str, list[float]]], width: float = 520, height: float = 220,
         value_label=str) -> Layout:  # noqa: ANN001
    """Grouped bars: one group per label (e.g. a quarter), one bar per series (e.g. a plan)."""
    layout = Layout(width, height)
    left, right, top, bottom = 60, 10, 24, 30
    top_value = max([v for _, values in series for v in values] + [1.0])
    plot_w, plot_h = width - left - right, height - top - bottom
    layout.lines.append((left, top + plot_h, width - right, top + plot_h, RULE))
    for step in range(5):
        value = top_value * step / 4
        y = top + plot_h - plot_h * step / 4
        layout.lines.append((left, y, width - right, y, RULE))
        layout.labels.append((left - 4, y + 3, value_label(value), "end", MUTED, 9))
    group_w = plot_w / max(1, len(groups))
    bar_w = group_w * 0.8 / max(1, len(series))
    for g, name in enumerate(groups):
        layout.labels.append((left + group_w * (g + 0.5), height - 12, name, "middle", INK, 9))
        for s, (_, values) in enumerate(series):
            h = plot_h * values[g] / top_value if top_value else 0
            x = left + group_w * g + group_w * 0.1 + bar_w * s
            layout.rects.append((x, top + plot_h - h, bar_w * 0.92, h, PALETTE[s % len(PALETTE)]))
    _legend(layout, [name for name, _ in series], left)
    return layout


def scatter(series: list[tuple[str, list[tuple[float, float, str]]]], width: float = 520, height: float = 260,
            x_label: str = "", y_label: str = "", x_format=str, y_format=str) -> Layout:  # noqa: ANN001
    """Dots per series: (x, y, tooltip). The y axis runs from the lowest value (at most 0.5) to 1."""
    layout = Layout(width, height)
    left, right, top, bottom = 60, 14, 24, 40
    xs = [x for _, points in series for x, _, _ in points] or [1.0]
    ys = [y for _, points in series for _, y, _ in points] or [1.0]
    x_max, y_min, y_max = max(xs + [1.0]), min(ys + [0.5]), max(ys + [1.0])
    plot_w, plot_h = width - left - right, height - top - bottom
    for step in range(5):
        y_value = y_min + (y_max - y_min) * step / 4
        y = top + plot_h - plot_h * step / 4
        layout.lines.append((left, y, width - right, y, RULE))
        layout.labels.append((left - 4, y + 3, y_format(y_value), "end", MUTED, 9))
        x_value = x_max * step / 4
        layout.labels.append((left + plot_w * step / 4, top + plot_h + 14, x_format(x_value), "middle", MUTED, 9))
    layout.labels.append((left + plot_w / 2, height - 6, x_label, "middle", INK, 9))
    layout.labels.append((left, top - 8, y_label, "start", INK, 9))
    for s, (_, points) in enumerate(series):
        for x, y, tip in points:
            px = left + plot_w * x / x_max
            py = top + plot_h - plot_h * ((y - y_min) / (y_max - y_min) if y_max > y_min else 0.5)
            layout.dots.append((px, py, 4, PALETTE[s % len(PALETTE)], tip))
    _legend(layout, [name for name, _ in series], width / 2)
    return layout


def _legend(layout: Layout, names: list[str], left: float) -> None:
    x = left
    for index, name in enumerate(names):
        layout.rects.append((x, 6, 8, 8, PALETTE[index % len(PALETTE)]))
        layout.labels.append((x + 11, 13, name, "start", INK, 9))
        x += 16 + 6 * len(name)
