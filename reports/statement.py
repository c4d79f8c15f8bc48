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

from reports.page_layout import Block, Grid, Group, Look, Padding, Row, Space, Text, wrapped
from reports.statement_view import Section, StatementView, statement_view
from reports.styles import (ACCENT, AMOUNT, AMOUNT_NEGATIVE, BAND, BOLD, CELL, HEADING, INTRO, NEGATIVE, RULE_TEXT,
                            SECTION, SMALL, SUBTITLE, TITLE, content_width, facts_block, grid_block, register_fonts,
                            render_blocks)

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
    return render_blocks(statement_blocks(view, pagesize), f"Payout statement {view.period} {view.name}", footer,
                         pagesize)


def statement_pdfs(details: list[dict[str, Any]], generated: date, pagesize: str = "a4") -> list[bytes]:
    """Several statements' PDFs, in order (one task for a worker process)."""
    return [statement_pdf(detail, generated, pagesize) for detail in details]


def statement_blocks(view: StatementView, pagesize: str = "a4") -> list[Block]:
    """The statement's pages as blocks (`reports.page_layout`), top to bottom."""
    register_fonts()
    width = content_width(pagesize)
    blocks: list[Block] = [
        Text("Cadence · Payout statement", TITLE, width),
        Text(f"{view.name} · {view.period} · all amounts in {view.currency}", SUBTITLE, width),
        facts_block(view.header, width, columns=2, label_share=0.3),
        *[Text(said, INTRO, width) for said in view.explanations],
        Text("Summary", HEADING, width),
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
        blocks.append(Text(heading, HEADING, width))
        if intro:
            blocks.append(Text(intro, INTRO, width))
        for section in sections:
            blocks += _section(section, width)
    blocks += [Space(4 * mm), _total_box(view, width)]
    if view.appendix:
        blocks.append(Text("Appendix: the cohorts of the book metrics", HEADING, width))
        blocks.append(Text("Every account of each long cohort, with the rep's share and the account's ARR on the "
                           "window's first and last day; the totals are the metric's numerator and denominator.",
                           INTRO, width))
        for section in view.appendix:
            blocks += [Text(heading_text(section), SECTION, width, keep_with_next=True), _cohort(section, width)]
    return blocks


def _summary(view: StatementView, width: float) -> Grid:
    widths = [width * share for share in (0.34, 0.17, 0.17, 0.14, 0.18)]
    rows: list[list[str]] = [["Line", "Credited", "Quota", "Attainment", f"Payout ({view.currency})"]]
    rows += [[row.line, row.credited, row.quota, row.attainment, row.amount] for row in view.summary]
    rows.append(["Total", "", "", "", view.total])
    negatives = [index + 1 for index, row in enumerate(view.summary) if row.negative]
    if view.total_negative:
        negatives.append(len(rows) - 1)
    return grid_block(rows, widths, numeric_from=1, total_row=True, negative_rows=negatives)


_BOX = Padding(left=6, right=6, top=5, bottom=5)
_HEADING_ROW = Padding(left=0, right=0, top=3, bottom=3)


def _total_box(view: StatementView, width: float) -> Grid:
    """The total on a band: the label on the left, the amount large and bold on the right."""
    label = "Total for the period" + (" (negative: the clawbacks exceed this quarter's earnings)"
                                      if view.total_negative else "")
    widths = [width * 0.7, width * 0.3]
    label_look = Look.of(CELL)
    amount_look = Look(BOLD, 12, 12 * 1.2, NEGATIVE if view.total_negative else ACCENT, align=1.0)
    row = Row(((wrapped(label, label_look, widths[0] - _BOX.left - _BOX.right), label_look),
               ((f"{view.currency} {view.total}",), amount_look)), band=BAND)
    return Grid([row], widths, _BOX, valign="MIDDLE")


def _section(section: Section, width: float) -> list[Block]:
    """A line explained: its heading and amount over a rule, its facts and rule in words (kept on
    one page), then its cohort, deals or clawed-back parts."""
    widths = [width * 0.75, width * 0.25]
    heading_look = Look.of(SECTION)
    amount_look = Look.of(AMOUNT_NEGATIVE if section.negative else AMOUNT)
    heading = Grid([Row(((wrapped(heading_text(section), heading_look, widths[0]), heading_look),
                         (wrapped(section.amount, amount_look, widths[1]), amount_look)),
                        rule_below=(0.8, ACCENT))], widths, _HEADING_ROW, valign="BOTTOM")
    head: list[Block] = [Space(3 * mm), heading, Space(1.5 * mm), facts_block(section.facts, width),
                         Text(f"Rule: {section.rule}", RULE_TEXT, width)]
    if section.note:
        head.append(Text(section.note, SMALL, width))
    if section.cohort_in_appendix:
        head.append(Text(f"The {len(section.cohort)} accounts of the cohort are listed in the appendix.", SMALL,
                         width))
    blocks: list[Block] = [Group(head)]
    if section.cohort and not section.cohort_in_appendix:
        blocks.append(_cohort(section, width))
    if section.deals:
        blocks.append(_deals(section, width))
    if section.parts:
        blocks.append(_parts(section, width))
    return blocks


def _deals(section: Section, width: float) -> Grid:
    widths = [width * share for share in (0.19, 0.15, 0.12, 0.13, 0.15, 0.11, 0.15)]
    rows: list[list[str]] = [DEAL_HEADER]
    rows += [[deal.deal_id, deal.account_id, deal.type, deal.close_date, deal.amount, deal.share, deal.credited]
             for deal in section.deals]
    rows.append([f"{len(section.deals)} deal{'s' if len(section.deals) != 1 else ''}", "", "", "", "", "Credited",
                 section.deals_total])
    negatives = [index + 1 for index, deal in enumerate(section.deals) if deal.negative]
    return grid_block(rows, widths, numeric_from=4, total_row=True, negative_rows=negatives)


def _cohort(section: Section, width: float) -> Grid:
    widths = [width * share for share in (0.22, 0.1, 0.17, 0.17, 0.17, 0.17)]
    rows: list[list[str]] = [COHORT_HEADER]
    rows += [[row.account_id, row.share, row.arr_start, row.arr_end, row.weighted_start, row.weighted_end]
             for row in section.cohort]
    rows.append([f"{len(section.cohort)} account{'s' if len(section.cohort) != 1 else ''}", "", "", "Sum",
                 *section.cohort_total])
    return grid_block(rows, widths, numeric_from=1, total_row=True)


def _parts(section: Section, width: float) -> Grid:
    widths = [width * share for share in (0.24, 0.19, 0.19, 0.19, 0.19)]
    rows: list[list[str]] = [[title.format(period=section.parts_period) for title in PART_HEADER]]
    rows += [[part.component, part.component_payout, part.deal_credited, part.total_credited, part.earned]
             for part in section.parts]
    return grid_block(rows, widths, numeric_from=1)


def heading_text(section: Section) -> str:
    """A section's heading: "New business — quota component · new_business" (the plan key when it has one)."""
    return f"{section.title} — {section.subtitle}" + (f" · {section.key}" if section.key else "")
