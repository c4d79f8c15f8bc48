"""The weekly check-in: key-result updates plus one Progress / Plans / Problems report per ISO week."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from okr_app.audit.services import record
from okr_app.errors import InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import KeyResult, ReportReply, WeeklyReport
from okr_app.okrs.services import check_in, visible_key_result
from okr_app.policy import Actor, can_read_weekly, can_reply_to
from okr_app.timeutil import iso_week_of, parse_iso_week, today

MAX_TEXT = 10_000


@dataclass(frozen=True)
class KrUpdate:
    key_result_id: int
    value: float | None
    confidence: str | None = None
    note: str = ""


def _check_week_is_open(week: str, on: date) -> str:
    """A report is written and edited during its own ISO week (the current one) only."""
    try:
        monday = parse_iso_week(week)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    normalized = iso_week_of(monday)
    if normalized != iso_week_of(on):
        raise InvalidInput(f"Week {normalized} is not this week ({iso_week_of(on)}); "
                           "a weekly report is written and edited during its own week.")
    return normalized


def save_weekly_report(actor: Actor, week: str, progress: str, plans: str, problems: str, satisfaction: int,
                       on: date | None = None) -> tuple[WeeklyReport, bool]:
    """Create this week's report or update it; returns (report, created)."""
    week = _check_week_is_open(week, on or today())
    try:
        satisfaction = int(satisfaction)
    except (TypeError, ValueError):
        raise InvalidInput("Satisfaction is a whole number from 1 to 5.") from None
    if not 1 <= satisfaction <= 5:
        raise InvalidInput("Satisfaction is a whole number from 1 to 5.")
    texts = {"progress": progress or "", "plans": plans or "", "problems": problems or ""}
    for name, text in texts.items():
        if not isinstance(text, str):
            raise InvalidInput(f"{name.capitalize()} is text.")
        if len(text) > MAX_TEXT:
            raise InvalidInput(f"{name.capitalize()} is at most {MAX_TEXT:,} characters.")
    report = db.session.scalar(sa.select(WeeklyReport).where(
        WeeklyReport.person_id == actor.id, WeeklyReport.iso_week == week))
    created = report is None
    if created:
        report = WeeklyReport(person_id=actor.id, iso_week=week, satisfaction=satisfaction)
        db.session.add(report)
    report.progress, report.plans, report.problems = (t.strip() for t in texts.values())
    report.satisfaction = satisfaction
    db.session.flush()
    record(actor.person, "weekly.create" if created else "weekly.update", "weekly_report", report.id,
           after={"week": week, "satisfaction": satisfaction})
    return report, created


def submit_weekly_check_in(actor: Actor, updates: list[KrUpdate], week: str, progress: str, plans: str,
                           problems: str, satisfaction: int, on: date | None = None) -> tuple[WeeklyReport, int]:
    """One submit: every key-result update plus the weekly report; all saved or none.

    An update whose value equals the current one and whose confidence and note are unchanged is skipped,
    so resubmitting the page does not pad the history. Returns (report, number of check-ins recorded)."""
    recorded = 0
    for update in updates:
        kr = visible_key_result(actor, update.key_result_id)
        if update.value is None:
            continue
        unchanged = (kr.current_value == update.value and (update.confidence or kr.confidence) == kr.confidence
                     and not (update.note or "").strip())
        if unchanged:
            continue
        check_in(actor, kr, update.value, update.confidence, update.note)
        recorded += 1
    report, _ = save_weekly_report(actor, week, progress, plans, problems, satisfaction, on)
    return report, recorded


def my_key_results(actor: Actor, cycle_id: int) -> list[KeyResult]:
    """The key results the check-in page asks about: those of objectives this person owns in the cycle."""
    from okr_app.models import Objective

    return list(db.session.scalars(
        sa.select(KeyResult).join(Objective, KeyResult.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle_id, Objective.owner_type == "person",
               Objective.owner_person_id == actor.id, KeyResult.kind != "rollup")
        .order_by(Objective.id, KeyResult.position, KeyResult.id)))


def report_for(actor: Actor, report_id: int) -> WeeklyReport:
    report = db.session.get(WeeklyReport, report_id)
    if report is None or not can_read_weekly(actor, report.person_id):
        raise NotFound("No such report.")
    return report


def reply_to_report(actor: Actor, report: WeeklyReport, body: str) -> ReportReply:
    """A manager answers a member's Problems."""
    if not can_reply_to(actor, report):
        raise NotAllowed("Only the people above the author reply to a weekly report.")
    body = (body or "").strip()
    if not body:
        raise InvalidInput("A reply needs some text.")
    if len(body) > MAX_TEXT:
        raise InvalidInput(f"A reply is at most {MAX_TEXT:,} characters.")
    reply = ReportReply(report_id=report.id, author_id=actor.id, body=body)
    db.session.add(reply)
    db.session.flush()
    record(actor.person, "weekly.reply", "weekly_report", report.id, after=body[:200])
    return reply
