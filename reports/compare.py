"""The back-test PDF: what each plan would have cost per quarter, and what the reps it paid most sold.

Per plan: the cost per quarter beside the new ARR it bought, a chart of each rep's pay over
the range against the 12-month retention of the new ARR they sold, a plain-words reading,
and the honest caveat that a back-test replays behaviour and cannot show how people would
have sold under another plan. Figures come from `comp_engine.backtest`, exact; the charts
(`reports.charts`) are the same the web page draws.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from reportlab.platypus import Flowable, Paragraph

from comp_engine.backtest import CAVEAT, Comparison, display_share, reading_of
from comp_engine.money import round_half_up
from reports.charts import bars, scatter
from reports.figures import DASH, money
from reports.styles import (
    HEADING,
    INTRO,
    SUBTITLE,
    TITLE,
    content_width,
    grid,
    register_fonts,
    render,
    text,
)


def cost_chart(comparison: Comparison, width: float = 520):
    groups = [str(period) for period in comparison.periods]
    series = [(plan, [float(row.total) for row in comparison.rows if row.plan == plan]) for plan in comparison.plans]
    return bars(groups, series, width=width, value_label=lambda v: f"{v / 1000:,.0f}k")


def retention_chart(comparison: Comparison, width: float = 520):
    series = []
    for plan in comparison.plans:
        points = [(float(pay), float(kept), f"{rep_id} under {plan}: paid {money(pay)}, kept {display_share(kept)}")
                  for rep_id, pay, kept, _ in comparison.pay_and_retention(plan) if kept is not None]
        series.append((plan, points))
    return scatter(series, width=width, x_label="pay over the range", y_label="share of their new ARR live 12 months on",
                   x_format=lambda v: f"{v / 1000:,.0f}k", y_format=lambda v: f"{v * 100:.0f} %")


def _ratio(value: Fraction | None) -> str:
    return DASH if value is None else f"{round_half_up(value, 4):f}"


def compare_pdf(comparison: Comparison, generated: date, pagesize: str = "a4") -> bytes:
    register_fonts()
    width = content_width(pagesize)
    span = f"{comparison.periods[0]} to {comparison.periods[-1]}"
    story: list[Flowable] = [
        Paragraph("Cadence · Plan back-test", TITLE),
        text(f"{', '.join(comparison.plans)} · {span} · generated {generated.isoformat()}", SUBTITLE),
        Paragraph("Reading", HEADING),
        text(reading_of(comparison)),
        text(CAVEAT, INTRO),
        Paragraph("Cost per quarter", HEADING),
        text("Total = what `cadence payout run` pays with every rep on the plan; cost per new ARR = total / new ARR "
             "credited in the quarter; retained = share of that new ARR still live 12 months after each deal closed.",
             INTRO),
    ]
    rows = [["Plan", "Quarter", "Reps", "Total", "New ARR", "Cost / new ARR", "Retained 12m"]]
    for row in comparison.rows:
        rows.append([row.plan, str(row.period), str(row.reps), money(row.total), money(row.new_arr),
                     _ratio(row.cost_per_new_arr), display_share(row.retained_12m_share)])
    for plan in comparison.plans:
        total = sum((row.total for row in comparison.rows if row.plan == plan), Decimal(0))
        rows.append([plan, "all", "", money(total), "", "", ""])
    story.append(grid(rows, [width * f for f in (0.16, 0.11, 0.07, 0.17, 0.17, 0.14, 0.18)], numeric_from=2))
    story.append(cost_chart(comparison, width).drawing())
    story += [Paragraph("Pay against the retention of what each rep sold", HEADING),
              text("One dot per rep and plan: pay over the range, and the share of the new ARR they sold that was "
                   "still live 12 months after each deal closed.", INTRO),
              retention_chart(comparison, width).drawing()]
    for plan in comparison.plans:
        story.append(Paragraph(f"{plan}: reps by pay", HEADING))
        rep_rows = [["Rep", "Pay over the range", "New ARR kept 12 months on"]]
        rep_rows += [[rep_id, money(pay), display_share(kept) if sold else "sold no new ARR"]
                     for rep_id, pay, kept, sold in comparison.pay_and_retention(plan)]
        story.append(grid(rep_rows, [width * f for f in (0.3, 0.35, 0.35)], numeric_from=1))
    return render(story, f"Plan back-test {span}", f"Plan back-test · {span} · confidential", pagesize)
