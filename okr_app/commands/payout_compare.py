"""`cadence payout compare`: a plan back-test over past quarters, from files.

Like `payout run` from files, it loads the engine (and reportlab for the PDF), not the
app or the database.
"""
from __future__ import annotations

from pathlib import Path

import click

from comp_engine import PayoutInputError, Problem
from comp_engine.backtest import CAVEAT, compare_csv, compare_plans, reading_of, reps_csv
from comp_engine.money import display_amount
from comp_engine.periods import Period
from okr_app.clock import today
from okr_app.commands.options import refuse_inputs
from okr_app.commands.payout_run import period_option
from reports.compare import compare_pdf


@click.command("compare")
@click.option("--from", "first", required=True, metavar="YYYY-Qn", callback=period_option,
              help="The first quarter replayed.")
@click.option("--to", "last", required=True, metavar="YYYY-Qn", callback=period_option,
              help="The last quarter replayed.")
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
    if out.exists() and not out.is_dir():
        refuse_inputs([Problem(str(out), None, None, "exists and is not a folder")])
    try:
        comparison = compare_plans(first, last, deals, roster, quotas, plans_dir, list(dict.fromkeys(plan_keys)))
    except PayoutInputError as refused:
        refuse_inputs(refused.problems)
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
