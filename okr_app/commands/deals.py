"""`cadence deals | roster | quotas import`: the data a payout run from the database pays on.

Every import is all or nothing and checked by the payout engine's own rules, so a file
that `cadence payout run --deals ...` would refuse is refused here with the same
messages (file, line, field), and nothing is saved. Imports are recorded in the audit
trail with the file's sha256, as the finance person named by `--as EMAIL`.
"""
from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from okr_app.commands.edge import app_context, unit_of_work
from okr_app.commands.options import as_option
from okr_app.payouts import imports
from okr_app.payouts.services import actor_by_email


def _approved_note(periods: tuple[str, ...]) -> str:
    if not periods:
        return ""
    return (f"\nNote: this changes {', '.join(periods)}, already approved. Approved runs never change: the "
            "next quarter's run will pay the difference as adjustment lines.")


@click.group()
def deals() -> None:
    """Closed deals for payouts from the database (`cadence payout run --period P`)."""


@deals.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--replace", is_flag=True,
              help="Correct deals already imported: a row whose deal_id is known replaces the stored deal.")
@as_option
def import_deals(csv_file: Path, replace: bool, as_email: str | None) -> None:
    """Import a deals.csv: every deal in it, or none.

    Columns: deal_id,account_id,rep_id,type,amount,close_date and optional split and
    source (the same file `cadence payout run --deals` reads). Metric key results of
    cycles not closed are recomputed; each changed value is recorded as a check-in. A deal_id already imported is
    refused unless --replace is given. Every problem is printed (file, line, field);
    files over CADENCE_MAX_IMPORT_BYTES are refused before they are read.
    """

    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        data, name = imports.read_import_file(csv_file, current_app.config["MAX_IMPORT_BYTES"])
        outcome = imports.import_deals(actor, data, name, replace=replace)
        message = (f"Imported {name}: {outcome.added} new deal{'s' if outcome.added != 1 else ''}"
                   + (f", {outcome.replaced} corrected" if replace else "")
                   + (f", {outcome.unchanged} unchanged" if outcome.unchanged else "")
                   + f" (import #{outcome.batch.id}, sha256 {outcome.batch.sha256[:12]}…)."
                   + _approved_note(outcome.approved_periods)
                   + (f"\nMetric key results: {outcome.metric_check_ins} value"
                      f"{'s' if outcome.metric_check_ins != 1 else ''} changed, each recorded as a check-in."
                      if outcome.metric_check_ins else ""))
    click.echo(message)


@deals.command("remove")
@click.argument("deal_ids", nargs=-1, required=True)
@as_option
def remove_deals(deal_ids: tuple[str, ...], as_email: str | None) -> None:
    """Remove imported deals by deal_id (a deal imported by mistake). All or none."""

    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        removed = imports.remove_deals(actor, list(deal_ids))
        message = (f"Removed {len(removed)} deal{'s' if len(removed) != 1 else ''}."
                   + _approved_note(imports.deals_periods(removed)))
    click.echo(message)


@click.group()
def roster() -> None:
    """Who is paid in a quarter, and on which plan."""


@roster.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--period", required=True, metavar="YYYY-Qn", help="The quarter this roster pays, e.g. 2026-Q2.")
@click.option("--plans", "plans_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Folder of plan files the roster's plan keys must name (default: CADENCE_PLANS_DIR or plans/).")
@as_option
def import_roster(csv_file: Path, period: str, plans_dir: Path | None, as_email: str | None) -> None:
    """Import a quarter's roster.csv, replacing that quarter's roster: all reps, or none.

    Columns: rep_id,name,email,plan and optional manager_id,target_incentive,
    start_date,end_date,draw,draw_kind,draw_balance. Every rep credited on a deal must be
    on the roster of the quarters paid. A recoverable draw's balance is carried from the
    last approved run; draw_balance is only the opening balance.
    """

    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        data, name = imports.read_import_file(csv_file, current_app.config["MAX_IMPORT_BYTES"])
        outcome = imports.import_roster(actor, data, name, period, plans_dir or current_app.config["PLANS_DIR"])
        message = (f"Imported {name} as the {outcome.batch.period} roster: {outcome.added} reps"
                   + (f" (replacing {outcome.removed})" if outcome.removed else "") + "."
                   + _approved_note(outcome.approved_periods))
    click.echo(message)


@click.group()
def quotas() -> None:
    """Quotas per rep, quarter and plan component."""


@quotas.command("import")
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@as_option
def import_quotas(csv_file: Path, as_email: str | None) -> None:
    """Import a quotas.csv: it replaces every quota of each quarter it names. All or none.

    Columns: rep_id,period,component,quota (one row per rep, quarter and quota component).
    """

    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        data, name = imports.read_import_file(csv_file, current_app.config["MAX_IMPORT_BYTES"])
        outcome = imports.import_quotas(actor, data, name)
        message = (f"Imported {name}: {outcome.added} quotas for {', '.join(outcome.periods)}"
                   + (f" (replacing {outcome.removed})" if outcome.removed else "") + "."
                   + _approved_note(outcome.approved_periods))
    click.echo(message)
