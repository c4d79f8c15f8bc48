"""Signed plans: finance publishes a plan version to the reps on it; each rep acknowledges it.

- `publish_plan` (finance) takes the plan file with the given key from the plans folder, exactly as
  written, with an optional PDF of the plan document, and sends it to every rep whose row in the
  quarter's imported roster names that plan. Each publication of a key is the next version (1, 2, ...).
- A rep acknowledges their version in the web by typing their name as Cadence knows it; the name
  typed and the time are kept with the version, for the record, and never change.
- Finance sees, per version, who has not acknowledged yet.
- A payout run warns (it does not block) for each rep it pays on a plan whose latest published
  version that rep has not acknowledged (`unacknowledged_warnings`): finance decides.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from comp_engine.plans import parse_plans, plan_sources
from okr_app.audit.services import record
from okr_app.clock import utcnow
from okr_app.errors import Conflict, InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.stored_files import store_file
from okr_app.models import Person, RosterRep, RunStatement
from okr_app.models.plans import PlanAcknowledgement, PlanVersion
from okr_app.notifications.services import notify
from okr_app.policy import Actor, can_publish_plans, can_view_runs

DOCUMENT_FOLDER = "plan-documents"
MAX_PDF_BYTES = 20 * 1024 * 1024


def publish_plan(actor: Actor, plans_dir: str | Path, plan_key: str, period: str,
                 pdf: tuple[str, bytes] | None = None) -> PlanVersion:
    """Publish the plan file with key `plan_key` to the reps on it in `period`'s roster."""
    if not can_publish_plans(actor):
        raise NotAllowed("Only finance publishes plans.")
    sources, problems = plan_sources(plans_dir)
    plans, _, plan_problems = parse_plans(sources)
    if problems or plan_problems:
        raise InvalidInput("The plans cannot be read: " + "; ".join(str(p) for p in problems + plan_problems))
    if plan_key not in plans:
        raise InvalidInput(f"No plan has the key {plan_key!r}; plan keys: {', '.join(sorted(plans)) or 'none'}.")
    text = next(content for path, content in sources if plan_key in parse_plans([(path, content)])[0])
    reps = list(db.session.scalars(sa.select(RosterRep).where(RosterRep.period == period, RosterRep.plan == plan_key)
                                   .order_by(RosterRep.line)))
    if not reps:
        raise InvalidInput(f"Nobody is on plan {plan_key} in the {period} roster: import the roster first "
                           f"(`cadence roster import roster.csv --period {period}`).")
    version = (db.session.scalar(sa.select(sa.func.max(PlanVersion.version)).where(PlanVersion.plan_key == plan_key))
               or 0) + 1
    published = PlanVersion(plan_key=plan_key, version=version, name=plans[plan_key].name, period=period,
                            toml_text=text.decode("utf-8"), sha256=hashlib.sha256(text).hexdigest(),
                            published_by_id=actor.id)
    if pdf is not None and pdf[1]:
        _store_pdf(published, *pdf)
    db.session.add(published)
    db.session.flush()
    people = _people_by_email([rep.email for rep in reps])
    db.session.add_all(PlanAcknowledgement(plan_version_id=published.id, rep_id=rep.rep_id, name=rep.name,
                                           email=rep.email, person_id=people.get(rep.email.strip().lower()))
                       for rep in reps)
    db.session.flush()
    record(actor.person, "plan.publish", "plan_version", published.id,
           after={"plan": plan_key, "version": version, "period": period, "sha256": published.sha256,
                  "pdf": published.pdf_name, "reps": [rep.rep_id for rep in reps]})
    notify(people.values(), f"Finance published {published.name} (plan {plan_key}, version {version}): "
                            "read it and acknowledge it.", "/pay/plans/", mail_key=f"plan-{published.id}",
           subject=f"Please acknowledge your plan: {published.name}", kind="pay_plan",
           endpoint=("payouts.plans", {}))
    return published


def _store_pdf(published: PlanVersion, name: str, content: bytes) -> None:
    if len(content) > MAX_PDF_BYTES:
        raise InvalidInput(f"The plan document is {len(content):,} bytes; the limit is {MAX_PDF_BYTES:,}.")
    if not content.startswith(b"%PDF-"):
        raise InvalidInput(f"{name} is not a PDF file.")
    key = store_file(Path(current_app.config["INSTANCE_PATH"]) / DOCUMENT_FOLDER, content)
    published.pdf_key, published.pdf_name = key, Path(name).name[-120:]


def _people_by_email(emails: list[str]) -> dict[str, int]:
    wanted = sorted({email.strip().lower() for email in emails})
    return dict(db.session.execute(sa.select(sa.func.lower(Person.email), Person.id)
                                   .where(sa.func.lower(Person.email).in_(wanted))).all())


# --- the rep's side ---------------------------------------------------------------------------------

def my_plans(actor: Actor) -> list[PlanAcknowledgement]:
    """Every plan version sent to this person, newest first, signed or not."""
    return list(db.session.scalars(sa.select(PlanAcknowledgement).join(PlanVersion)
                                   .where(PlanAcknowledgement.person_id == actor.id)
                                   .order_by(PlanVersion.published_at.desc(), PlanVersion.id.desc())))


def acknowledge_plan(actor: Actor, acknowledgement_id: int, typed_name: str) -> PlanAcknowledgement:
    """Sign one's own plan version by typing one's name (as Cadence knows it, any capitals and spaces)."""
    acknowledgement = db.session.get(PlanAcknowledgement, acknowledgement_id)
    if acknowledgement is None or acknowledgement.person_id != actor.id:
        raise NotFound(f"No plan to acknowledge #{acknowledgement_id}.")
    if acknowledgement.acknowledged_at is not None:
        raise Conflict(f"You acknowledged this plan on {acknowledgement.acknowledged_at:%Y-%m-%d %H:%M} UTC.")
    typed = " ".join((typed_name or "").split())
    if typed.casefold() != " ".join(actor.person.name.split()).casefold():
        raise InvalidInput(f"Type your name exactly as {actor.person.name!r} to acknowledge the plan.")
    acknowledgement.typed_name, acknowledgement.acknowledged_at = typed, utcnow()
    db.session.flush()
    version = acknowledgement.plan_version
    record(actor.person, "plan.acknowledge", "plan_acknowledgement", acknowledgement.id,
           after={"plan": version.plan_key, "version": version.version, "sha256": version.sha256,
                  "typed_name": typed, "at": acknowledgement.acknowledged_at.isoformat(timespec="seconds")})
    return acknowledgement


def plan_document(actor: Actor, version_id: int) -> tuple[PlanVersion, Path | None]:
    """A version's TOML (and PDF path) for finance and the reps it was sent to."""
    version = db.session.get(PlanVersion, version_id)
    allowed = version is not None and (can_view_runs(actor) or db.session.scalar(
        sa.select(PlanAcknowledgement.id).where(PlanAcknowledgement.plan_version_id == version.id,
                                                PlanAcknowledgement.person_id == actor.id)) is not None)
    if not allowed:
        raise NotFound(f"No plan version #{version_id}.")
    path = Path(current_app.config["INSTANCE_PATH"]) / DOCUMENT_FOLDER / version.pdf_key if version.pdf_key else None
    return version, path


# --- finance's side ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class VersionStatus:
    version: PlanVersion
    signed: list[PlanAcknowledgement]
    waiting: list[PlanAcknowledgement]


def plan_status(actor: Actor) -> list[VersionStatus]:
    """Every published version, newest first, with who has and has not acknowledged it."""
    if not can_view_runs(actor):
        raise NotFound("No such page.")
    versions = list(db.session.scalars(sa.select(PlanVersion).order_by(PlanVersion.published_at.desc(),
                                                                        PlanVersion.id.desc())))
    rows = list(db.session.scalars(sa.select(PlanAcknowledgement).order_by(PlanAcknowledgement.id)))
    return [VersionStatus(v, [r for r in rows if r.plan_version_id == v.id and r.acknowledged_at],
                          [r for r in rows if r.plan_version_id == v.id and not r.acknowledged_at]) for v in versions]


def unacknowledged_warnings(run_id: int) -> list[str]:
    """One sentence per rep the run pays (total not 0) on a plan whose latest published version
    they have not acknowledged. Plans never published warn nothing."""
    latest = {key: version for key, version in db.session.execute(
        sa.select(PlanVersion.plan_key, sa.func.max(PlanVersion.version)).group_by(PlanVersion.plan_key))}
    if not latest:
        return []
    warnings = []
    for rep_id, name, plan_key in db.session.execute(
            sa.select(RunStatement.rep_id, RunStatement.name, RunStatement.plan_key)
            .where(RunStatement.run_id == run_id, RunStatement.total_cents != 0).order_by(RunStatement.position)):
        if plan_key not in latest:
            continue
        signed = db.session.scalar(
            sa.select(PlanAcknowledgement.id).join(PlanVersion)
            .where(PlanVersion.plan_key == plan_key, PlanVersion.version == latest[plan_key],
                   PlanAcknowledgement.rep_id == rep_id, PlanAcknowledgement.acknowledged_at.is_not(None)))
        if signed is None:
            warnings.append(f"{name} ({rep_id}) is paid on plan {plan_key} but has not acknowledged its latest "
                            f"version ({latest[plan_key]}); the run is not blocked.")
    return warnings
