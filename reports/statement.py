"""A rep's payout statement as a PDF, rendered from the stored statement dict.

The pages follow `reports.statement_view`: the header, a summary of every line, then
each component with its rule in words and the deals behind it, each modifier with
its metric and band, each clawback with the original deal and dates, each adjustment
to an approved quarter, and the total,
which is the sum of the printed lines. Long deal lists flow onto further pages with
their column headers repeated.
"""
from __future__ import annotations

from datetime import date
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, TableStyle

from reports.plain_cells import PlainCellTable as Table
from reports.statement_view import Section, StatementView, statement_view
from reports.styles import (ACCENT, AMOUNT, AMOUNT_NEGATIVE, BAND, BOLD, CELL, HEADING, INTRO, NEGATIVE, RULE_TEXT,
                            SECTION, SMALL, SUBTITLE, TITLE, cell, content_width, facts_table, grid, register_fonts,
                            render, text)

DRAW_INTRO = ("A draw pays at least the draw each quarter. A recoverable draw's advances are owed back and "
              "recovered from what you earn above the draw in later quarters; a non-recoverable one is never "
              "paid back.")
DEAL_HEADER = ["Deal", "Account", "Type", "Close date", "Amount", "Share", "Credited"]
PART_HEADER = ["Component", "Line paid in {period}", "Deal credited", "Total credited", "Earned by the deal"]
COHORT_HEADER = ["Account", "Share", "ARR at start", "ARR at end", "Share × start", "Share × end"]


def statement_pdf(detail: dict[str, Any], generated: date, pagesize: str = "a4") -> bytes:
    """The statement's PDF bytes. Raises StatementInconsistent if its lines do not add
    up to its total (a statement that does not add up is never printed)."""
    view = statement_view(detail, generated)
    footer = f"Payout statement · {view.name} ({view.rep_id}) · {view.period} · confidential"
    return render(statement_flowables(view, pagesize), f"Payout statement {view.period} {view.name}", footer, pagesize)


def statement_pdfs(details: list[dict[str, Any]], generated: date, pagesize: str = "a4") -> list[bytes]:
    """Several statements' PDFs, in order (one task for a worker process)."""
    return [statement_pdf(detail, generated, pagesize) for detail in details]


def statement_flowables(view: StatementView, pagesize: str = "a4") -> list[Flowable]:
    register_fonts()
    width = content_width(pagesize)
    story: list[Flowable] = [
        Paragraph("Cadence · Payout statement", TITLE),
        text(f"{view.name} · {view.period} · all amounts in {view.currency}", SUBTITLE),
        facts_table(view.header, width, columns=2, label_share=0.3),
        *[text(said, INTRO) for said in view.explanations],
        Paragraph("Summary", HEADING),
        _summary(view, width),
        _total_box(view, width),
    ]
    for heading, intro, sections in (
            ("Components", None, view.components),
            ("Modifiers", "A modifier multiplies the sum of the component lines printed above by the multiplier "
                          "of the band the metric falls in; the line is (multiplier − 1) × that sum.", view.modifiers),
            ("Clawbacks", "A customer that churns soon after its new deal closed takes back part of what that "
                          "deal earned, in the quarter of the churn: the deal's share of the line each component "
                          "paid in the deal's own quarter, as printed on that quarter's statement.", view.clawbacks),
            ("Adjustments", "An approved quarter never changes; when its inputs are corrected later, the "
                            "difference is paid (or taken back) here, line by line.", view.adjustments),
            ("Draw", DRAW_INTRO, view.draws)):
        if not sections:
            continue
        story.append(Paragraph(heading, HEADING))
        if intro:
            story.append(text(intro, INTRO))
        for section in sections:
            story += _section(section, width)
    story += [Spacer(1, 4 * mm), _total_box(view, width)]
    if view.appendix:
        story.append(Paragraph("Appendix: the cohorts of the book metrics", HEADING))
        story.append(text("Every account of each long cohort, with the rep's share and the account's ARR on the "
                          "window's first and last day; the totals are the metric's numerator and denominator.", INTRO))
        for section in view.appendix:
            story += [Paragraph(heading_text(section), SECTION), _cohort(section, width)]
    return story


def _summary(view: StatementView, width: float) -> Table:
    widths = [width * share for share in (0.34, 0.17, 0.17, 0.14, 0.18)]
    rows: list[list[Any]] = [["Line", "Credited", "Quota", "Attainment", f"Payout ({view.currency})"]]
    rows += [[cell(row.line, widths[0]), row.credited, row.quota, row.attainment, row.amount] for row in view.summary]
    rows.append(["Total", "", "", "", view.total])
    negatives = [index + 1 for index, row in enumerate(view.summary) if row.negative]
    if view.total_negative:
        negatives.append(len(rows) - 1)
    return grid(rows, widths, numeric_from=1, total_row=True, negative_rows=negatives)


def _total_box(view: StatementView, width: float) -> Table:
    label = "Total for the period" + (" (negative: the clawbacks exceed this quarter's earnings)"
                                      if view.total_negative else "")
    table = Table([[text(label, CELL), f"{view.currency} {view.total}"]], colWidths=[width * 0.7, width * 0.3])
    table.setStyle(TableStyle([
        ("FONT", (1, 0), (1, 0), BOLD, 12),
        ("TEXTCOLOR", (1, 0), (1, 0), NEGATIVE if view.total_negative else ACCENT),
        ("ALIGN", (1, 0), (1, 0), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, -1), BAND),
        ("TOPPADDING", (0, 0), (-1, -1), 5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
    ]))
    return table


def _section(section: Section, width: float) -> list[Flowable]:
    amount_style = AMOUNT_NEGATIVE if section.negative else AMOUNT
    heading = Table([[text(heading_text(section), SECTION), text(section.amount, amount_style)]],
                    colWidths=[width * 0.75, width * 0.25])
    heading.setStyle(TableStyle([
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ]))
    head: list[Flowable] = [Spacer(1, 3 * mm), heading, Spacer(1, 1.5 * mm), facts_table(section.facts, width),
                            text(f"Rule: {section.rule}", RULE_TEXT)]
    if section.note:
        head.append(text(section.note, SMALL))
    if section.cohort_in_appendix:
        head.append(text(f"The {len(section.cohort)} accounts of the cohort are listed in the appendix.", SMALL))
    flowables: list[Flowable] = [KeepTogether(head)]
    if section.cohort and not section.cohort_in_appendix:
        flowables.append(_cohort(section, width))
    if section.deals:
        flowables.append(_deals(section, width))
    if section.parts:
        flowables.append(_parts(section, width))
    return flowables


def _deals(section: Section, width: float) -> Table:
    widths = [width * share for share in (0.19, 0.15, 0.12, 0.13, 0.15, 0.11, 0.15)]
    rows: list[list[Any]] = [DEAL_HEADER]
    rows += [[cell(deal.deal_id, widths[0]), cell(deal.account_id, widths[1]), deal.type, deal.close_date,
              deal.amount, deal.share, deal.credited] for deal in section.deals]
    rows.append([f"{len(section.deals)} deal{'s' if len(section.deals) != 1 else ''}", "", "", "", "", "Credited",
                 section.deals_total])
    negatives = [index + 1 for index, deal in enumerate(section.deals) if deal.negative]
    return grid(rows, widths, numeric_from=4, total_row=True, negative_rows=negatives)


def _cohort(section: Section, width: float) -> Table:
    widths = [width * share for share in (0.22, 0.1, 0.17, 0.17, 0.17, 0.17)]
    rows: list[list[Any]] = [COHORT_HEADER]
    rows += [[cell(row.account_id, widths[0]), row.share, row.arr_start, row.arr_end, row.weighted_start,
              row.weighted_end] for row in section.cohort]
    rows.append([f"{len(section.cohort)} account{'s' if len(section.cohort) != 1 else ''}", "", "", "Sum",
                 *section.cohort_total])
    return grid(rows, widths, numeric_from=1, total_row=True)


def _parts(section: Section, width: float) -> Table:
    widths = [width * share for share in (0.24, 0.19, 0.19, 0.19, 0.19)]
    rows: list[list[Any]] = [[title.format(period=section.parts_period) for title in PART_HEADER]]
    rows += [[cell(part.component, widths[0]), part.component_payout, part.deal_credited, part.total_credited,
              part.earned] for part in section.parts]
    return grid(rows, widths, numeric_from=1)


def heading_text(section: Section) -> str:
    """A section's heading: "New business — quota component · new_business" (the plan key when it has one)."""
    return f"{section.title} — {section.subtitle}" + (f" · {section.key}" if section.key else "")
