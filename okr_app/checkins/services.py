"""The weekly check-in: key-result updates plus one Progress / Plans / Problems report per ISO week.

Verbs flush but never commit: the page or API request that calls them commits once, or rolls back
everything when one of them raises.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from okr_app.audit.services import record
from okr_app.domain.numbers import NotANumber, parse_number
from okr_app.domain.progress import current_of
from okr_app.errors import Conflict, InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import KeyResult, Objective, ReportReply, WeeklyReport
from okr_app.okrs.progress import measure_of
from okr_app.okrs.services import check_in, visible_key_result
from okr_app.policy import Actor, can_read_weekly, can_reply_to
from okr_app.ritual.threads import tell_report_thread
from okr_app.clock import today
from okr_app.domain import limits
from okr_app.domain.weeks import iso_week_of, parse_iso_week

SATISFACTION_RULE = (f"Satisfaction is a whole number from {limits.SATISFACTION_MIN} (a rough week) "
                     f"to {limits.SATISFACTION_MAX} (a great week).")
SATISFACTION_MISSING = ("Satisfaction is missing: choose how satisfied you are with this week, from "
                        f"{limits.SATISFACTION_MIN} (a rough week) to {limits.SATISFACTION_MAX} (a great week).")


class KrUpdateRejected(InvalidInput):
    """Key-result updates that broke a rule, each message naming its key result, so the page can mark
    every refused field at once (`kr_errors`: key result id → message); any refusal of the report
    itself is in the message too."""

    def __init__(self, kr_errors: dict[int, str], report_error: str | None = None,
                 report_field: str | None = None) -> None:
        super().__init__(" ".join([*kr_errors.values(), *([report_error] if report_error else [])]), report_field)
        self.kr_errors = kr_errors
        self.report_error = report_error
        self.key_result_id = next(iter(kr_errors))


@dataclass(frozen=True)
class KrUpdate:
    """A key result's new value as typed (text or a number; blank keeps the current value)."""

    key_result_id: int
    value: float | str | None
    confidence: str | None = None
    note: str = ""


@dataclass(frozen=True)
class ReportText:
    progress: str
    plans: str
    problems: str
    satisfaction: int


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


def clean_report(progress: str, plans: str, problems: str, satisfaction) -> ReportText:
    """Satisfaction 1–5 (whole); each text within `limits.WEEKLY_TEXT`, surrounding blanks dropped."""
    if satisfaction is None or (isinstance(satisfaction, str) and not satisfaction.strip()):
        raise InvalidInput(SATISFACTION_MISSING, field="satisfaction")
    if isinstance(satisfaction, bool) or (isinstance(satisfaction, float) and not satisfaction.is_integer()):
        raise InvalidInput(SATISFACTION_RULE, field="satisfaction")
    try:
        satisfaction = int(satisfaction.strip()) if isinstance(satisfaction, str) else int(satisfaction)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInput(SATISFACTION_RULE, field="satisfaction") from None
    if not limits.SATISFACTION_MIN <= satisfaction <= limits.SATISFACTION_MAX:
        raise InvalidInput(SATISFACTION_RULE, field="satisfaction")
    texts = {"progress": progress or "", "plans": plans or "", "problems": problems or ""}
    for name, text in texts.items():
        if not isinstance(text, str):
            raise InvalidInput(f"{name.capitalize()} is text.", field=name)
        try:
            texts[name] = limits.clean_text(limits.TextLimit(name.capitalize(), limits.WEEKLY_TEXT.max), text)
        except InvalidInput as exc:
            raise InvalidInput(exc.message, field=name) from None
    return ReportText(*texts.values(), satisfaction=satisfaction)


def save_weekly_report(actor: Actor, week: str, progress: str, plans: str, problems: str, satisfaction: int,
                       on: date | None = None) -> tuple[WeeklyReport, bool]:
    """Create this week's report or update it in place (one per person per ISO week); returns (report, created)."""
    week = _check_week_is_open(week, on or today())
    text = clean_report(progress, plans, problems, satisfaction)
    report = db.session.scalar(sa.select(WeeklyReport).where(
        WeeklyReport.person_id == actor.id, WeeklyReport.iso_week == week))
    created = report is None
    if created:
        report = WeeklyReport(person_id=actor.id, iso_week=week, satisfaction=text.satisfaction)
        db.session.add(report)
    report.progress, report.plans, report.problems = text.progress, text.plans, text.problems
    report.satisfaction = text.satisfaction
    try:
        db.session.flush()
    except sa.exc.IntegrityError:
        raise Conflict(f"Your report for {week} was just saved from another window; reload and try again.") from None
    record(actor.person, "weekly.create" if created else "weekly.update", "weekly_report", report.id,
           after={"week": week, "satisfaction": text.satisfaction})
    return report, created


def parse_value(value: float | str | None) -> float | None:
    """A typed value as a number ("$500,000", "1,250", "12.5 %": see `parse_number`); blank means 'keep the
    current value'. Finiteness and each kind's own rule (a milestone takes 0 or 1) are `check_in`'s."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        number = parse_number(value)
    except NotANumber as exc:
        raise InvalidInput(str(exc)) from None
    return None if number is None else float(number)


def submit_weekly_check_in(actor: Actor, updates: list[KrUpdate], week: str, progress: str, plans: str,
                           problems: str, satisfaction: int, on: date | None = None) -> tuple[WeeklyReport, int]:
    """One submit: every key-result update plus the weekly report; all saved or none.

    An update whose value equals the one shown (the latest check-in, or the start before the first),
    with the same confidence and no note, is skipped, so resubmitting the page does not pad the
    history. A blank value with a new confidence or a note records the shown value again.
    Every answer is checked before refusing, so one refusal lists all the mistakes; the caller rolls
    back what was flushed. Returns (report, number of check-ins recorded)."""
    on = on or today()
    report_error = report_field = None
    try:
        _check_week_is_open(week, on)
        clean_report(progress, plans, problems, satisfaction)
    except InvalidInput as exc:
        report_error, report_field = exc.message, exc.field
    recorded, kr_errors = 0, {}
    for update in updates:
        kr = visible_key_result(actor, update.key_result_id)
        try:
            recorded += _apply_update(actor, kr, update)
        except InvalidInput as exc:
            kr_errors[kr.id] = f"{kr.title}: {exc.message}"
    if kr_errors:
        raise KrUpdateRejected(kr_errors, report_error, report_field)
    if report_error:
        raise InvalidInput(report_error, field=report_field)
    report, _ = save_weekly_report(actor, week, progress, plans, problems, satisfaction, on)
    return report, recorded


def _apply_update(actor: Actor, kr: KeyResult, update: KrUpdate) -> int:
    shown = current_of(measure_of(kr))
    value = parse_value(update.value)
    confidence = update.confidence or kr.confidence
    note = (update.note or "").strip()
    if value is None:
        value = shown
    if value == shown and confidence == kr.confidence and not note:
        return 0
    check_in(actor, kr, value, confidence, note)
    return 1


def my_key_results(actor: Actor, cycle_id: int) -> list[KeyResult]:
    """The key results the check-in page asks about: those of objectives this person owns in the cycle
    (roll-ups and revenue metrics are computed, so they are not asked)."""
    return list(db.session.scalars(
        sa.select(KeyResult).join(KeyResult.objective)
        .where(Objective.cycle_id == cycle_id, Objective.owner_type == "person",
               Objective.owner_person_id == actor.id, KeyResult.kind.not_in(("rollup", "metric")))
        .options(contains_eager(KeyResult.objective))
        .order_by(Objective.id, KeyResult.position, KeyResult.id)))


def report_for(actor: Actor, report_id: int) -> WeeklyReport:
    """The report, or NotFound when it does not exist or the actor may not read it (no id leaks)."""
    report = db.session.get(WeeklyReport, report_id)
    if report is None or not can_read_weekly(actor, report.person_id):
        raise NotFound("No such report.")
    return report


def reply_to_report(actor: Actor, report: WeeklyReport, body: str) -> ReportReply:
    """A message in a report's thread (about its Problems): the author, the people above them and leaders.
    Everyone already in the thread, the author and anyone @mentioned hear of it."""
    if not can_reply_to(actor, report):
        raise NotAllowed("Only the author, the people above them and leaders reply to a weekly report.")
    if not (body or "").strip():
        raise InvalidInput("A reply needs some text.")
    body = limits.clean_text(limits.REPLY, body)
    reply = ReportReply(report_id=report.id, author_id=actor.id, body=body)
    db.session.add(reply)
    db.session.flush()
    record(actor.person, "weekly.reply", "weekly_report", report.id, after=body[:200])
    tell_report_thread(actor, report, reply)
    return reply

