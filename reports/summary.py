"""The finance summary PDF: one run's cost, by currency, plan, manager and component.

It answers the questions finance asks before approving a run: how much do we pay,
in which currency, what share of the ARR we credited does that cost, where does it
go (plans, teams, components), who earns the most, how much do clawbacks take back,
and which exact input files produced it (the fingerprint).
"""
from __future__ import annotations

from datetime import date
from pathlib import PurePath
from typing import Any

from reportlab.platypus import Flowable, Paragraph, Table

from reports.figures import DASH, money, percent
from reports.styles import (CELL, HASH, HEADING, INTRO, SUBTITLE, TITLE, content_width, facts_table, grid,
                            register_fonts, render, text)
from reports.summary_model import FinanceSummary, Group, finance_summary


def summary_pdf(statements: list[dict[str, Any]], inputs: tuple[tuple[str, str, str], ...],
                generated: date, pagesize: str = "a4") -> bytes:
    """The finance summary of a run's stored statements, as PDF bytes."""
    summary = finance_summary(statements, inputs)
    period = summary.period or DASH
    return render(summary_flowables(summary, generated, pagesize), f"Payout finance summary {period}",
                  f"Payout finance summary · {period} · confidential", pagesize)


def summary_flowables(summary: FinanceSummary, generated: date, pagesize: str = "a4") -> list[Flowable]:
    register_fonts()
    width = content_width(pagesize)
    period = summary.period or DASH
    if summary.period_start and summary.period_end:
        period += f" ({summary.period_start} to {summary.period_end})"
    story: list[Flowable] = [
        Paragraph("Cadence · Payout finance summary", TITLE),
        text(f"{period} · {summary.rep_count} rep{'s' if summary.rep_count != 1 else ''} paid", SUBTITLE),
        facts_table([("Period", period), ("Reps", str(summary.rep_count)),
                     ("Fingerprint", f"sha256:{summary.fingerprint}" if summary.fingerprint else DASH),
                     ("Generated", generated.isoformat())], width, label_share=0.16),
        Paragraph("Paid per currency", HEADING),
        text("Cost share = total paid / credited ARR: the ARR of the deals credited to the reps in the period "
             "(amount × share, contraction and churn negative), each deal counted once per rep.", INTRO),
        _currencies(summary, width),
        Paragraph("By plan", HEADING),
        _groups(summary.by_plan, "Plan", width, with_credit=True),
        Paragraph("By manager", HEADING),
        text("Each rep counts under their direct manager in the roster.", INTRO),
        _groups(summary.by_manager, "Team", width, with_credit=True),
        Paragraph("By component", HEADING),
        text("Modifier and clawback lines are listed as components of their own.", INTRO),
        _groups(summary.by_component, "Component", width, with_credit=False),
        Paragraph("Top earners", HEADING),
        _earners(summary, width),
    ]
    if summary.inputs:
        story += [Paragraph("Inputs", HEADING), _inputs(summary, width)]
    return story


def _currencies(summary: FinanceSummary, width: float) -> Table:
    rows: list[list[Any]] = [["Currency", "Reps", "Total paid", "Credited ARR", "Cost share", "Clawbacks"]]
    for total in summary.currencies:
        share = percent(total.cost_share) if total.cost_share is not None else "n/a (no ARR credited)"
        clawbacks = f"{money(total.clawbacks)} ({total.clawback_count})"
        rows.append([total.currency, str(total.reps), money(total.paid), money(total.credited), share, clawbacks])
    return grid(rows, [width * f for f in (0.12, 0.08, 0.2, 0.2, 0.2, 0.2)], numeric_from=1)


def _groups(groups: tuple[Group, ...], label: str, width: float, with_credit: bool) -> Table:
    header = [label, "Currency", "Reps"] + (["Credited ARR"] if with_credit else []) + ["Total paid"]
    rows: list[list[Any]] = [header]
    for group in groups:
        credit = [money(group.credited)] if with_credit else []
        rows.append([text(group.label, CELL), group.currency, str(group.reps), *credit, money(group.paid)])
    widths = (0.42, 0.12, 0.08, 0.19, 0.19) if with_credit else (0.53, 0.12, 0.12, 0.23)
    negatives = [index + 1 for index, group in enumerate(groups) if group.paid < 0]
    return grid(rows, [width * f for f in widths], numeric_from=2, negative_rows=negatives)


def _earners(summary: FinanceSummary, width: float) -> Table:
    rows: list[list[Any]] = [["#", "Rep", "Rep id", "Plan", "Currency", "Total paid"]]
    rows += [[str(rank), text(earner.name, CELL), text(earner.rep_id, CELL), text(earner.plan_key, CELL),
              earner.currency, money(earner.paid)] for rank, earner in enumerate(summary.top_earners, start=1)]
    return grid(rows, [width * f for f in (0.05, 0.3, 0.13, 0.2, 0.12, 0.2)], numeric_from=5)


def _inputs(summary: FinanceSummary, width: float) -> Table:
    rows: list[list[Any]] = [["Input", "File", "sha256"]]
    rows += [[role, text(PurePath(path).name or path, CELL), text(sha, HASH)] for role, path, sha in summary.inputs]
    return grid(rows, [width * f for f in (0.08, 0.3, 0.62)], numeric_from=len(rows[0]))
