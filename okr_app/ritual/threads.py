"""Conversations: a thread on each weekly report (about its Problems) and one on each key result.

Who writes: on a report, its author, the people above them and leaders (`can_reply_to`); on a key result,
anyone who can see its objective (`can_comment_on_objective`). Who hears of a message: everyone already in
the thread, the report's author or the key result's owner, and anyone @mentioned by name ("@Eve Example"),
never the writer themself and never someone who could not open the thread."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from okr_app.audit.services import record
from okr_app.errors import InvalidInput, NotAllowed
from okr_app.extensions import db
from okr_app.models import KeyResult, KeyResultComment, Person, ReportReply, WeeklyReport
from okr_app.policy import Actor, can_comment_on_objective, can_read_weekly, can_view_objective
from okr_app.notifications.services import notify_person

MAX_BODY = 10_000
MENTION_START = re.compile(r"(?<![\w@])@(\w[\w'.-]*)")


@dataclass(frozen=True)
class Message:
    author: str
    body: str
    at: datetime


def mentioned_people(body: str) -> list[Person]:
    """Active people named after an '@': the longest full name that follows, case-insensitive
    ("@eve example thanks" mentions Eve Example, not an Eve)."""
    found: dict[int, Person] = {}
    for match in MENTION_START.finditer(body):
        first = match.group(1).lower()
        candidates = db.session.scalars(sa.select(Person).where(
            Person.active.is_(True), sa.func.lower(Person.name).like(f"{_escape(first)}%", escape="\\"))).all()
        after = body[match.start() + 1:].lower()
        best = None
        for person in candidates:
            name = person.name.lower()
            rest = after[len(name):len(name) + 1]
            if after.startswith(name) and not (rest.isalnum() or rest == "_"):
                if best is None or len(person.name) > len(best.name):
                    best = person
        if best is not None:
            found[best.id] = best
    return list(found.values())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise InvalidInput("A message needs some text.")
    if len(body) > MAX_BODY:
        raise InvalidInput(f"A message is at most {MAX_BODY:,} characters; this one has {len(body):,}.")
    return body


def _excerpt(body: str, length: int = 120) -> str:
    flat = " ".join(body.split())
    return flat if len(flat) <= length else flat[:length - 1] + "…"


# --- weekly reports ---------------------------------------------------------------------------------

def tell_report_thread(actor: Actor, report: WeeklyReport, reply: ReportReply) -> None:
    """Notify the report's author, everyone who wrote in its thread before and the people mentioned."""
    author = db.session.get(Person, report.person_id)
    earlier = set(db.session.scalars(sa.select(ReportReply.author_id).where(
        ReportReply.report_id == report.id, ReportReply.id != reply.id)))
    mentioned = {p.id: p for p in mentioned_people(reply.body)}
    audience = ({report.person_id} | earlier | set(mentioned)) - {actor.id}
    people = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(audience)))}
    whose = f"{author.name}'s"
    for person in people.values():
        if not can_read_weekly(Actor(person), report.person_id):
            continue  # a mention never opens a report to someone who may not read it
        own = "your" if person.id == report.person_id else whose
        kind = "mention" if person.id in mentioned and person.id not in earlier | {report.person_id} else "reply"
        verb = "mentioned you on" if kind == "mention" else "replied on"
        text = f"{actor.person.name} {verb} {own} report for {report.iso_week}: “{_excerpt(reply.body)}”"
        notify_person(person, text, "checkins.report", {"report_id": report.id}, anchor="thread")


# --- key results ------------------------------------------------------------------------------------

def kr_thread(kr_id: int) -> list[Message]:
    rows = db.session.execute(
        sa.select(Person.name, KeyResultComment.body, KeyResultComment.created_at)
        .join(Person, KeyResultComment.author_id == Person.id)
        .where(KeyResultComment.key_result_id == kr_id)
        .order_by(KeyResultComment.created_at, KeyResultComment.id))
    return [Message(author=name, body=body, at=at) for name, body, at in rows]


def comment_on_key_result(actor: Actor, kr: KeyResult, body: str) -> KeyResultComment:
    objective = kr.objective
    if not can_comment_on_objective(actor, objective):
        raise NotAllowed("You cannot write in this key result's thread.")
    body = _clean(body)
    comment = KeyResultComment(key_result_id=kr.id, author_id=actor.id, body=body)
    db.session.add(comment)
    db.session.flush()
    record(actor.person, "kr.comment", "key_result", kr.id, after=body[:200])
    earlier = set(db.session.scalars(sa.select(KeyResultComment.author_id).where(
        KeyResultComment.key_result_id == kr.id, KeyResultComment.id != comment.id)))
    owner = {objective.owner_person_id} if objective.owner_type == "person" else set()
    mentioned = {p.id for p in mentioned_people(body)}
    audience = (earlier | owner | mentioned) - {actor.id}
    for person in db.session.scalars(sa.select(Person).where(Person.id.in_(audience))):
        if not can_view_objective(Actor(person), objective):
            continue
        mention = person.id in mentioned and person.id not in earlier | owner
        own = "your key result" if person.id in owner else "the key result"
        verb = "mentioned you on" if mention else "replied on"
        text = f"{actor.person.name} {verb} {own} “{_excerpt(kr.title, 80)}”: “{_excerpt(body)}”"
        notify_person(person, text, "okrs.key_result", {"kr_id": kr.id}, anchor="thread")
    return comment
