"""The growth review as a PDF: the page's figures and key results, for the heads' meeting."""
from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.platypus import Flowable, Paragraph

from reports.styles import CELL, HEADING, INTRO, SUBTITLE, TITLE, content_width, grid, register_fonts, render, text


def growth_pdf(review, generated: date, pagesize: str = "a4") -> bytes:  # noqa: ANN001
    register_fonts()
    width = content_width(pagesize)
    cycle = review.cycle
    mid = f", beside week 6 ({review.midpoint.isoformat()})" if review.shows_mid else ""
    story: list[Flowable] = [
        Paragraph(f"Cadence · Growth review · {cycle.name}", TITLE),
        text(f"Measured on {review.measured_on.isoformat()}{mid} from the imported deals · generated "
             f"{generated.isoformat()}", SUBTITLE),
    ]
    for column in review.columns + [review.company]:
        story += [Paragraph(column.title, HEADING), text(column.scope_note, INTRO)]
        rows: list[list[Any]] = [["Figure", "Now"] + (["Week 6"] if review.shows_mid else []) + ["How"]]
        for figure in column.figures:
            rows.append([text(figure.label, CELL), figure.now] + ([figure.mid or "–"] if review.shows_mid else [])
                        + [text(figure.explanation, CELL)])
        widths = (0.22, 0.12, 0.12, 0.54) if review.shows_mid else (0.24, 0.14, 0.62)
        if column.figures:
            story.append(grid(rows, [width * f for f in widths], numeric_from=len(rows[0])))
        krs: list[list[Any]] = [["Key result", "Value", "Progress", "Vanity risk"]]
        krs += [[text(kr.title, CELL), text(kr.value_label, CELL), kr.progress_label, "yes" if kr.vanity_risk else ""]
                for kr in column.key_results]
        if column.key_results:
            story.append(grid(krs, [width * f for f in (0.5, 0.22, 0.14, 0.14)], numeric_from=2))
    return render(story, f"Growth review {cycle.name}", f"Growth review · {cycle.name}", pagesize)
