"""The API's endpoints: parse, call the same service the web pages call, answer.

No rule lives here: limits, permissions and validation of values are the services' (which ask
`okr_app.policy`). Objects the caller may not see answer 404, exactly like ids that do not exist.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import selectinload

from okr_app.api import schemas as s
from okr_app.api.routing import JsonText, operation
from okr_app.checkins.services import save_weekly_report
from okr_app.cycles import services as cycles
from okr_app.errors import InvalidInput, NotFound
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, Person, Team
from okr_app.okrs import services as okrs
from okr_app.okrs.progress import ProgressBook
from okr_app.okrs.tree import cycle_tree, cycle_tree_json
from okr_app.people.services import person_by_email, team_by_name
from okr_app.policy import Actor
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

CYCLES, OKRS, WEEKLY, PEOPLE = "cycles", "objectives and key results", "weekly reports", "people"


# --- cycles --------------------------------------------------------------------------------------

@operation("GET", "/cycles", summary="List cycles", tag=CYCLES, responses={200: s.CycleListSchema})
def list_cycles(actor: Actor):
    """Every cycle, newest first."""
    found = db.session.scalars(sa.select(Cycle).order_by(Cycle.start.desc(), Cycle.id.desc()))
    return {"cycles": list(found)}


@operation("POST", "/cycles", summary="Create a cycle", tag=CYCLES, body=s.CycleRequest,
           responses={201: s.CycleSchema}, errors=(403,),
           example={"name": "FY27 Q1", "start": "2027-01-04", "weeks": 12})
def create_cycle(actor: Actor, body: dict):
    """Leaders and admins only. A cycle starts on a Monday and lasts one of the configured lengths
    (6 or 12 weeks by default); it starts in the planning state."""
    cycle = cycles.create_cycle(actor, body["name"], body["start"], body["weeks"])
    return cycle, 201, {"Location": url_for(".get_cycle", cycle_id=cycle.id)}


@operation("GET", "/cycles/<int:cycle_id>", summary="Get a cycle", tag=CYCLES, responses={200: s.CycleSchema})
def get_cycle(actor: Actor, cycle_id: int):
    return _cycle(cycle_id)


@operation("GET", "/cycles/<int:cycle_id>/tree", summary="The cascade of a cycle", tag=CYCLES,
           query=s.TreeQuery, responses={200: s.TreeSchema}, preshaped=True)
def get_cycle_tree(actor: Actor, cycle_id: int, query: dict):
    """Company → team → person objectives the caller may see, each aligned objective nested under the
    key result it aligns to, with progress rolled up (rollup key results: the mean of their objectives).
    The whole cascade by default; `root` and `depth` fetch one subtree a few levels at a time (a root
    not shown in this cycle answers 404)."""
    return JsonText(cycle_tree_json(actor, _cycle(cycle_id), team_id=query.get("team"), status=query.get("status"),
                                    root=query.get("root"), depth=query.get("depth")))


# --- objectives and key results ----------------------------------------------------------------------

@operation("POST", "/objectives", summary="Create an objective", tag=OKRS, body=s.ObjectiveRequest,
           responses={201: s.CreatedSchema}, errors=(403,),
           example={"cycle_id": 1, "title": "Customers renew because they succeed", "team": "Customer Success",
                    "aligned_to": 1})
def create_objective(actor: Actor, body: dict):
    """Owned by a person (`owner_email`), a team (`team`, by name) or the company (`"company": true`).
    You set your own objective and those of the people below you; leaders own team and company ones.
    A person has one objective per cycle by default."""
    cycle = db.session.get(Cycle, body["cycle_id"])
    if cycle is None:
        raise InvalidInput(f"cycle_id: cycle {body['cycle_id']} does not exist.")
    owner_type, owner_person, team = _owner(body)
    objective = okrs.create_objective(actor, cycle, body["title"], owner_type, owner_person=owner_person,
                                      team=team, aligned_kr_id=body["aligned_to"], private=body["private"],
                                      description=body["description"])
    return objective, 201, {"Location": url_for(".get_objective", objective_id=objective.id)}


@operation("GET", "/objectives/<int:objective_id>", summary="Get an objective", tag=OKRS,
           responses={200: s.ObjectiveSchema}, preshaped=True)
def get_objective(actor: Actor, objective_id: int):
    """The objective with its key results, progress, confidence and pace, and the objectives aligned
    below it (those the caller may see)."""
    objective = okrs.visible_objective(actor, objective_id)
    node = cycle_tree(actor, objective.cycle, root=objective.id).roots[0]
    return {**node.to_dict(), "cycle_id": objective.cycle_id, "description": objective.description,
            "owner_email": objective.owner_person.email if objective.owner_person else None,
            "aligned_to": objective.aligned_kr_id}


@operation("POST", "/objectives/<int:objective_id>/key-results", summary="Add a key result", tag=OKRS,
           body=s.KeyResultRequest, responses={201: s.CreatedSchema}, errors=(403,),
           example={"title": "Raise net revenue retention", "kind": "increase", "start": 96, "target": 110,
                    "unit": "%", "weight": 2})
def add_key_result(actor: Actor, objective_id: int, body: dict):
    """At most five key results per objective by default; past the limit nothing is saved (422).
    `start` and `target` are required for increase, decrease, stay_above and stay_below."""
    objective = okrs.visible_objective(actor, objective_id)
    kr = okrs.add_key_result(actor, objective, **body)
    return kr, 201, {"Location": url_for(".get_key_result", key_result_id=kr.id)}


@operation("GET", "/key-results/<int:key_result_id>", summary="Get a key result with its history", tag=OKRS,
           responses={200: s.KeyResultSchema}, preshaped=True)
def get_key_result(actor: Actor, key_result_id: int):
    """Current value, progress (with how it was computed), pace, confidence and every check-in."""
    kr = okrs.visible_key_result(actor, key_result_id)
    objective = kr.objective
    tree = cycle_tree(actor, objective.cycle, root=objective.id)
    node = next((k for k in tree.roots[0].key_results if k.id == kr.id), None)
    if node is None:
        raise NotFound("No such key result.")
    history = db.session.scalars(sa.select(CheckIn).options(selectinload(CheckIn.author))
                                 .where(CheckIn.key_result_id == kr.id).order_by(CheckIn.created_at, CheckIn.id))
    return {**node.to_dict(), "objective_id": objective.id, "cycle_id": objective.cycle_id, "grade": kr.grade,
            "explanation": ProgressBook.for_cycle(objective.cycle_id).explain(kr.id, actor),
            "history": s.CheckInSchema(many=True).dump(history)}


@operation("POST", "/key-results/<int:key_result_id>/check-ins", summary="Check in a new value", tag=OKRS,
           body=s.CheckInRequest, responses={201: s.CheckInSchema}, errors=(403,),
           example={"value": 104.5, "confidence": "on_track", "note": "Two renewals closed early."})
def check_in(actor: Actor, key_result_id: int, body: dict):
    """The new value becomes the key result's current value; the history keeps every check-in.
    A milestone takes 1 (done) or 0; a rollup is computed and takes no check-ins. A key result you may
    see but not change answers 403; one you may not see answers 404."""
    kr = okrs.visible_key_result(actor, key_result_id)
    entry = okrs.check_in(actor, kr, body["value"], body["confidence"], body["note"])
    return entry, 201


# --- weekly report and me ---------------------------------------------------------------------------

@operation("POST", "/weekly", summary="Write this week's report", tag=WEEKLY, body=s.WeeklyRequest,
           responses={201: s.WeeklyReportSchema, 200: s.WeeklyReportSchema},
           example={"progress": "Closed two renewals.", "plans": "Start the Q3 pipeline review.",
                    "problems": "Waiting on legal for the Acme contract.", "satisfaction": 4})
def save_weekly(actor: Actor, body: dict):
    """Progress, Plans, Problems and satisfaction (1–5) for the token owner's current ISO week:
    201 when it creates the week's report, 200 when it updates it."""
    week = body.get("week") or iso_week_of(today())
    report, created = save_weekly_report(actor, week, body["progress"], body["plans"], body["problems"],
                                         body["satisfaction"])
    return report, 201 if created else 200


@operation("GET", "/me", summary="Who this token acts as", tag=PEOPLE, responses={200: s.MeSchema})
def me(actor: Actor):
    return actor.person


# --- lookups ---------------------------------------------------------------------------------

def _cycle(cycle_id: int) -> Cycle:
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("No such cycle.")
    return cycle


def _owner(body: dict) -> tuple[str, Person | None, Team | None]:
    """The owner named in the body (the schema guarantees exactly one)."""
    if body.get("company"):
        return "company", None, None
    if body.get("team") is not None:
        name = body["team"].strip()
        team = team_by_name(name)
        if team is None:
            raise InvalidInput(f"team: no team is named {name!r}.")
        return "team", None, team
    email = body["owner_email"].strip()
    person = person_by_email(email)
    if person is None or not person.active:
        raise InvalidInput(f"owner_email: no active person has the email {email!r}.")
    return "person", person, None
