"""A rep's statement as a JSON-safe dict: the one stored and rendered form.

The database-backed run stores this dict (RunStatement.detail), the web page and
the PDF render it, and `statement_from_dict` turns it back into the engine's
`RepStatement` without losing a digit. Money and ratios are strings so that no
amount ever passes through a JSON float: amounts as plain decimals (`"25600.00"`,
credit up to six decimals), exact values the engine kept as fractions as `"128/5"`
(an unrounded payout, an attainment such as 1/3 that no decimal holds), dates ISO.
The field names are the engine's, so a reader of the JSON can look them up in
`comp_engine.result`.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from comp_engine.draws import DrawSettlement
from comp_engine.employment import Employment, Proration
from comp_engine.ingest import SHARE_SCALE
from comp_engine.money import CENTS_PER_UNIT, cents_to_decimal
from comp_engine.metrics import CohortAccounts
from comp_engine.result import (ClawbackLine, ClawbackPart, CohortAccount, ComponentLine, DealCredit, DealCredits,
                                MetricValue, ModifierLine, PayoutResult, RepStatement)

FORMAT = 1
"""Bumped when a field changes meaning, so stored statements can be told apart."""


class StatementFormatError(ValueError):
    """A stored statement dict is not one `statement_to_dict` wrote."""


def statement_to_dict(statement: RepStatement, result: PayoutResult | None = None,
                      names: dict[str, str] | None = None) -> dict[str, Any]:
    """The statement as a JSON-safe dict; with the run's `result`, also its period
    (name, first and last day), the inputs' fingerprint and the manager's name, which
    the header prints. A prorated rep gets a "proration" key and a rep on a draw a
    "draw" key (absent otherwise, so older statements read the same)."""
    detail = {
        "format": FORMAT,
        "period": result.period if result else None,
        "period_start": _date(result.period_start) if result else None,
        "period_end": _date(result.period_end) if result else None,
        "fingerprint": result.fingerprint if result else None,
        "rep_id": statement.rep_id,
        "name": statement.name,
        "email": statement.email,
        "manager_id": statement.manager_id,
        "manager_name": _manager_name(statement, result, names),
        "plan_key": statement.plan_key,
        "plan_name": statement.plan_name,
        "currency": statement.currency,
        "target_incentive": _decimal(statement.target_incentive),
        "components": [_component(line) for line in statement.components],
        "modifiers": [_modifier(line) for line in statement.modifiers],
        "clawbacks": [_clawback(line) for line in statement.clawbacks],
        "total": _decimal(statement.total),
    }
    if statement.proration is not None:
        detail["proration"] = _proration(statement.proration, statement.proration_note)
    if statement.draw is not None:
        detail["draw"] = _draw(statement.draw)
    return detail


def _proration(proration: Proration, note: str) -> dict[str, Any]:
    employment = proration.employment
    return {"period": proration.period, "start_date": _date(employment.start) if employment.start else None,
            "end_date": _date(employment.end) if employment.end else None,
            "days_employed": proration.days_employed, "days_in_quarter": proration.days_in_quarter,
            "fraction": _fraction(proration.fraction), "explanation": note}


def _proration_back(detail: dict[str, Any] | None) -> tuple[Proration | None, str]:
    if not detail:
        return None, ""
    employment = Employment(_optional(detail["start_date"], date.fromisoformat),
                            _optional(detail["end_date"], date.fromisoformat))
    return Proration(detail["period"], employment, int(detail["days_employed"]), int(detail["days_in_quarter"]),
                     Fraction(detail["fraction"])), detail["explanation"]


def _draw(draw: DrawSettlement) -> dict[str, Any]:
    cents = {name: _decimal(cents_to_decimal(getattr(draw, f"{name}_cents"))) for name in
             ("draw", "earned", "balance_before", "recovery", "advance", "paid", "balance_after")}
    return {"kind": draw.kind, **cents, "explanation": draw.explain(),
            "lines": [{"component": line.component, "amount": _decimal(line.amount), "rule": line.rule}
                      for line in draw.lines]}


def _draw_back(detail: dict[str, Any] | None) -> DrawSettlement | None:
    if not detail:
        return None
    cents = {name: _whole(Decimal(detail[name]) * CENTS_PER_UNIT) for name in
             ("draw", "earned", "balance_before", "recovery", "advance")}
    return DrawSettlement(detail["kind"], cents["draw"], cents["earned"], cents["balance_before"],
                          cents["recovery"], cents["advance"])


def statements_to_dicts(result: PayoutResult) -> list[dict[str, Any]]:
    """Every statement of a run as dicts, in roster order (managers looked up once)."""
    return list(statement_dicts(result))


def statement_dicts(result: PayoutResult) -> Iterator[dict[str, Any]]:
    """`statements_to_dicts`, one statement at a time (rendering can start on the first ones)."""
    names = {statement.rep_id: statement.name for statement in result.statements}
    return (statement_to_dict(statement, result, names) for statement in result.statements)


def statement_from_dict(detail: dict[str, Any]) -> RepStatement:
    """The engine's RepStatement back from a stored dict (exact: every value equal)."""
    if not isinstance(detail, dict) or detail.get("format") != FORMAT:
        raise StatementFormatError(f"not a statement of format {FORMAT}")
    try:
        proration, note = _proration_back(detail.get("proration"))
        return RepStatement(
            rep_id=detail["rep_id"], name=detail["name"], email=detail["email"], manager_id=detail["manager_id"],
            plan_key=detail["plan_key"], plan_name=detail["plan_name"], currency=detail["currency"],
            target_incentive=Decimal(detail["target_incentive"]),
            components=tuple(_component_back(line) for line in detail["components"]),
            modifiers=tuple(_modifier_back(line) for line in detail["modifiers"]),
            clawbacks=tuple(_clawback_back(line) for line in detail["clawbacks"]),
            total=Decimal(detail["total"]),
            proration=proration, draw=_draw_back(detail.get("draw")), proration_note=note,
        )
    except (KeyError, TypeError, ValueError, ArithmeticError) as broken:
        raise StatementFormatError(f"a stored statement is damaged: {broken!r}") from None


def _manager_name(statement: RepStatement, result: PayoutResult | None, names: dict[str, str] | None) -> str | None:
    if result is None or statement.manager_id is None:
        return None
    if names is not None:
        return names.get(statement.manager_id)
    return next((other.name for other in result.statements if other.rep_id == statement.manager_id), None)


# -- values ----------------------------------------------------------------------------

def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def _fraction(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


def _date(value: date) -> str:
    return value.isoformat()


def _optional(text: str | None, kind: type) -> Any:
    return None if text is None else kind(text)


# -- lines -------------------------------------------------------------------------------

_DEAL_FIELDS = ("deal_id", "account_id", "type", "close_date", "amount", "share", "credited")


def _deals(deals: Sequence[DealCredit]) -> list[dict[str, Any]]:
    """The deals behind a line as dicts of texts; a run's lines give their texts straight from the
    run's columns (`DealCredits.texts`), without a DealCredit and three Decimals per deal."""
    if isinstance(deals, DealCredits):
        return [dict(zip(_DEAL_FIELDS, texts)) for texts in deals.texts()]
    return [_deal(deal) for deal in deals]


def _deal(deal: DealCredit) -> dict[str, Any]:
    return {
        "deal_id": deal.deal_id, "account_id": deal.account_id, "type": deal.type,
        "close_date": _date(deal.close_date), "amount": _decimal(deal.amount), "share": _decimal(deal.share),
        "credited": _decimal(deal.credited),
    }


def _deal_back(deal: dict[str, Any]) -> DealCredit:
    return DealCredit(
        deal_id=deal["deal_id"], account_id=deal["account_id"], type=deal["type"],
        close_date=date.fromisoformat(deal["close_date"]),
        amount_cents=_whole(Decimal(deal["amount"]) * CENTS_PER_UNIT),
        share_units=_whole(Decimal(deal["share"]) * SHARE_SCALE),
    )


def _whole(value: Decimal) -> int:
    if value != value.to_integral_value():
        raise ValueError(f"{value} has more decimals than the engine keeps")
    return int(value)


def _metric(metric: MetricValue | None) -> dict[str, Any] | None:
    if metric is None:
        return None
    return {
        "metric": metric.metric, "book": metric.book, "window_start": _date(metric.window_start),
        "window_end": _date(metric.window_end), "cohort_accounts": metric.cohort_accounts,
        "numerator": _decimal(metric.numerator), "denominator": _decimal(metric.denominator),
        "value": _fraction(metric.value), "undefined_reason": metric.undefined_reason,
        "cohort": _cohort(metric.cohort),
    }


def _cohort(cohort: Sequence[CohortAccount]) -> list[list[str]]:
    """[account_id, share, ARR at the start, ARR at the end] per account (from a run: straight from its columns)."""
    if isinstance(cohort, CohortAccounts):
        return [list(texts) for texts in cohort.texts()]
    return [[account.account_id, _decimal(account.share), _decimal(account.arr_start), _decimal(account.arr_end)]
            for account in cohort]


def _metric_back(metric: dict[str, Any] | None) -> MetricValue | None:
    if metric is None:
        return None
    return MetricValue(
        metric=metric["metric"], book=metric["book"], window_start=date.fromisoformat(metric["window_start"]),
        window_end=date.fromisoformat(metric["window_end"]), cohort_accounts=int(metric["cohort_accounts"]),
        numerator=Decimal(metric["numerator"]), denominator=Decimal(metric["denominator"]),
        value=_optional(metric["value"], Fraction), undefined_reason=metric["undefined_reason"],
        cohort=tuple(CohortAccount(account_id, Decimal(share), Decimal(start), Decimal(end))
                     for account_id, share, start, end in metric.get("cohort", [])),
    )


def _component(line: ComponentLine) -> dict[str, Any]:
    return {
        "component": line.component, "kind": line.kind, "credit_types": list(line.credit_types),
        "credited": _decimal(line.credited), "quota": _decimal(line.quota), "attainment": _fraction(line.attainment),
        "target": _decimal(line.target), "rate": _decimal(line.rate), "tiers": line.tiers,
        "metric": _metric(line.metric), "unrounded": _fraction(line.unrounded), "amount": _decimal(line.amount),
        "rule": line.rule, "deals": _deals(line.deals),
    }


def _component_back(line: dict[str, Any]) -> ComponentLine:
    return ComponentLine(
        component=line["component"], kind=line["kind"], credit_types=tuple(line["credit_types"]),
        credited=_optional(line["credited"], Decimal), quota=_optional(line["quota"], Decimal),
        attainment=_optional(line["attainment"], Fraction), target=_optional(line["target"], Decimal),
        rate=_optional(line["rate"], Decimal), tiers=line["tiers"], metric=_metric_back(line["metric"]),
        unrounded=Fraction(line["unrounded"]), amount=Decimal(line["amount"]), rule=line["rule"],
        deals=tuple(_deal_back(deal) for deal in line["deals"]),
    )


def _modifier(line: ModifierLine) -> dict[str, Any]:
    return {
        "component": line.component, "metric": _metric(line.metric), "band_start": _decimal(line.band_start),
        "multiplier": _decimal(line.multiplier), "base": _fraction(line.base), "unrounded": _fraction(line.unrounded),
        "amount": _decimal(line.amount), "rule": line.rule,
    }


def _modifier_back(line: dict[str, Any]) -> ModifierLine:
    return ModifierLine(
        metric=_metric_back(line["metric"]), band_start=_optional(line["band_start"], Decimal),  # type: ignore[arg-type]
        multiplier=Decimal(line["multiplier"]), base=Fraction(line["base"]), unrounded=Fraction(line["unrounded"]),
        amount=Decimal(line["amount"]), rule=line["rule"],
    )


def _part(part: ClawbackPart) -> dict[str, Any]:
    return {
        "component": part.component, "component_payout": _fraction(part.component_payout),
        "deal_credited": _decimal(part.deal_credited), "total_credited": _decimal(part.total_credited),
        "earned": _fraction(part.earned),
    }


def _part_back(part: dict[str, Any]) -> ClawbackPart:
    return ClawbackPart(
        component=part["component"], component_payout=Fraction(part["component_payout"]),
        deal_credited=Decimal(part["deal_credited"]), total_credited=Decimal(part["total_credited"]),
        earned=Fraction(part["earned"]),
    )


def _clawback(line: ClawbackLine) -> dict[str, Any]:
    return {
        "component": line.component, "deal_id": line.deal_id, "account_id": line.account_id,
        "new_close_date": _date(line.new_close_date), "original_period": line.original_period,
        "churn_deal_id": line.churn_deal_id, "churn_date": _date(line.churn_date), "days": line.days,
        "window_days": line.window_days, "mode": line.mode, "fraction": _fraction(line.fraction),
        "parts": [_part(part) for part in line.parts], "unrounded": _fraction(line.unrounded),
        "amount": _decimal(line.amount), "rule": line.rule,
    }


def _clawback_back(line: dict[str, Any]) -> ClawbackLine:
    return ClawbackLine(
        deal_id=line["deal_id"], account_id=line["account_id"],
        new_close_date=date.fromisoformat(line["new_close_date"]), original_period=line["original_period"],
        churn_deal_id=line["churn_deal_id"], churn_date=date.fromisoformat(line["churn_date"]),
        days=int(line["days"]), window_days=int(line["window_days"]), mode=line["mode"],
        fraction=Fraction(line["fraction"]), parts=tuple(_part_back(part) for part in line["parts"]),
        unrounded=Fraction(line["unrounded"]), amount=Decimal(line["amount"]), rule=line["rule"],
    )
