"""`cadence payout approve | export | runs`, and `cadence payout run` on the imported data.

These commands act as a finance person named with `--as EMAIL` (or CADENCE_USER), who is
recorded on the run and in the audit trail. Each is one transaction: all of it happens,
or nothing does. Refusals (not finance, separation of duties, an approved quarter, a
run in progress) print the reason and exit with status 2.
"""
from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import click
from flask import current_app

from okr_app.commands.edge import UsageFailure, app_context, unit_of_work
from okr_app.commands.options import as_option
from okr_app.payouts.runs import record_run, totals_of
from okr_app.payouts.services import (actor_by_email, approve_run, export_run, get_run, list_runs,
                                      payees_without_account)


def _money(totals: dict) -> str:
    return ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(totals.items())) or "nothing"


def run_from_database(period: str, plans_dir: Path | None, as_email: str | None) -> None:
    """`cadence payout run --period P` without --deals: pay the quarter on the imported data."""
    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        outcome = record_run(actor, period, plans_dir or current_app.config["PLANS_DIR"])
        run = outcome.run
        totals = _money(totals_of(run))
        if outcome.status == "unchanged":
            lines = [f"unchanged: run #{run.id} ({run.state}) already holds {run.period} computed on these inputs; "
                     "nothing new was recorded."]
        else:
            lines = [f"Replaced draft run #{outcome.replaced.id} (its inputs have changed)."] if outcome.replaced else []
            lines.append(f"Recorded draft run #{run.id} for {run.period}: {run.rep_count} reps, {totals}"
                         f" ({outcome.adjustments} adjustment line{'s' if outcome.adjustments != 1 else ''}).")
            lines.append(f"Inputs fingerprint: sha256:{run.fingerprint}")
            lines.append(f"Another finance person approves it with `cadence payout approve {run.id} --as EMAIL`.")
        missing = ([f"{s.rep_id} ({s.email})" for s in payees_without_account(run)]
                   if outcome.status != "unchanged" else [])
    for line in lines:
        click.echo(line)
    for note in outcome.notes:
        click.echo(f"note: {note}", err=True)
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        click.echo(f"note: {len(missing)} payee{'s have' if len(missing) != 1 else ' has'} no Cadence account yet "
                   f"({shown}): invite them with that e-mail to read their statements once the run is approved.",
                   err=True)


@click.command("approve")
@click.argument("run_id", type=int)
@click.option("--yes", "confirmed", is_flag=True,
              help="Approve without asking (asked only when typing at a terminal).")
@as_option
def approve(run_id: int, confirmed: bool, as_email: str | None) -> None:
    """Approve a draft run: it is locked and never changes again.

    Separation of duties: the approver did not run the payout, is not paid by it (their
    e-mail is not on its roster) and did not change its deals, roster or quotas after it
    was computed; each refusal is kept in the audit trail. At a terminal it asks for
    confirmation first (approving cannot be undone). A correction to an approved quarter
    is paid as adjustment lines in a later quarter's run.
    """
    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        run = get_run(actor, run_id)
        if not confirmed and sys.stdin.isatty():
            click.confirm(f"Approve run #{run.id} for {run.period} ({run.rep_count} reps, {_money(totals_of(run))})? "
                          "It cannot be undone", abort=True)
        run = approve_run(actor, run)
        message = (f"Approved run #{run.id} for {run.period}; it is locked. Export the payroll file with "
                   f"`cadence payout export {run.id} --format csv --out payroll.csv --as EMAIL`.")
    click.echo(message)


@click.command("export")
@click.argument("run_id", type=int)
@click.option("--format", "file_format", type=click.Choice(["csv"]), default="csv", show_default=True,
              help="The payroll file's format.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              help="File to write (replaced if it exists); standard output without it.")
@as_option
def export(run_id: int, file_format: str, out: Path | None, as_email: str | None) -> None:
    """Write the payroll file of an approved run: rep, email, period, currency, amount.

    One row per rep, amounts with two decimals. The run is marked exported; exporting
    again writes the same file and is recorded again in the audit trail.
    """
    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        run = get_run(actor, run_id)
        earlier = run.exported_at
        text = export_run(actor, run)
        if out is not None:
            _write_whole(out, text)
        rows = run.rep_count
    if out is None:
        click.echo(text, nl=False)
    else:
        click.echo(f"Wrote {out} ({rows} rows) for run #{run_id}.")
    if earlier is not None:
        click.echo(f"Note: run #{run_id} had already been exported on {earlier:%Y-%m-%d %H:%M} UTC; "
                   "do not pay it twice.", err=True)


def _write_whole(out: Path, text: str) -> None:
    """The whole file or nothing: written beside `out`, then moved into place."""
    parent = out.parent if str(out.parent) else Path(".")
    try:
        handle = tempfile.NamedTemporaryFile("w", encoding="utf-8", newline="", dir=parent,
                                             prefix=f".{out.name}.", delete=False)
        with handle:
            handle.write(text)
        os.replace(handle.name, out)
    except OSError as error:
        raise UsageFailure(f"Could not write {out}: {error.strerror or error}; nothing was exported.") from None


@click.command("runs")
@click.option("--period", metavar="YYYY-Qn", help="Only this quarter's runs.")
@click.option("--all", "include_superseded", is_flag=True, help="Also list drafts replaced by a newer run.")
@as_option
def runs(period: str | None, include_superseded: bool, as_email: str | None) -> None:
    """List payout runs, newest quarter first: id, quarter, state, reps, totals, who ran
    and approved them."""
    with app_context(), unit_of_work():
        actor = actor_by_email(as_email)
        rows = []
        for summary in list_runs(actor, period, include_superseded):
            run = summary.run
            approved = (f"approved by {run.approved_by.email} {run.approved_at:%Y-%m-%d}"
                        if run.approved_by and run.approved_at else "")
            exported = f"exported {run.exported_at:%Y-%m-%d}" if run.exported_at else ""
            ran = f"run by {run.created_by.email if run.created_by else 'system'} {run.created_at:%Y-%m-%d %H:%M}"
            rows.append("  ".join(part for part in (
                f"#{run.id}", run.period, run.state.ljust(10), f"{run.rep_count} reps", _money(summary.totals),
                ran, approved, exported) if part))
    click.echo("\n".join(rows) if rows else "No payout runs yet: `cadence payout run --period YYYY-Qn --as EMAIL`.")

