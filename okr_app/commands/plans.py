"""`cadence plans publish`: send a plan version to the reps on it, to acknowledge in the web."""
from __future__ import annotations

from pathlib import Path

import click
import sqlalchemy as sa
from flask import current_app

from okr_app.commands.edge import app_context, unit_of_work
from okr_app.commands.payout_runs import as_option
from okr_app.extensions import db
from okr_app.models import PlanAcknowledgement
from okr_app.payouts.plan_signing import publish_plan
from okr_app.payouts.services import actor_by_email


@click.group()
def plans() -> None:
    """Compensation plans the reps acknowledge before they are paid on them."""


@plans.command("publish")
@click.argument("plan_key")
@click.option("--period", required=True, metavar="YYYY-Qn",
              help="The quarter whose imported roster names the reps on the plan, e.g. 2026-Q3.")
@click.option("--pdf", "pdf_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Optional PDF of the plan document, shown beside the plan file.")
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of plan files (default: CADENCE_PLANS_DIR or plans/).")
@as_option
def publish(plan_key: str, period: str, pdf_file: Path | None, plans_dir: Path | None, as_email: str | None) -> None:
    """Publish the plan with key PLAN_KEY, exactly as its file reads now, as its next version.

    Every rep on that plan in the quarter's roster is asked (in the app) to read it and
    acknowledge it by typing their name. Payout runs warn about anyone they pay on a plan
    whose latest version that person has not acknowledged; they are not blocked.
    """


    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        pdf = (pdf_file.name, pdf_file.read_bytes()) if pdf_file else None
        version = publish_plan(actor, plans_dir or current_app.config["PLANS_DIR"], plan_key, period, pdf)
        count = len(version_recipients(version.id))
        message = (f"Published {version.name} ({version.plan_key}) as version {version.version} to {count} "
                   f"rep{'s' if count != 1 else ''} on the {period} roster (sha256:{version.sha256[:12]}).")
    click.echo(message)


def version_recipients(version_id: int) -> list[int]:


    return list(db.session.scalars(sa.select(PlanAcknowledgement.id)
                                   .where(PlanAcknowledgement.plan_version_id == version_id)))
