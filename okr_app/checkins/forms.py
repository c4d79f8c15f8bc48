"""The weekly check-in form: one row of fields per key result, built for the person's own key results,
plus the Progress / Plans / Problems report. The fields only carry text; the rules (a number, a
milestone 0 or 1, satisfaction 1–5) are the service's, so the form and the API refuse the same things."""
from __future__ import annotations

from dataclasses import dataclass

from okr_app.bounds import BoundedForm
from wtforms import (Field, HiddenField, RadioField, SelectChoice, SelectField, StringField, SubmitField,
                     TextAreaField)
from wtforms.validators import Length

from okr_app.checkins.services import KrUpdate
from okr_app.domain import limits
from okr_app.checkins.pages import KrRow, WeeklyPage
from okr_app.models import CONFIDENCES

TOO_LONG = "This is longer than the %(max)s characters a field takes (%(length)s now); shorten it — nothing was cut."
CONFIDENCE_CHOICES = [SelectChoice(c, c.replace("_", " ").capitalize()) for c in CONFIDENCES]
MILESTONE_CHOICES = [SelectChoice("0", "Not done yet"), SelectChoice("1", "Done")]
SATISFACTION_CHOICES = [SelectChoice("1", "1 · rough week"), SelectChoice("2"), SelectChoice("3", "3 · okay"),
                        SelectChoice("4"), SelectChoice("5", "5 · great week")]


@dataclass(frozen=True)
class KrFields:
    row: KrRow
    value: Field
    confidence: Field
    note: Field


class WeeklyReportForm(BoundedForm):
    week = HiddenField()
    progress = TextAreaField("Progress", description="What you got done this week, against last week's plans.",
                             validators=[Length(max=limits.WEEKLY_TEXT.max, message=TOO_LONG)],
                             render_kw={"rows": 4})
    plans = TextAreaField("Plans", description="What you will do next week.",
                          validators=[Length(max=limits.WEEKLY_TEXT.max, message=TOO_LONG)],
                          render_kw={"rows": 4})
    problems = TextAreaField("Problems", description="What is in your way; your manager can reply.",
                             validators=[Length(max=limits.WEEKLY_TEXT.max, message=TOO_LONG)], render_kw={"rows": 3})
    satisfaction = RadioField("How satisfied are you with this week?", choices=SATISFACTION_CHOICES,
                              validate_choice=False)
    submit = SubmitField("Save check-in")

    kr_fields: list[KrFields]

    def kr_updates(self) -> list[KrUpdate]:
        return [KrUpdate(key_result_id=f.row.id, value=f.value.data, confidence=f.confidence.data,
                         note=f.note.data or "") for f in self.kr_fields]

    def report_args(self) -> dict:
        return {"progress": self.progress.data or "", "plans": self.plans.data or "",
                "problems": self.problems.data or "", "satisfaction": self.satisfaction.data}


def check_in_form(page: WeeklyPage) -> WeeklyReportForm:
    """A form class made for these key results (field names carry the key result's id, so a key
    result added in another tab never receives a value meant for a different one)."""

    class CheckInForm(WeeklyReportForm):
        pass

    defaults: dict = {"week": page.week}
    if page.draft is not None:
        defaults.update(progress=page.draft.progress, plans=page.draft.plans, problems=page.draft.problems,
                        satisfaction=str(page.draft.satisfaction))
    for row in page.rows:
        if row.is_milestone:
            value = SelectField("Status", choices=MILESTONE_CHOICES, validate_choice=False)
        else:
            value = StringField(f"New value{f' ({row.unit})' if row.unit else ''}",
                                render_kw={"inputmode": "decimal", "autocomplete": "off"})
        setattr(CheckInForm, f"kr_{row.id}_value", value)
        setattr(CheckInForm, f"kr_{row.id}_confidence",
                SelectField("Confidence", choices=CONFIDENCE_CHOICES, validate_choice=False))
        setattr(CheckInForm, f"kr_{row.id}_note", StringField("Note",
                                                              validators=[Length(max=limits.CHECK_IN_NOTE.max,
                                                                                 message=TOO_LONG)],
                                                              render_kw={"placeholder": "What moved it?"}))
        defaults.update({f"kr_{row.id}_value": row.prefill, f"kr_{row.id}_confidence": row.confidence,
                         f"kr_{row.id}_note": ""})
    form = CheckInForm(data=defaults)
    form.kr_fields = [KrFields(row, form[f"kr_{row.id}_value"], form[f"kr_{row.id}_confidence"],
                               form[f"kr_{row.id}_note"]) for row in page.rows]
    return form
