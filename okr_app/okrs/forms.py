"""Forms for objectives, key results and check-ins. They check shape (required, length, number);
the rules (limits, who may own what, dates inside the cycle) are the services' job."""
from __future__ import annotations

from wtforms import (BooleanField, DateField, IntegerField, RadioField, SelectChoice, SelectField,
                     StringField, SubmitField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from comp_engine.revenue import FLOW_METRICS, RETENTION_METRICS, MetricName
from okr_app.bounds import BoundedForm
from okr_app.domain import limits
from okr_app.domain.numbers import NotANumber, parse_number
from okr_app.models import CONFIDENCES, KR_KINDS
from okr_app.okrs.choices import Option, optional_id
from okr_app.okrs.display import CONFIDENCE_LABELS, KIND_HELP, KIND_LABELS, format_number

YES_NO = [SelectChoice("yes", "Yes"), SelectChoice("no", "No")]
VANITY_QUESTIONS = {
    "leads_to_action": "Does it lead to action that grows revenue?",
    "reproducible": "Can we reproduce the result on purpose?",
    "about_buyers": "Does it tell us about buyers rather than about ourselves?",
}
START_TARGET_NOTE = "Needed for increase, decrease, stay above and stay below; ignored for milestones and roll-ups."


class TypedNumber(StringField):
    """A number field that reads what people type ("$500,000", "1,250", "12.5 %"; see `parse_number`) and
    says beside the field how to write anything else. `data` is a float, or None when left blank."""

    def __init__(self, *args, **kwargs) -> None:
        render_kw = {"inputmode": "decimal", "autocomplete": "off", **kwargs.pop("render_kw", {})}
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def process_formdata(self, valuelist) -> None:
        self.raw_data = valuelist
        text = valuelist[0] if valuelist else ""
        try:
            number = parse_number(text)
        except NotANumber as exc:
            self.data = None
            raise ValueError(str(exc)) from None
        self.data = None if number is None else float(number)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else format_number(self.data)


def select_choices(options: list[Option]) -> list[SelectChoice]:
    return [SelectChoice(o.value, o.label, optgroup=o.group) for o in options]


def confidence_choices() -> list[SelectChoice]:
    return [SelectChoice(c, CONFIDENCE_LABELS[c]) for c in CONFIDENCES]


def _answer(message: str):
    return [InputRequired(message=message)]


class ObjectiveEditForm(BoundedForm):
    title = StringField("Objective", validators=[DataRequired("An objective needs a title."),
                                             Length(max=limits.OBJECTIVE_TITLE.max)],
                        description="Qualitative and ambitious: where should we be when the cycle ends?")
    description = TextAreaField("Why it matters",
                                validators=[Optional(), Length(max=limits.OBJECTIVE_DESCRIPTION.max)])
    aligned_kr = SelectField("Aligns to key result", coerce=optional_id, validate_choice=False,
                             invalid_value_message="Choose a key result from the list.",
                             description="The key result of a higher objective this one moves.")
    align_search = StringField("Find a key result", validators=[Optional()],
                               render_kw={"type": "search", "data-filters": "aligned_kr", "autocomplete": "off",
                                          "placeholder": "Words from a key result, its objective or its owner"})
    find = SubmitField("Find")
    private = BooleanField("Private: only the owner, the people above them in the org chart and admins see it")
    submit = SubmitField("Save objective")


class ObjectiveForm(ObjectiveEditForm):
    owner = SelectField("Owner", validate_choice=False)  # the service decides who may own what


class KeyResultEditForm(BoundedForm):
    title = StringField("Key result", validators=[DataRequired("A key result needs a title."),
                                              Length(max=limits.KR_TITLE.max)],
                        description="Measurable and time-bound: what number proves the objective is met?")
    start = TypedNumber("Start value", validators=[Optional()], description=START_TARGET_NOTE)
    target = TypedNumber("Target value", validators=[Optional()], description=START_TARGET_NOTE)
    unit = StringField("Unit", validators=[Optional(), Length(max=limits.KR_UNIT.max)],
                       description="e.g. $, %, customers")
    due = DateField("Due", validators=[Optional()], description="Inside the cycle; empty means the cycle's last day.")
    weight = TypedNumber("Weight", default=1.0, validators=[Optional()],
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


METRIC_SOURCES = ("marketing", "sales", "partner", "customer_success")


def metric_choices() -> list[SelectChoice]:
    """The revenue metrics a metric key result may be bound to (sourced ones for the usual sources)."""
    plain = [SelectChoice(name, f"{MetricName(name).label} ({name})") for name in FLOW_METRICS + RETENTION_METRICS]
    sourced = [SelectChoice(f"{name}:{source}", f"{MetricName(name, source).label} ({name}:{source})")
               for name in ("sourced_new_arr", "sourced_retained_arr") for source in METRIC_SOURCES]
    return [SelectChoice("", "Not a metric key result")] + plain + sourced


class KeyResultForm(KeyResultEditForm):
    kind = SelectField("Kind", choices=[SelectChoice(k, f"{KIND_LABELS[k]}: {KIND_HELP[k]}") for k in KR_KINDS],
                       invalid_choice_message="Choose one of the listed kinds.")
    metric = SelectField("Revenue metric", choices=metric_choices(), validate_choice=False,
                         description="For the kind “Revenue metric”: computed from the imported deals of the "
                                     "objective's owner (the company, a team's members, or the person).")
    window_months = IntegerField("Retention window (months)", validators=[Optional()],
                                 description="For retention metrics: the window ending on the measuring day; default 12.")


class CheckInForm(BoundedForm):
    value = TypedNumber("New value", validators=[InputRequired("Enter the new value (a number).")])
    confidence = SelectField("Confidence", choices=confidence_choices())
    note = TextAreaField("Note", validators=[Optional(), Length(max=limits.CHECK_IN_NOTE.max)])
    submit = SubmitField("Check in")


class ConfirmForm(BoundedForm):
    """A POST with its CSRF token: deleting or closing asks once more."""

    submit = SubmitField("Yes, do it")
