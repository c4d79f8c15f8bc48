"""Forms for objectives, key results and check-ins. They check shape (required, length, number);
the rules (limits, who may own what, dates inside the cycle) are the services' job."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, FloatField, RadioField, SelectChoice, SelectField, StringField,
                     SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from okr_app.domain import limits
from okr_app.models import CONFIDENCES, KR_KINDS
from okr_app.okrs.choices import Option, optional_id
from okr_app.okrs.display import CONFIDENCE_LABELS, KIND_HELP, KIND_LABELS

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
VANITY_QUESTIONS = {
    "leads_to_action": "Does it lead to action that grows revenue?",
    "reproducible": "Can we reproduce the result on purpose?",
    "about_buyers": "Does it tell us about buyers rather than about ourselves?",
}
START_TARGET_NOTE = "Needed for increase, decrease, stay above and stay below; ignored for milestones and roll-ups."


def select_choices(options: list[Option]) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label, optgroup=o.group) for o in options]


def confidence_choices() -> list[SelectChoice]:
    return [SelectChoice(c, CONFIDENCE_LABELS[c]) for c in CONFIDENCES]


def _answer(message: str):
    return [InputRequired(message=message)]


class ObjectiveEditForm(FlaskForm):
    title = StringField("Objective", validators=[DataRequired("An objective needs a title."),
                                             Length(max=limits.OBJECTIVE_TITLE.max)],
                        description="Qualitative and ambitious: where should we be when the cycle ends?")
    description = TextAreaField("Why it matters",
                                validators=[Optional(), Length(max=limits.OBJECTIVE_DESCRIPTION.max)])
    aligned_kr = SelectField("Aligns to key result", coerce=optional_id, validate_choice=False,
                             invalid_value_message="Choose a key result from the list.",
                             description="The key result of a higher objective this one moves.")
    private = BooleanField("Private: only the owner, the people above them in the org chart and admins see it")
    submit = SubmitField("Save objective")


class ObjectiveForm(ObjectiveEditForm):
    owner = SelectField("Owner", validate_choice=False)  # the service decides who may own what


class KeyResultEditForm(FlaskForm):
    title = StringField("Key result", validators=[DataRequired("A key result needs a title."),
                                              Length(max=limits.KR_TITLE.max)],
                        description="Measurable and time-bound: what number proves the objective is met?")
    start = FloatField("Start value", validators=[Optional()], description=START_TARGET_NOTE)
    target = FloatField("Target value", validators=[Optional()], description=START_TARGET_NOTE)
    unit = StringField("Unit", validators=[Optional(), Length(max=limits.KR_UNIT.max)],
                       description="e.g. $, %, customers")
    due = DateField("Due", validators=[Optional()], description="Inside the cycle; empty means the cycle's last day.")
    weight = FloatField("Weight", default=1.0, validators=[Optional()],
                        description="How much this key result counts in the objective's progress (default 1).")
    leads_to_action = RadioField(VANITY_QUESTIONS["leads_to_action"], choices=YES_NO,
                                 validators=_answer("Answer yes or no: does it lead to action that grows revenue?"))
    reproducible = RadioField(VANITY_QUESTIONS["reproducible"], choices=YES_NO,
                              validators=_answer("Answer yes or no: can we reproduce the result on purpose?"))
    about_buyers = RadioField(VANITY_QUESTIONS["about_buyers"], choices=YES_NO,
                              validators=_answer("Answer yes or no: does it tell us about buyers?"))
    submit = SubmitField("Save key result")

    def vanity_answers(self) -> dict[str, bool]:
        return {name: getattr(self, name).data == "yes" for name in VANITY_QUESTIONS}


class KeyResultForm(KeyResultEditForm):
    kind = SelectField("Kind", choices=[SelectChoice(k, f"{KIND_LABELS[k]}: {KIND_HELP[k]}") for k in KR_KINDS],
                       invalid_choice_message="Choose one of the listed kinds.")


class CheckInForm(FlaskForm):
    value = FloatField("New value", validators=[InputRequired("Enter the new value (a number).")])
    confidence = SelectField("Confidence", choices=confidence_choices())
    note = TextAreaField("Note", validators=[Optional(), Length(max=limits.CHECK_IN_NOTE.max)])
    submit = SubmitField("Check in")


class ConfirmForm(FlaskForm):
    """A POST with its CSRF token: deleting or closing asks once more."""

    submit = SubmitField("Yes, do it")
