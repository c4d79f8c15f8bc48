"""`cadence payout`: the quarterly commission payout, run by finance.

Each command is a thin door onto `comp_engine`: it parses the options, calls the
engine, and maps the engine's input errors to exit status 2 with one message per
problem. Commands are added to the `payout` group below and listed in COMMANDS.
"""
from __future__ import annotations

from pathlib import Path

import click

from comp_engine import PayoutInputError, PeriodInvalid, Problem, parse_period, run_payout, write_outputs
from comp_engine.periods import Period

INPUT_ERROR_EXIT = 2


@click.group()
def payout() -> None:
    """Quarterly commission payouts: compute what each rep earned.

    A payout reads closed deals, the roster of reps with their plans, quotas per
    quarter and the plan files, and pays every rep on the roster for one calendar
    quarter. Every amount on a statement traces back to the deals and plan lines that
    produced it. Start with `cadence payout run --help`.
    """


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    if value is None:
        return None
    try:
        return parse_period(value)
    except PeriodInvalid as refused:
        raise click.BadParameter(str(refused)) from None


@payout.command("run")
@click.option("--period", required=True, metavar="YYYY-Qn", callback=_period,
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
        from okr_app.commands.payout_runs import run_from_database

        return run_from_database(str(period), plans_dir, as_email)
    if deals is None:
        raise click.UsageError("give the input files: --deals, --roster, --quotas, --plans and --out")
    missing = [name for name, value in given.items() if value is None]
    if missing:
        raise click.UsageError(f"a run from files also needs {', '.join(missing)}")
    assert roster is not None and quotas is not None and plans_dir is not None and out is not None
    if out.exists() and not out.is_dir():
        _refuse_inputs(PayoutInputError([Problem(str(out), None, None, "exists and is not a folder")]))
    try:
        result = run_payout(period, deals, roster, quotas, plans_dir)
    except PayoutInputError as refused:
        _refuse_inputs(refused)
    try:
        written = write_outputs(result, out)
    except OSError as error:
        raise click.ClickException(f"could not write to {out}: {error.strerror or error}; nothing was written") from None
    lines = sum(len(statement.lines) for statement in result.statements)
    totals = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(result.totals_by_currency().items()))
    reps = len(result.statements)
    click.echo(f"Paid {reps} rep{'s' if reps != 1 else ''} for {result.period}: {totals or 'nothing'}.")
    click.echo(f"Wrote {written[0]} ({lines} lines) and {written[1]}.")
    click.echo(f"Inputs fingerprint: sha256:{result.fingerprint}")
    for note in result.notes:
        click.echo(f"note: {note}", err=True)


@payout.command("compare")
@click.option("--from", "first", required=True, metavar="YYYY-Qn", callback=_period, help="The first quarter replayed.")
@click.option("--to", "last", required=True, metavar="YYYY-Qn", callback=_period, help="The last quarter replayed.")
@click.option("--deals", required=True, type=click.Path(path_type=Path),
              help="Closed deals CSV (optional split and source columns).")
@click.option("--roster", required=True, type=click.Path(path_type=Path), help="Roster CSV; its plan column is replaced.")
@click.option("--quotas", required=True, type=click.Path(path_type=Path),
              help="Quotas CSV: a quota for each quota component of every compared plan.")
@click.option("--plans", "plans_dir", required=True, type=click.Path(path_type=Path), help="Folder of plan files.")
@click.option("--plan", "plan_keys", required=True, multiple=True, metavar="KEY",
              help="A plan to replay the quarters under; give it once per plan.")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder for compare.csv, reps.csv and compare.pdf (created if needed).")
def compare(first: Period, last: Period, deals: Path, roster: Path, quotas: Path, plans_dir: Path,
            plan_keys: tuple[str, ...], out: Path) -> None:
    """Try plans on past quarters: every quarter paid as if every rep had been on each plan.

    \b
    Example:
      cadence payout compare --from 2025-Q1 --to 2025-Q4 --deals examples/deals.csv \\
        --roster examples/roster.csv --quotas examples/quotas.csv --plans plans/ \\
        --plan ae-80-20 --plan ae-50-50 --out out/compare/

    Each quarter is paid by the same engine as `cadence payout run`, with the roster's
    plan column set to the plan (target incentives the roster sets stay). compare.csv
    has one row per plan and quarter: plan,period,reps,total,new_arr,renewal_arr,
    cost_per_new_arr,retained_12m_share (the share of the new ARR credited in the
    quarter still live 12 months after each deal closed; empty when the deals do not
    reach that far). reps.csv has each rep's pay, credited new ARR and book GRR;
    compare.pdf the charts and a plain reading. A back-test replays past behaviour:
    it cannot show how people would have sold under another plan.
    """
    from comp_engine.backtest import CAVEAT, compare_csv, compare_plans, reading_of, reps_csv
    from comp_engine.money import display_amount
    from okr_app.clock import today
    from reports.compare import compare_pdf

    if out.exists() and not out.is_dir():
        _refuse_inputs(PayoutInputError([Problem(str(out), None, None, "exists and is not a folder")]))
    try:
        comparison = compare_plans(first, last, deals, roster, quotas, plans_dir, list(dict.fromkeys(plan_keys)))
    except PayoutInputError as refused:
        _refuse_inputs(refused)
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / "compare.csv").write_text(compare_csv(comparison), encoding="utf-8")
        (out / "reps.csv").write_text(reps_csv(comparison), encoding="utf-8")
        (out / "compare.pdf").write_bytes(compare_pdf(comparison, today()))
    except OSError as error:
        raise click.ClickException(f"could not write to {out}: {error.strerror or error}") from None
    for plan in comparison.plans:
        rows = [row for row in comparison.rows if row.plan == plan]
        total = sum((row.total for row in rows), 0)
        per_quarter = ", ".join(f"{row.period} {display_amount(row.total)}" for row in rows)
        click.echo(f"{plan}: {display_amount(total)} {rows[0].currency} ({per_quarter})")
    click.echo(reading_of(comparison))
    click.echo(f"Caveat: {CAVEAT}")
    click.echo(f"Wrote {out / 'compare.csv'}, {out / 'reps.csv'} and {out / 'compare.pdf'}.")


def _refuse_inputs(refused: PayoutInputError) -> None:
    """Print every problem on stderr and exit with status 2 (nothing was written)."""
    for problem in refused.problems:
        click.echo(str(problem), err=True)
    count = len(refused.problems)
    click.echo(f"Nothing was written: {count} problem{'s' if count != 1 else ''} in the inputs.", err=True)
    raise SystemExit(INPUT_ERROR_EXIT)


COMMANDS: list[click.Command] = [payout]
