"""`cadence demo`: load a realistic demo company to try Cadence with."""
from __future__ import annotations

import time

import click
import sqlalchemy as sa

from okr_app.commands.edge import UsageFailure, app_context, unit_of_work
from okr_app.demo import DEMO_PASSWORD, seed_organisation
from okr_app.extensions import db
from okr_app.models import Person


@click.command()
@click.option("--if-empty", is_flag=True,
              help="Do nothing (and say so) when the database already has people, instead of failing.")
@click.option("--people", default=60, show_default=True, type=click.IntRange(20, 10_000),
              help="How many people the demo company has.")
@click.option("--seed", default=1, show_default=True, type=int,
              help="Another seed gives another company; the same seed on the same day gives the same one.")
def demo(if_empty: bool, people: int, seed: int) -> None:
    """Load a demo company: leadership, marketing, sales, customer success and a cross-functional pod,
    in week 9 of a 12-week cycle with company → team → person OKRs, eight weeks of check-ins and
    weekly reports. Prints the demo logins. Only into a database with nobody in it yet."""

    with app_context():
        if not sa.inspect(db.engine).has_table(Person.__tablename__):
            raise UsageFailure("The database has no tables yet: run `cadence init` first.")
        existing = db.session.scalar(sa.select(sa.func.count(Person.id))) or 0
        if existing:
            message = f"The database already has {existing} people; the demo loads only into an empty one."
            if if_empty:
                click.echo(f"{message} Nothing to do.")
                return
            raise UsageFailure(f"{message} Use a fresh database (CADENCE_DATABASE_URL), or --if-empty to skip.")
        began = time.perf_counter()
        with unit_of_work():
            company = seed_organisation(people, seed)
        click.echo(f"Loaded the demo company in {time.perf_counter() - began:.1f} s: {company.people} people, "
                   f"{company.objectives} objectives, {company.key_results} key results, "
                   f"{company.check_ins} check-ins, {company.reports} weekly reports.")
        click.echo("")
        click.echo("Demo logins (demo only — change it: everyone shares this password):")
        width = max(len(email) for _, _, email in company.logins)
        for role, name, email in company.logins:
            click.echo(f"  {role:<9} {email:<{width}}  {DEMO_PASSWORD}  {name}")
