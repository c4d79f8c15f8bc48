"""A stored statement laid out for reading: the sections both the PDF and the web
page show, as plain strings, so the two can never tell a rep different things.

`statement_view(detail)` reads the dict of `reports.statement_model` and returns the
header, the summary of lines, one section per component (with the deals behind it),
per modifier, per clawback and per adjustment, and the total. Adjustments are the
corrections to an earlier, approved quarter that a database-backed run adds under the
key "adjustments" (see `okr_app.payouts.runs.Adjustment.as_dict`). The total printed
is the sum of the printed line amounts; if that differs from the stored total by a
cent the statement is refused (`StatementInconsistent`) rather than printed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from comp_engine.names import line_label, line_name, metric_name
from reports.figures import (DASH, EXACT, KIND_NAMES, exact, is_negative, money, money_exact, percent, ratio,
                             share, short_fingerprint, signed_money)

Facts = list[tuple[str, str]]


class StatementInconsistent(ValueError):
    """The lines of a statement do not add up to its total: it must not be printed."""


@dataclass(frozen=True)
class SummaryRow:
    """One row of the summary table: `line` named for people ("New business"), and the plan's `key` of a
    component or adjustment line ("" for lines that are words only: modifiers, clawbacks, draws), which the PDF
    prints in the line's section heading and the web page beside the name."""

    line: str
    credited: str
    quota: str
    attainment: str
    amount: str
    negative: bool
    key: str = ""


@dataclass(frozen=True)
class DealRow:
    deal_id: str
    account_id: str
    type: str
    close_date: str
    amount: str
    share: str
    credited: str
    negative: bool


@dataclass(frozen=True)
class CohortRow:
    """One account of a book metric's cohort: share, ARR at the window's start and end."""

    account_id: str
    share: str
    arr_start: str
    arr_end: str
    weighted_start: str
    weighted_end: str


COHORT_INLINE = 12
"""A cohort longer than this is printed in an appendix, the section saying where."""


@dataclass(frozen=True)
class PartRow:
    component: str
    component_payout: str
    deal_credited: str
    total_credited: str
    earned: str


@dataclass(frozen=True)
class Section:
    """One line of the statement explained: what was measured, the rule, the amount."""

    title: str
    subtitle: str
    facts: Facts
    rule: str
    amount: str
    negative: bool
    deals: list[DealRow] = field(default_factory=list)
    deals_total: str = ""
    parts: list[PartRow] = field(default_factory=list)
    note: str = ""
    cohort: list[CohortRow] = field(default_factory=list)
    cohort_total: tuple[str, str] = ("", "")
    cohort_in_appendix: bool = False
    parts_period: str = ""
    key: str = ""  # the plan's key of a component line ("new_business"), printed beside its name


@dataclass(frozen=True)
class StatementView:
    rep_id: str
    name: str
    period: str
    currency: str
    header: Facts
    summary: list[SummaryRow]
    components: list[Section]
    modifiers: list[Section]
    clawbacks: list[Section]
    adjustments: list[Section]
    total: str
    total_negative: bool
    appendix: list[Section] = field(default_factory=list)
    draws: list[Section] = field(default_factory=list)
    explanations: list[str] = field(default_factory=list)


def statement_view(detail: dict[str, Any], generated: date) -> StatementView:
    """Lay out a stored statement; `generated` is the date printed in the header."""
    components = [_component(line) for line in detail["components"]]
    modifiers = [_modifier(line) for line in detail["modifiers"]]
    clawbacks = [_clawback(line) for line in detail["clawbacks"]]
    adjustments = [_adjustment(line) for line in detail.get("adjustments", [])]
    draws = [_draw_line(line, detail["draw"]) for line in _draw_lines(detail)]
    printed_components = [money(line["amount"]) for line in detail["components"]]
    modifiers = [_with_printed_base(section, printed_components, line["base"])
                 for section, line in zip(modifiers, detail["modifiers"])]
    appendix = [section for section in components + modifiers if section.cohort_in_appendix]
    printed = [exact(line["amount"]) for line in _lines(detail)]
    if sum(printed, Fraction(0)) != exact(detail["total"]):
        raise StatementInconsistent(
            f"statement of {detail['rep_id']}: the lines add up to {money(sum(printed, Fraction(0)))}, "
            f"but the total is {money(detail['total'])}")
    return StatementView(
        rep_id=detail["rep_id"], name=detail["name"], period=detail.get("period") or DASH,
        currency=detail["currency"], header=_header(detail, generated), summary=_summary(detail),
        components=components, modifiers=modifiers, clawbacks=clawbacks, adjustments=adjustments,
        total=money(detail["total"]), total_negative=is_negative(detail["total"]), appendix=appendix,
        draws=draws, explanations=_explanations(detail),
    )


def _with_printed_base(section: Section, printed: list[str], base: str) -> Section:
    """The modifier's "Applied to": the component lines as printed and their sum."""
    facts = [(label, value) for label, value in section.facts if label != "Applied to"]
    summed = " + ".join(printed) + f" = {money(base)}" if len(printed) > 1 else money(base)
    facts.append(("Applied to", f"{summed} (the sum of the component lines above)"))
    return Section(**{**section.__dict__, "facts": facts})


def _lines(detail: dict[str, Any]) -> list[dict[str, Any]]:
    """Every line with an amount, in statement order (a draw comes last: it is settled on all the others)."""
    return (detail["components"] + detail["modifiers"] + detail["clawbacks"] + detail.get("adjustments", [])
            + _draw_lines(detail))


def _draw_lines(detail: dict[str, Any]) -> list[dict[str, Any]]:
    return detail["draw"]["lines"] if detail.get("draw") else []


DRAW_TITLES = {"draw:recovery": "Draw: recovered", "draw:advance": "Draw: advanced"}


def _explanations(detail: dict[str, Any]) -> list[str]:
    """Employment dates and the draw, said in words with the numbers."""
    said = []
    proration = detail.get("proration")
    if proration:
        said.append(f"Employment dates: you were {proration['explanation']}. Every quota and the target incentive "
                    "of this quarter are multiplied by f, and deals closed outside your employment credit you nothing.")
    if detail.get("draw"):
        said.append(detail["draw"]["explanation"])
    return said


def _draw_line(line: dict[str, Any], draw: dict[str, Any]) -> Section:
    facts: Facts = [("Draw per quarter", money(draw["draw"])), ("Kind", draw["kind"].replace("_", "-")),
                    ("Earned before the draw", money(draw["earned"]))]
    if draw["kind"] == "recoverable":
        facts += [("Balance owed before", money(draw["balance_before"])),
                  ("Balance owed after", money(draw["balance_after"]))]
    return Section(title=DRAW_TITLES.get(line["component"], line["component"]), subtitle=draw["kind"].replace("_", "-")
                   + " draw", facts=facts, rule=line["rule"], amount=money(line["amount"]),
                   negative=is_negative(line["amount"]))


def _header(detail: dict[str, Any], generated: date) -> Facts:
    period = detail.get("period") or DASH
    if detail.get("period_start") and detail.get("period_end"):
        period += f" ({detail['period_start']} to {detail['period_end']})"
    manager = detail.get("manager_id") or DASH
    if detail.get("manager_name"):
        manager = f"{detail['manager_name']} ({detail['manager_id']})"
    return [
        ("Rep", detail["name"]),
        ("Email", detail["email"]),
        ("Rep id", detail["rep_id"]),
        ("Manager", manager),
        ("Plan", f"{detail['plan_name']} ({detail['plan_key']})" if detail.get("plan_key")
         else "none: not on this quarter's roster"),
        ("Period", period),
        ("Currency", detail["currency"]),
        ("Target incentive", f"{money(detail['target_incentive'])} per quarter" if detail.get("target_incentive")
         else DASH),
        ("Fingerprint", short_fingerprint(detail.get("fingerprint"))),
        ("Generated", generated.isoformat()),
    ]


def _summary(detail: dict[str, Any]) -> list[SummaryRow]:
    rows = [SummaryRow(line_name(line["component"]), money(line["credited"]), money(line["quota"]),
                       percent(line["attainment"]), money(line["amount"]), is_negative(line["amount"]),
                       line["component"]) for line in detail["components"]]
    rows += [SummaryRow(f"Modifier: {metric_name(line['metric']['metric'])}", DASH, DASH,
                        f"× {ratio(line['multiplier'])}", money(line["amount"]), is_negative(line["amount"]))
             for line in detail["modifiers"]]
    rows += [SummaryRow(f"Clawback: deal {line['deal_id']}", DASH, DASH, DASH, money(line["amount"]),
                        is_negative(line["amount"])) for line in detail["clawbacks"]]
    rows += [SummaryRow(line_name(f"adjustment:{line['period']}:{line['component']}"), DASH, DASH, DASH,
                        money(line["amount"]), is_negative(line["amount"]), line["component"])
             for line in detail.get("adjustments", [])]
    rows += [SummaryRow(DRAW_TITLES.get(line["component"], line["component"]), DASH, DASH, DASH,
                        money(line["amount"]), is_negative(line["amount"])) for line in _draw_lines(detail)]
    return rows


def _component(line: dict[str, Any]) -> Section:
    facts: Facts = []
    if line["credit_types"]:
        facts.append(("Deal types credited", ", ".join(line["credit_types"])))
    if line["kind"] == "metric":
        facts += _metric_facts(line["metric"])
    else:
        facts.append(("Credited", money(line["credited"])))
    if line["kind"] == "quota":
        facts += [("Quota", money(line["quota"]))]
    if line["kind"] == "flat_rate":
        facts.append(("Rate", percent(line["rate"])))
    else:
        facts += [("Attainment", f"{percent(line['attainment'])} ({ratio(line['attainment'])})"),
                  ("Target T", f"{money(line['target'])} (target incentive × weight)"),
                  ("Tiers", line["tiers"] or DASH)]
    deals = [_deal(deal) for deal in line["deals"]]
    return Section(
        **_cohort(line["metric"]),
        title=line_name(line["component"]), subtitle=KIND_NAMES.get(line["kind"], line["kind"]),
        key=line["component"], facts=facts,
        rule=line["rule"], amount=money(line["amount"]), negative=is_negative(line["amount"]),
        deals=deals, deals_total=money(line["credited"]) if deals else "",
        note="" if deals or line["kind"] == "metric" else "No deal was credited to this component in the period.",
    )


def _metric_facts(metric: dict[str, Any]) -> Facts:
    facts = [("Metric", f"{metric_name(metric['metric'])} of the {metric['book']} book"),
             ("Window", f"{metric['window_start']} to {metric['window_end']}"),
             ("Cohort", f"{metric['cohort_accounts']} account{'s' if metric['cohort_accounts'] != 1 else ''}")]
    if metric["value"] is None:
        facts.append(("Value", f"undefined: {metric['undefined_reason']}"))
    else:
        kept = "logos kept (by share)" if metric["metric"] == "logo_retention" else "ARR"
        facts.append(("Value", f"{ratio(metric['value'])} ({percent(metric['value'])}) = "
                               f"{_quantity(metric['numerator'], metric['metric'])} / "
                               f"{_quantity(metric['denominator'], metric['metric'])} {kept}"))
    return facts


def _quantity(text: str, metric: str) -> str:
    return ratio(text) if metric == "logo_retention" else money(text)


def _deal(deal: dict[str, Any]) -> DealRow:
    credited, negative = signed_money(deal["credited"])
    return DealRow(deal["deal_id"], deal["account_id"], deal["type"], deal["close_date"], money(deal["amount"]),
                   share(deal["share"]), credited, negative)


def _modifier(line: dict[str, Any]) -> Section:
    metric = line["metric"]
    facts = _metric_facts(metric)
    if line["band_start"] is None:
        facts.append(("Band", "none: the metric is undefined"))
    else:
        facts.append(("Band", f"from {ratio(line['band_start'])} ({percent(line['band_start'])})"))
    facts += [("Multiplier", ratio(line["multiplier"])),
              ("Applied to", f"{money(line['base'])} (the sum of the component payouts)")]
    return Section(
        **_cohort(metric),
        title=f"Modifier: {metric_name(metric['metric'])}", subtitle=f"{metric['book']} book", facts=facts,
        rule=line["rule"], amount=money(line["amount"]), negative=is_negative(line["amount"]),
    )


def _clawback(line: dict[str, Any]) -> Section:
    facts: Facts = [
        ("Original deal", f"{line['deal_id']} (account {line['account_id']}), closed {line['new_close_date']} "
                          f"in {line['original_period']}"),
        ("Churn", f"{line['churn_deal_id']} on {line['churn_date']}"),
        ("Days between", f"{line['days']} of a {line['window_days']}-day window"),
        ("Mode", line["mode"]),
        ("Fraction taken back", f"{ratio(line['fraction'])} ({percent(line['fraction'])})"),
    ]
    parts = [PartRow(line_name(part["component"]), money(part["component_payout"]), money(part["deal_credited"]),
                     money(part["total_credited"]), money(part["earned"])) for part in line["parts"]]
    return Section(
        title=f"Clawback: deal {line['deal_id']}", subtitle=f"{line['mode']} clawback", facts=facts,
        rule=line["rule"], amount=money(line["amount"]), negative=is_negative(line["amount"]), parts=parts,
        parts_period=line["original_period"],
    )


def _cohort(metric: dict[str, Any] | None) -> dict[str, Any]:
    """The cohort rows of a book metric, and whether they go to the appendix.

    Each account's share × ARR is exact: shares and ARR are stored decimals, so their
    products and sums are computed in `EXACT`, which raises rather than round."""
    if metric is None or not metric.get("cohort"):
        return {}
    rows, start_total, end_total = [], Decimal(0), Decimal(0)
    kept = metric["metric"]
    shown = ratio if kept == "logo_retention" else money_exact
    for account_id, share_text, start, end in metric["cohort"]:
        weight, arr_start, arr_end = Decimal(share_text), Decimal(start), Decimal(end)
        if kept == "logo_retention":
            weighted_start, weighted_end = weight, weight if arr_end > 0 else Decimal(0)
        elif kept == "gross_revenue_retention":
            weighted_start = EXACT.multiply(weight, arr_start)
            weighted_end = EXACT.multiply(weight, min(arr_start, arr_end))
        else:
            weighted_start, weighted_end = EXACT.multiply(weight, arr_start), EXACT.multiply(weight, arr_end)
        start_total = EXACT.add(start_total, weighted_start)
        end_total = EXACT.add(end_total, weighted_end)
        rows.append(CohortRow(account_id, share(share_text), money(arr_start), money(arr_end), shown(weighted_start),
                              shown(weighted_end)))
    return {"cohort": rows, "cohort_total": (shown(start_total), shown(end_total)),
            "cohort_in_appendix": len(rows) > COHORT_INLINE}


def _adjustment(line: dict[str, Any]) -> Section:
    if line.get("question_id"):
        return Section(
            title=f"Adjustment {line['period']}: question #{line['question_id']}",
            subtitle="answer to a question on a statement",
            facts=[("Statement", f"{line['period']} (run #{line['run_id']})"), ("Line asked about", line["line"]),
                   ("Reason", line["reason"]), ("Adjustment", money(line["recomputed"])),
                   ("Paid before", money(line["already_adjusted"]))],
            rule=line["rule"], amount=money(line["amount"]), negative=is_negative(line["amount"]))
    facts: Facts = [
        ("Quarter corrected", f"{line['period']} (approved run #{line['run_id']})"),
        ("Line", line_label(line["component"])),
        ("Recomputed today", money(line["recomputed"])),
        ("Approved and paid", money(line["approved"])),
        ("Earlier adjustments", money(line["already_adjusted"])),
    ]
    return Section(
        title=line_name(f"adjustment:{line['period']}:{line['component']}"),
        subtitle="correction to an approved quarter", key=line["component"], facts=facts, rule=line["rule"],
        amount=money(line["amount"]), negative=is_negative(line["amount"]),
    )
