"""`cadence payout run`: a quarter's payouts, from files or from the imported data.

A thin door onto `comp_engine`: it parses the options, calls the engine, and maps the
engine's input errors to exit status 2 with one message per problem. From files it
loads the engine alone (no Flask, no database), and starts reading the deals file
(`comp_engine.deals_reading`) before it imports the rest of the engine; without files it
records a run on the database through `okr_app.commands.payout_runs`.
"""
from __future__ import annotations

from pathlib import Path

import click

from comp_engine import PayoutInputError, PeriodInvalid, Problem, parse_period
from comp_engine.collector import cycle_collection_paused
from comp_engine.periods import Period
from okr_app.commands.lazy import leave_at_once
from okr_app.commands.options import refuse_inputs


def period_option(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_period(value)
    except PeriodInvalid as refused:
        raise click.BadParameter(str(refused)) from None


@click.command("run")
@click.option("--period", required=True, metavar="YYYY-Qn", callback=period_option,
              help="The calendar quarter to pay, e.g. 2026-Q2 (Q1 is January to March).")
@click.option("--deals", type=click.Path(path_type=Path),
              help="Closed deals CSV: deal_id,account_id,rep_id,type,amount,close_date and optional split.")
@click.option("--roster", type=click.Path(path_type=Path),
              help="Roster CSV: rep_id,name,email,plan and optional manager_id,target_incentive, "
                   "start_date,end_date (mid-quarter hires and leavers), draw,draw_kind,draw_balance.")
@click.option("--quotas", type=click.Path(path_type=Path),
              help="Quotas CSV: rep_id,period,component,quota (one row per rep, quarter and quota component).")
@click.option("--plans", "plans_dir", type=click.Path(path_type=Path),
              help="Folder holding the plan files (*.toml).")
@click.option("--out", type=click.Path(path_type=Path),
              help="Folder to write lines.csv and totals.csv into (created if needed).")
@click.option("--as", "as_email", envvar="CADENCE_USER", metavar="EMAIL",
              help="Without --deals: the finance person recording the run (or set CADENCE_USER).")
def run(period: Period, deals: Path | None, roster: Path | None, quotas: Path | None,
        plans_dir: Path | None, out: Path | None, as_email: str | None = None) -> None:
    """Compute a quarter's payouts from files and write OUT/lines.csv and OUT/totals.csv.

    \b
    Example:
      cadence payout run --period 2026-Q2 --deals examples/deals.csv \\
        --roster examples/roster.csv --quotas examples/quotas.csv \\
        --plans plans/ --out out/2026-Q2/

    lines.csv has one row per rep and plan component, modifier and clawback;
    totals.csv one row per rep with the amount to pay. If any input is invalid,
    every problem is listed (file, line, column), nothing is written and the
    command exits with status 2. Running it again on the same files writes the
    same bytes; the fingerprint printed at the end identifies the inputs.

    When a rep leaves, take them off roster.csv and keep their deals and quotas:
    deals that closed before (or after) the quarter may credit people who are not
    on the roster. Their share is not paid or measured; everyone else is paid as
    if they were still on it (accounts' ARR and books do not change). A "note:"
    line names those ids with their number of deals: an id you do not recognise
    is a typo in deals.csv, which leaves that account out of the real rep's book.
    A deal closed in the quarter, or a new deal clawed back in it, must credit
    only reps on the roster. Quota rows of people not on the roster are ignored.

    Without --deals, --roster, --quotas and --out, the quarter is paid on the data
    imported with `cadence deals|roster|quotas import` and recorded as a draft run
    (`cadence payout run --period 2026-Q2 --as you@example.com`; see `cadence payout runs`).
    """
    given = {"--deals": deals, "--roster": roster, "--quotas": quotas, "--plans": plans_dir, "--out": out}
    if deals is None and roster is None and quotas is None and out is None:
        from okr_app.commands.payout_runs import run_from_database  # the database door loads the app

        return run_from_database(str(period), plans_dir, as_email)
    if deals is None:
        raise click.UsageError("give the input files: --deals, --roster, --quotas, --plans and --out")
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise click.UsageError(f"a run from files also needs {', '.join(missing)}")
    assert roster is not None and quotas is not None and plans_dir is not None and out is not None
    if out.exists() and not out.is_dir():
        refuse_inputs([Problem(str(out), None, None, "exists and is not a folder")])
    with cycle_collection_paused():  # what the run computed lives until the process ends: no collection would free it
        from comp_engine.deals_reading import start_reading  # numpy and Arrow: what reading the deals needs

        reading = start_reading(deals, file_sha256=False)  # read while the rest of the engine is imported
        from comp_engine.outputs import write_texts
        from comp_engine.run_files import run_payout_files
        try:
            files = run_payout_files(period, deals, roster, quotas, plans_dir, reading=reading)
        except PayoutInputError as refused:
            refuse_inputs(refused.problems)
        try:
            written = write_texts(files.contents, out)
        except OSError as error:
            raise click.ClickException(
                f"could not write to {out}: {error.strerror or error}; nothing was written") from None
    totals = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(files.totals_by_currency.items()))
    click.echo(f"Paid {files.reps} rep{'s' if files.reps != 1 else ''} for {files.period}: {totals or 'nothing'}.")
    click.echo(f"Wrote {written[0]} ({files.lines} lines) and {written[1]}.")
    click.echo(f"Inputs fingerprint: sha256:{files.fingerprint}")
    for note in files.notes:
        click.echo(f"note: {note}", err=True)
    leave_at_once()  # lines.csv and totals.csv are synced; nothing else is open
