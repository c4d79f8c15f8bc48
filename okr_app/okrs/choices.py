"""What the objective form offers: the owners this person may set objectives for, and the key
results an objective may align to. The policy decides; these functions only list what it allows."""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from okr_app.bounds import form_id
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective, Person, Team
from okr_app.org import manager_chain_ids
from okr_app.policy import Actor, can_own_objective, can_view_objective

COMPANY = "company"


@dataclass(frozen=True)
class Owner:
    """A parsed owner choice: 'person:12', 'team:3' or 'company'."""

    owner_type: str
    person: Person | None = None
    team: Team | None = None


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    group: str | None = None


def owner_value(owner_type: str, owner_id: int | None = None) -> str:
    return COMPANY if owner_type == "company" else f"{owner_type}:{owner_id}"


def owner_options(actor: Actor) -> list[Option]:
    """Me first, then the people below me (everyone, for an admin), then teams and the company
    when the policy lets this person own those."""
    options = [Option(owner_value("person", actor.id), f"Me ({actor.person.name})", "People")]
    query = sa.select(Person).where(Person.active.is_(True), Person.id != actor.id).order_by(Person.name)
    if not actor.is_admin:
        if not actor.below:
            query = None
        else:
            query = query.where(Person.id.in_(actor.below))
    if query is not None:
        options += [Option(owner_value("person", p.id), p.name, "People") for p in db.session.scalars(query)
                    if can_own_objective(actor, "person", p.id)]
    if can_own_objective(actor, "team"):
        options += [Option(owner_value("team", t.id), t.name, "Teams")
                    for t in db.session.scalars(sa.select(Team).order_by(Team.name))]
    if can_own_objective(actor, "company"):
        options.append(Option(COMPANY, "The company", "Company"))
    return options


def parse_owner(value: str | None) -> Owner:
    """'person:12' → that person; 'team:3' → that team; 'company'. InvalidInput for anything else."""
    value = (value or "").strip()
    if value == COMPANY:
        return Owner("company")
    kind, _, raw_id = value.partition(":")
    if kind in ("person", "team") and raw_id.isdigit():
        if kind == "person":
            person = db.session.get(Person, int(raw_id))
            if person is not None and person.active:
                return Owner("person", person=person)
        else:
            team = db.session.get(Team, int(raw_id))
            if team is not None:
                return Owner("team", team=team)
    raise InvalidInput("Choose who owns this objective: you, one of your reports, a team or the company.")


def alignment_options(actor: Actor, cycle: Cycle, owner_person_id: int | None = None,
                      objective: Objective | None = None, wanted_kr_id: int | None = None) -> list[Option]:
    """Key results an objective may hang off, grouped by their objective: those of company and team
    objectives, and of the personal objectives of the owner's managers (up the org chart) and of
    the person filling in the form. The objective's own key results are never offered; its current
    alignment (or the one a link asked for) always is. The service still checks the choice (same
    cycle, no loop)."""
    keep = objective.aligned_kr_id if objective is not None and objective.aligned_kr_id else wanted_kr_id
    people = set(manager_chain_ids(owner_person_id or actor.id)) | {actor.id}
    if owner_person_id is not None:
        people.discard(owner_person_id)
    rows = db.session.execute(
        sa.select(KeyResult, Objective).join(Objective, KeyResult.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle.id,
               sa.or_(Objective.owner_type.in_(("company", "team")), Objective.owner_person_id.in_(people),
                      KeyResult.id == keep))
        .options(selectinload(Objective.owner_person), selectinload(Objective.team))
        .order_by(sa.case({"company": 0, "team": 1}, value=Objective.owner_type, else_=2), Objective.id,
                  KeyResult.position, KeyResult.id)).all()
    options = [Option("", "Not aligned (a top-level objective)")]
    for kr, parent in rows:
        if objective is not None and parent.id == objective.id:
            continue
        if not can_view_objective(actor, parent):
            continue
        options.append(Option(str(kr.id), kr.title, f"{parent.owner_label}: {parent.title}"))
    return options


def matching_options(options: list[Option], query: str, keep: int | None = None) -> list[Option]:
    """The options whose label or group holds every word of `query` (any case), as the picker's live search
    box does with JavaScript; "not aligned" and the `keep` choice (the one selected) always stay."""
    words = query.lower().split()
    return [o for o in options
            if not o.value or o.value == str(keep) or all(w in f"{o.label} {o.group or ''}".lower() for w in words)]


def optional_id(value) -> int | None:
    """Coerce a select's value: '' means none; anything else must be a whole number."""
    if value in (None, "", "None"):
        return None
    return form_id(value)
