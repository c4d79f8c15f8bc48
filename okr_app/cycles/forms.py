"""Forms for cycles and grades. Shape only: the allowed lengths and the Monday start are checked
by `create_cycle`, so the form, the API and the CLI refuse the same cycles with the same words."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from flask import current_app
from okr_app.bounds import BoundedForm
from wtforms import DateField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length

from okr_app.domain import limits
from okr_app.clock import today
from okr_app.cycles.services import default_start


def next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7 or 7)


class CycleForm(BoundedForm):
    name = StringField("Name", validators=[DataRequired("A cycle needs a name."), Length(max=limits.CYCLE_NAME.max)],
                       description="e.g. 2026 Q3")
    start = DateField("Starts on (a Monday)", validators=[DataRequired("Give the Monday the cycle starts on.")])
    weeks = SelectField("Length", coerce=int, validate_choice=False,
                        invalid_value_message="Choose one of the listed lengths.")
    submit = SubmitField("Create cycle")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.weeks.choices = [SelectChoice(str(w), f"{w} weeks") for w in current_app.config["CYCLE_LENGTHS_WEEKS"]]
        if not self.is_submitted():
            self.start.data = default_start(today())
            self.weeks.data = max(current_app.config["CYCLE_LENGTHS_WEEKS"])


class RenameForm(BoundedForm):
    name = StringField("Name", validators=[DataRequired("A cycle needs a name.")])
    submit = SubmitField("Rename")


class ConfirmForm(BoundedForm):
    """A POST with its CSRF token: activate, snapshot and close."""

    submit = SubmitField("Confirm")


class GradesForm(BoundedForm):
    """The grading sheet: one `grade-<key result id>` input per row, read by `submitted_grades`."""

    submit = SubmitField("Save grades")


def submitted_grades(formdata) -> tuple[dict[int, Decimal | None], dict[int, str]]:
    """Grades typed on the sheet, from its `grade-<key result id>` inputs: {kr id: grade, or None
    for 'back to the default'} and {kr id: why it was refused}. A grade is a number from 0.0 to 1.0.
    Which key results the reader may grade is the service's question, not the form's."""
    grades, errors = {}, {}
    for name, raw in formdata.items():
        prefix, _, raw_id = name.partition("-")
        if prefix != "grade" or not raw_id.isdigit():
            continue
        kr_id = int(raw_id)
        raw = raw.strip().replace(",", ".")
        if raw == "":
            grades[kr_id] = None
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[kr_id] = f"{raw!r} is not a number."
            continue
        if not value.is_finite() or not Decimal("0") <= value <= Decimal("1"):
            errors[kr_id] = "A grade is from 0.0 to 1.0."
            continue
        grades[kr_id] = value
    return grades, errors
