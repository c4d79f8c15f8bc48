"""What an audit event is about, named for people: "Ana Alvarez" linked to her page, not `person:24`.

The trail stores each object as a type and an id, and the row may since have been deleted or renamed.
The page looks the names up when it is shown, with one query per kind of object on the page (so at
most one per entry of `KINDS`, whatever the page size), and says so when the row is gone. The stored
key (`person:24`) stays beside the name in small type and in the CSV export: it is what an auditor
matches against the database.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import url_for
from sqlalchemy.orm import joinedload

from okr_app.extensions import db
from okr_app.models import (ApiToken, AuditEvent, Cycle, Deal, KeyResult, Objective, PayoutImport, PayoutRun, Person,
                            PlanAcknowledgement, PlanVersion, StatementQuestion, Team, WeeklyReport)

IMPORT_NOUNS = {"deals": "Deals import", "roster": "Roster import", "quotas": "Quotas import"}


@dataclass(frozen=True)
class ObjectLabel:
    """An object as the page shows it: `text` (a name), `url` (its page, or None) and the stored `key`."""

    text: str
    url: str | None
    key: str


@dataclass(frozen=True)
class Kind:
    """How to name one type of object: the noun for a row that is gone, the model and the column its
    stored id matches, and the row's name and page."""

    noun: str
    model: Any
    column: str
    name: Callable[[Any], str]
    url: Callable[[Any], str | None]
    joined: Any = None  # the relationship `name` reads, loaded with the rows


def _team_url(team: Team) -> str:
    return url_for("checkins.team", team=team.id)


KINDS: dict[str, Kind] = {
    "person": Kind("person", Person, "id", lambda p: p.name, lambda p: url_for("people.show", person_id=p.id)),
    "objective": Kind("objective", Objective, "id", lambda o: o.title,
                      lambda o: url_for("okrs.objective", objective_id=o.id)),
    "key_result": Kind("key result", KeyResult, "id", lambda k: k.title,
                       lambda k: url_for("okrs.key_result", kr_id=k.id)),
    "cycle": Kind("cycle", Cycle, "id", lambda c: c.name, lambda c: url_for("cycles.cycle", cycle_id=c.id)),
    "team": Kind("team", Team, "id", lambda t: t.name, _team_url),
    "payout_run": Kind("payout run", PayoutRun, "id", lambda r: f"Payout run #{r.id}, {r.period}",
                       lambda r: url_for("payouts.run", run_id=r.id)),
    "weekly_report": Kind("weekly report", WeeklyReport, "id",
                          lambda w: f"{w.person.name}'s report for {w.iso_week}",
                          lambda w: url_for("checkins.report", report_id=w.id), WeeklyReport.person),
    "payout_import": Kind("import", PayoutImport, "id",
                          lambda i: f"{IMPORT_NOUNS.get(i.kind, 'Import')} #{i.id}: {i.file_name}", lambda i: None),
    "statement_question": Kind("question", StatementQuestion, "id", lambda q: f"Question #{q.id} on a statement",
                               lambda q: url_for("payouts.question", question_id=q.id)),
    "plan_version": Kind("plan version", PlanVersion, "id", lambda v: f"{v.name}, version {v.version}",
                         lambda v: url_for("payouts.plan_pdf", version_id=v.id)),
    "plan_acknowledgement": Kind("acknowledgement", PlanAcknowledgement, "id",
                                 lambda a: f"{a.name}'s acknowledgement of {a.plan_version.name}, "
                                           f"version {a.plan_version.version}",
                                 lambda a: url_for("payouts.plan_pdf", version_id=a.plan_version_id),
                                 PlanAcknowledgement.plan_version),
    "api_token": Kind("API token", ApiToken, "id", lambda t: f"API token “{t.name or t.prefix}”", lambda t: None),
    "deal": Kind("deal", Deal, "deal_id", lambda d: f"Deal {d.deal_id}", lambda d: None),
}


def object_key(object_type: str, object_id: str) -> str:
    """The stored form, as the CSV export writes it: `person:24`, or the bare type when it has no id."""
    return f"{object_type}:{object_id}" if object_id else object_type


def object_labels(events: Iterable[AuditEvent]) -> dict[tuple[str, str], ObjectLabel]:
    """Every event's object, and every actor with an account (as `("person", id)`), named; one query
    per kind present."""
    wanted: dict[str, set[str]] = defaultdict(set)
    for event in events:
        wanted[event.object_type].add(event.object_id)
        if event.actor_id:
            wanted["person"].add(str(event.actor_id))
    labels: dict[tuple[str, str], ObjectLabel] = {}
    for object_type, ids in wanted.items():
        labels.update(_labels_of(object_type, {i for i in ids if i}))
        if "" in ids:
            labels[(object_type, "")] = ObjectLabel(_words(object_type), None, object_type)
    return labels


def _labels_of(object_type: str, ids: set[str]) -> dict[tuple[str, str], ObjectLabel]:
    kind = KINDS.get(object_type)
    if kind is None:  # a file name, a setting: the stored text is already its name
        return {(object_type, i): ObjectLabel(f"{_words(object_type).capitalize()} {i}", None,
                                              object_key(object_type, i)) for i in ids}
    column = getattr(kind.model, kind.column)
    keys = {int(i) for i in ids if i.isdigit()} if kind.column == "id" else ids
    query = sa.select(kind.model).where(column.in_(keys))
    if kind.joined is not None:
        query = query.options(joinedload(kind.joined))
    rows = {str(getattr(row, kind.column)): row for row in db.session.scalars(query)} if keys else {}
    labels = {}
    for i in ids:
        row = rows.get(i)
        key = object_key(object_type, i)
        labels[(object_type, i)] = (ObjectLabel(kind.name(row), kind.url(row), key) if row is not None
                                    else ObjectLabel(f"{kind.noun.capitalize()} #{i} (no longer exists)", None, key))
    return labels


def _words(object_type: str) -> str:
    return object_type.replace("_", " ")
