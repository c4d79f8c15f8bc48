"""`cadence payout statements`: every rep's PDF statement and the finance summary.

The statements come either from input files (the same options as `payout run`, and
the same checks: every problem listed, exit status 2, nothing written) or from a run
recorded in the database (`--run RUN_ID`). Each PDF is rendered from the statement
dict that the database stores and the web page shows, so paper and screen agree.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

import click

from comp_engine import PayoutInputError, Problem, run_payout
from comp_engine.periods import Period
from okr_app.clock import today
from okr_app.commands.options import as_option, refuse_inputs
from okr_app.commands.payout_run import period_option
from reports.folder import FileNameClash, StagedFolder, statement_file_names, summary_file_name
from reports.statement import statement_pdf, statement_pdfs
from reports.statement_model import statement_dicts
from reports.statement_view import StatementInconsistent
from reports.summary import summary_pdf

PARALLEL_FROM = 64
"""From this many statements, PDFs render in worker processes (starting them costs a few seconds)."""
MAX_WORKERS = 8
BATCH = 8
"""Statements sent to a worker at once."""


@click.command("statements")
@click.option("--period", metavar="YYYY-Qn", callback=period_option,
              help="The calendar quarter, e.g. 2026-Q2 (with the input files).")
@click.option("--deals", type=click.Path(path_type=Path), help="Closed deals CSV (as for `payout run`).")
@click.option("--roster", type=click.Path(path_type=Path), help="Roster CSV (as for `payout run`).")
@click.option("--quotas", type=click.Path(path_type=Path), help="Quotas CSV (as for `payout run`).")
@click.option("--plans", "plans_dir", type=click.Path(path_type=Path), help="Folder of plan files (*.toml).")
@click.option("--run", "run_id", type=int, metavar="RUN_ID",
              help="A run recorded in the database (instead of the input files).")
@click.option("--out", required=True, type=click.Path(path_type=Path),
              help="Folder to write the PDFs into (created if needed).")
@click.option("--page-size", type=click.Choice(["a4", "letter"]), default="a4", show_default=True,
              help="Paper size of the PDFs.")
@as_option
def statements(period: Period | None, deals: Path | None, roster: Path | None, quotas: Path | None,
               plans_dir: Path | None, run_id: int | None, out: Path, page_size: str, as_email: str | None) -> None:
    """Write a PDF statement per rep and the finance summary into OUT.

    \b
    From the input files:
      cadence payout statements --period 2026-Q2 --deals examples/deals.csv \\
        --roster examples/roster.csv --quotas examples/quotas.csv \\
        --plans plans/ --out statements/
    From a run recorded in the database:
      cadence payout statements --run 12 --out statements/ --as you@company.com

    Writes OUT/<period>-<rep_id>.pdf for every rep on the roster and
    OUT/<period>-summary.pdf (totals by plan, manager and component, cost as a
    share of credited ARR, top earners, clawbacks, the inputs' fingerprint).
    If any input is invalid every problem is listed, nothing is written and the
    command exits with status 2. A recorded run is read by a finance person
    (--as EMAIL or CADENCE_USER); its statements include its adjustment lines.
    """
    files = {"--deals": deals, "--roster": roster, "--quotas": quotas, "--plans": plans_dir}
    if out.exists() and not out.is_dir():
        refuse_inputs([Problem(str(out), None, None, "exists and is not a folder")])
    if run_id is not None:
        if period is not None or any(value is not None for value in files.values()):
            raise click.UsageError("give either --run RUN_ID or --period with the input files, not both")
        name, details, inputs = _from_database(run_id, as_email)
        rep_ids = [detail["rep_id"] for detail in details]
    else:
        missing = [option for option, value in files.items() if value is None]
        if period is None or missing:
            raise click.UsageError("give --run RUN_ID, or --period with --deals, --roster, --quotas and --plans"
                                   + (f" (missing: {', '.join(missing)})" if period is not None else ""))
        name, rep_ids, details, inputs = _from_files(period, deals, roster, quotas, plans_dir)  # type: ignore[arg-type]
    written = _write(name, rep_ids, details, inputs, out, page_size)
    click.echo(f"Wrote {len(written) - 1} statement{'s' if len(written) != 2 else ''} and the finance summary "
               f"for {name} into {out}.")


def _from_files(period: Period, deals: Path, roster: Path, quotas: Path, plans_dir: Path
                ) -> tuple[str, list[str], Iterator[dict[str, Any]], tuple[tuple[str, str, str], ...]]:
    """The run's period, rep ids, statement dicts (made one by one as they are rendered: the first
    workers start while the rest are made) and inputs."""
    try:
        result = run_payout(period, deals, roster, quotas, plans_dir)
    except PayoutInputError as refused:
        refuse_inputs(list(refused.problems))
    for note in result.notes:
        click.echo(f"note: {note}", err=True)
    inputs = tuple((item.role, item.path, item.sha256) for item in result.inputs)
    return result.period, [statement.rep_id for statement in result.statements], statement_dicts(result), inputs


def _from_database(run_id: int, as_email: str | None
                   ) -> tuple[str, list[dict[str, Any]], tuple[tuple[str, str, str], ...]]:
    # Only with --run: statements rendered from files must not load the app (Flask, SQLAlchemy).
    from okr_app.commands.edge import app_context, cli_errors
    from okr_app.payouts.services import actor_by_email
    from okr_app.payouts.pages import run_documents

    with app_context(), cli_errors():
        return run_documents(actor_by_email(as_email), run_id)


def _write(period: str, rep_ids: list[str], details: Iterable[dict[str, Any]], inputs: tuple[tuple[str, str, str], ...],
           out: Path, page_size: str) -> list[Path]:
    """Render every PDF (one per rep id, from `details` in the same order) into a staging folder,
    then move them all into OUT."""
    try:
        names = statement_file_names(period, rep_ids)
    except FileNameClash as clash:
        refuse_inputs([Problem("roster", None, "rep_id", str(clash))])
    generated = today()
    try:
        with StagedFolder(out) as folder:
            rendered: list[dict[str, Any]] = []
            with click.progressbar(length=len(rep_ids), label="Rendering statements", file=sys.stderr) as bar:
                for detail, pdf in _rendered(details, len(rep_ids), generated, page_size):
                    folder.write(names[detail["rep_id"]], pdf)
                    rendered.append(detail)
                    bar.update(1)
            folder.write(summary_file_name(period), summary_pdf(rendered, inputs, generated, page_size))
            return folder.commit()
    except StatementInconsistent as broken:
        raise click.ClickException(f"{broken}; nothing was written") from None
    except OSError as error:
        raise click.ClickException(f"could not write to {out}: {error.strerror or error}; nothing was written") from None


def _rendered(details: Iterable[dict[str, Any]], count: int, today: date, page_size: str
              ) -> Iterator[tuple[dict[str, Any], bytes]]:
    """(statement, PDF) in roster order, for `count` statements. A large run renders on every
    CPU: each PDF depends only on its statement, so the bytes are the same either way.

    The workers are fresh processes (spawned, not forked: they do not inherit the run)
    and receive statements in batches of `BATCH`, at most two batches per worker in
    flight, so memory stays bounded however many statements there are."""
    workers = min(os.cpu_count() or 1, MAX_WORKERS)
    if count < PARALLEL_FROM or workers < 2:
        for detail in details:
            yield detail, statement_pdf(detail, generated=today, pagesize=page_size)
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        waiting: deque[tuple[list[dict[str, Any]], Future[list[bytes]]]] = deque()
        for batch, task in worker_tasks(details, today, page_size):
            waiting.append((batch, pool.submit(statement_pdfs, *task)))
            if len(waiting) >= 2 * workers:
                batch, future = waiting.popleft()
                yield from zip(batch, future.result())
        while waiting:
            batch, future = waiting.popleft()
            yield from zip(batch, future.result())


def worker_tasks(details: Iterable[dict[str, Any]], today: date, page_size: str
                 ) -> Iterator[tuple[list[dict[str, Any]], tuple[list[dict[str, Any]], date, str]]]:
    """(batch, the arguments a worker is sent for it), `BATCH` statements at a time, in
    order: a worker gets its reps' statement dicts, the date and the paper size, never the run.
    Each batch is taken from `details` only when it is sent."""
    statements = iter(details)
    while batch := list(islice(statements, BATCH)):
        yield batch, (batch, today, page_size)
