"""The API's request and response shapes: one marshmallow schema each.

The same classes validate request bodies, shape responses (every response is dumped through its
schema) and generate `/api/v1/openapi.json`, so the document cannot drift from the behaviour.
Request schemas refuse unknown fields, so a typo ('titel') is an error, not silently ignored.
Domain rules (limits, who may do what, a cycle's allowed lengths) stay in the services.
"""
from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from okr_app.api.fields import Day, Flag, Id, Number, QueryDepth, QueryId, Text, UtcTimestamp, WholeNumber
from okr_app.domain import limits
from okr_app.models import CONFIDENCES, CYCLE_STATES, KR_KINDS, OWNER_TYPES, ROLES

PACES = ("ahead", "behind")
TREE_STATUSES = ("at_risk", "behind", "stale")


def _doc(text: str) -> dict:
    return {"description": text}


# --- errors and small answers -------------------------------------------------------------------

class ErrorSchema(Schema):
    """Every error the API answers: one human-readable sentence."""

    error = fields.String(required=True, metadata=_doc("What went wrong, written for a person."))


class CreatedSchema(Schema):
    id = fields.Integer(required=True, metadata=_doc("The new object's id."))


# --- requests ----------------------------------------------------------------------------------

class CycleRequest(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=limits.CYCLE_NAME.max))
    start = Day(required=True, metadata=_doc("The first day: a Monday."))
    weeks = WholeNumber(required=True, metadata=_doc("The cycle's length: one of the configured lengths "
                                                     "(6 or 12 by default)."))


class ObjectiveRequest(Schema):
    cycle_id = Id(required=True)
    title = Text(required=True, validate=validate.Length(min=1, max=limits.OBJECTIVE_TITLE.max))
    description = Text(load_default="", validate=validate.Length(max=limits.OBJECTIVE_DESCRIPTION.max))
    owner_email = Text(validate=validate.Length(min=1, max=limits.EMAIL.max),
                       metadata=_doc("A personal objective: its owner's email."))
    team = Text(validate=validate.Length(min=1, max=limits.TEAM_NAME.max), metadata=_doc("A team objective: the team's name."))
    company = Flag(metadata=_doc("true for a company objective."))
    aligned_to = Id(allow_none=True, load_default=None,
                    metadata=_doc("The id of the key result (same cycle) this objective contributes to."))
    private = Flag(load_default=False, metadata=_doc("Visible only to the owner, the people above them and "
                                                     "admins."))

    @validates_schema
    def one_owner(self, data, **kwargs) -> None:
        owners = [name for name in ("owner_email", "team") if data.get(name) is not None]
        if data.get("company"):
            owners.append("company")
        if len(owners) != 1:
            raise ValidationError("Give exactly one owner: owner_email, team, or \"company\": true.")


class KeyResultRequest(Schema):
    title = Text(required=True, validate=validate.Length(min=1, max=limits.KR_TITLE.max))
    kind = Text(required=True, validate=validate.OneOf(KR_KINDS))
    metric = Text(allow_none=True, load_default=None, validate=validate.Length(max=60), metadata=_doc(
        "For kind metric: the revenue metric computed from the deals: new_arr, expansion_arr, churned_arr, "
        "net_new_arr, net_revenue_retention, gross_revenue_retention, logo_retention, sourced_new_arr:<source> "
        "or sourced_retained_arr:<source>."))
    window_months = WholeNumber(allow_none=True, load_default=None, metadata=_doc(
        "For kind metric: the retention window in months ending on the measuring day; default 12."))
    start = Number(allow_none=True, load_default=None,
                   metadata=_doc("Required for increase, decrease, stay_above and stay_below; ignored otherwise "
                                 "(a metric's start defaults to 0)."))
    target = Number(allow_none=True, load_default=None, metadata=_doc("Required with start."))
    unit = Text(load_default="", validate=validate.Length(max=limits.KR_UNIT.max))
    due = Day(allow_none=True, load_default=None, metadata=_doc("Inside the cycle; default: the cycle's end."))
    weight = Number(allow_none=True, load_default=None, metadata=_doc("Above 0 and at most 100; default 1."))
    leads_to_action = Flag(load_default=True, metadata=_doc("Does it lead to action that grows revenue?"))
    reproducible = Flag(load_default=True, metadata=_doc("Can we reproduce the result on purpose?"))
    about_buyers = Flag(load_default=True, metadata=_doc("Does it tell us about buyers rather than ourselves?"))


class CheckInRequest(Schema):
    value = Number(required=True, metadata=_doc("The new value; a milestone takes 1 (done) or 0."))
    confidence = Text(allow_none=True, load_default=None, validate=validate.OneOf(CONFIDENCES),
                      metadata=_doc("Default: the key result's current confidence."))
    note = Text(load_default="", validate=validate.Length(max=limits.CHECK_IN_NOTE.max))


class WeeklyRequest(Schema):
    week = Text(validate=validate.Regexp(r"^\d{4}-W\d{2}$", error="Not an ISO week like 2026-W21."),
                metadata=_doc("The ISO week, e.g. 2026-W21; only the current week is accepted. Default: "
                              "the current week."))
    progress = Text(load_default="", validate=validate.Length(max=limits.WEEKLY_TEXT.max))
    plans = Text(load_default="", validate=validate.Length(max=limits.WEEKLY_TEXT.max))
    problems = Text(load_default="", validate=validate.Length(max=limits.WEEKLY_TEXT.max))
    satisfaction = WholeNumber(required=True, validate=validate.Range(min=limits.SATISFACTION_MIN,
                                                                      max=limits.SATISFACTION_MAX))


class TreeQuery(Schema):
    """Filters of the cascade; matching objectives are kept with their ancestors. Unknown query
    parameters are refused like unknown body fields, so a misspelt filter does not silently show all."""

    team = QueryId(metadata=_doc("Keep objectives of this team id."))
    status = Text(validate=validate.OneOf(TREE_STATUSES),
                  metadata=_doc("at_risk: a key result at risk or off track; behind: a key result behind "
                                "pace; stale: a personal objective with no check-in for 2+ weeks."))
    root = QueryId(metadata=_doc("Start the tree at this objective (it must be shown under the filters); "
                                 "default: the top-level objectives."))
    depth = QueryDepth(metadata=_doc("Levels of aligned objectives below each top objective (0: none); a key "
                                     "result whose aligned objectives are cut off says how many in "
                                     "`objectives_not_shown`. Default: the whole cascade."))


# --- responses -----------------------------------------------------------------------------------

def _progress(text: str) -> fields.Float:
    return fields.Float(required=True, validate=validate.Range(min=0, max=1), metadata=_doc(text))


def _nullable(field_class, **kwargs):
    return field_class(required=True, allow_none=True, **kwargs)


class CycleSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    start = fields.Date(required=True)
    end = fields.Date(required=True, metadata=_doc("The last day, a Sunday."))
    weeks = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(CYCLE_STATES))


class CheckInSchema(Schema):
    id = fields.Integer(required=True)
    key_result_id = fields.Integer(required=True)
    value = fields.Float(required=True)
    confidence = fields.String(required=True, validate=validate.OneOf(CONFIDENCES))
    note = fields.String(required=True)
    author_email = _nullable(fields.Function, serialize=lambda c: c.author.email if c.author else None,
                             metadata={"type": "string", **_doc("Who checked in (null when unknown).")})
    created_at = UtcTimestamp(required=True)


# The cascade nodes are `okr_app.okrs.tree` node dictionaries, returned as they are (the tree page
# uses the same ones); these schemas document them exactly, and tests hold the output to them.
def _iso_date(**kwargs) -> fields.String:
    return fields.String(metadata={"format": "date"}, **kwargs)


class KeyResultNodeSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KR_KINDS))
    metric = _nullable(fields.String, metadata=_doc("The revenue metric of a metric key result; null otherwise."))
    unit = fields.String(required=True)
    start = _nullable(fields.Float)
    target = _nullable(fields.Float)
    current = _nullable(fields.Float, metadata=_doc("The latest check-in (the start before the first one); "
                                                    "null for a rollup. A metric key result's computed value "
                                                    "(a ratio for retention, e.g. 1.08); null when its cohort "
                                                    "is empty."))
    progress = _progress("0 to 1.")
    expected = _progress("Where the straight line from the cycle's start to the due date is today, 0 to 1.")
    pace = _nullable(fields.String, validate=validate.OneOf(PACES),
                     metadata=_doc("Against the straight line today; null once the cycle is closed."))
    confidence = fields.String(required=True, validate=validate.OneOf(CONFIDENCES))
    weight = fields.Float(required=True)
    due = _iso_date(required=True)
    vanity_risk = fields.Boolean(required=True)
    objectives = fields.List(fields.Nested(lambda: ObjectiveNodeSchema()), required=True,
                             metadata=_doc("The objectives aligned to this key result (visible ones only)."))
    objectives_not_shown = fields.Integer(validate=validate.Range(min=1), metadata=_doc(
        "Only when a `depth` cut the tree here: how many aligned objectives were left out."))


class ObjectiveNodeSchema(Schema):
    id = fields.Integer(required=True)
    title = fields.String(required=True)
    owner_type = fields.String(required=True, validate=validate.OneOf(OWNER_TYPES))
    owner = fields.String(required=True, metadata=_doc("The owner's name, the team's name, or Company."))
    owner_person_id = _nullable(fields.Integer)
    team_id = _nullable(fields.Integer)
    team = _nullable(fields.String)
    private = fields.Boolean(required=True)
    progress = _progress("Weighted mean of the key results' progress, 0 to 1.")
    at_risk = fields.Boolean(required=True, metadata=_doc("A key result is at risk or off track."))
    stale = fields.Boolean(required=True, metadata=_doc("A personal objective with no check-in for 2+ weeks."))
    last_checkin_at = _nullable(fields.String, metadata=_doc(
        "The latest check-in of its key results: UTC, ISO 8601 without an offset (as the tree page shows it)."))
    key_results = fields.List(fields.Nested(KeyResultNodeSchema), required=True)


class ObjectiveSchema(ObjectiveNodeSchema):
    cycle_id = fields.Integer(required=True)
    description = fields.String(required=True)
    owner_email = _nullable(fields.String)
    aligned_to = _nullable(fields.Integer, metadata=_doc("The key result this objective aligns to."))


class KeyResultSchema(KeyResultNodeSchema):
    objective_id = fields.Integer(required=True)
    cycle_id = fields.Integer(required=True)
    grade = _nullable(fields.Float, validate=validate.Range(min=limits.GRADE_MIN, max=limits.GRADE_MAX))
    explanation = fields.String(required=True, metadata=_doc("How the progress was computed, numbers filled in."))
    history = fields.List(fields.Nested(CheckInSchema), required=True, metadata=_doc("Every check-in, oldest first."))


class TreeCycleSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    start = _iso_date(required=True)
    end = _iso_date(required=True)
    weeks = fields.Integer(required=True)
    state = fields.String(required=True, validate=validate.OneOf(CYCLE_STATES))


class TreeSchema(Schema):
    cycle = fields.Nested(TreeCycleSchema, required=True)
    progress = _progress("Mean progress of the top-level objectives, 0 to 1.")
    objectives = fields.List(fields.Nested(ObjectiveNodeSchema), required=True,
                             metadata=_doc("Top-level objectives; each aligned one sits under its key result."))


class WeeklyReportSchema(Schema):
    id = fields.Integer(required=True)
    week = fields.String(required=True, attribute="iso_week")
    progress = fields.String(required=True)
    plans = fields.String(required=True)
    problems = fields.String(required=True)
    satisfaction = fields.Integer(required=True, validate=validate.Range(min=limits.SATISFACTION_MIN,
                                                                          max=limits.SATISFACTION_MAX))
    updated_at = UtcTimestamp(required=True)


class MeSchema(Schema):
    id = fields.Integer(required=True)
    email = fields.String(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    team = _nullable(fields.Function, serialize=lambda p: p.team.name if p.team else None,
                     metadata={"type": "string"})
    manager_email = _nullable(fields.Function, serialize=lambda p: p.manager.email if p.manager else None,
                              metadata={"type": "string"})


class CycleListSchema(Schema):
    cycles = fields.List(fields.Nested(CycleSchema), required=True, metadata=_doc("Newest first."))
