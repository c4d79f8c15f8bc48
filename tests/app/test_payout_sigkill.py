"""An unlucky operator on SQLite: a payout run killed half way, and a second run started while the first
is still writing. Real `cadence` processes, a real database file; the fault-injection hook
(CADENCE_TEST_PAUSE_SECONDS / CADENCE_TEST_PAUSE_AT) holds the run inside its transaction.
SQLite runs in WAL mode with a 30 s busy timeout (okr_app.tune_sqlite)."""
from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest

from tests.builders.payout_runs import DEALS_HEADER, Finance
from tests.builders.processes import PayoutRunProcess



def Run(env: dict[str, str], period: str = "2026-Q2", **pause: str) -> PayoutRunProcess:
    return PayoutRunProcess(env, period, ("--as", "fin1@example.com"), **pause)


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("payout_run", "run_statement", "payout_line")} | {
            "audit": connection.execute("SELECT count(*) FROM audit_event WHERE action = 'payout.run'").fetchone()[0]}


REPS = 1000


@pytest.fixture
def finance(app, build, tmp_path):
    """1,000 reps with one 60,000 new deal each against a 100,000 quota: attainment 0.6, so
    new_business pays 16,000 x 0.6 = 9,600.00 and renewal 0.00; the run totals 1,000 x 9,600.00
    = 9,600,000.00. Big enough that SQLite writes the run's pages to disk before it commits."""
    build.person(email="fin1@example.com", role="finance")
    finance = Finance(app, tmp_path)
    reps = [f"r{n:04d}" for n in range(REPS)]
    finance.ok("roster", "import", finance.file("roster.csv", "rep_id,name,email,plan,manager_id,target_incentive",
                                                [f"{rep},Rep {rep},{rep}@example.com,ae-80-20,," for rep in reps]),
               "--period", "2026-Q2")
    finance.ok("quotas", "import", finance.file("quotas.csv", "rep_id,period,component,quota",
                                                [f"{rep},2026-Q2,{component},100000" for rep in reps
                                                 for component in ("new_business", "renewal")]))
    finance.ok("deals", "import", finance.file("deals.csv", DEALS_HEADER,
                                               [f"D-{rep},ACC-{rep},{rep},new,60000,2026-05-01," for rep in reps]))
    finance.database = tmp_path / "test.db"
    return finance


def test_a_run_killed_half_way_leaves_nothing_and_the_next_run_completes(finance):
    run = Run(finance.env, CADENCE_TEST_PAUSE_SECONDS="120", CADENCE_TEST_PAUSE_AT="half_lines")
    run.wait_for("paused at half_lines")
    # The statements and half the lines are on disk, in the write-ahead log, not yet committed.
    assert Path(f"{finance.database}-wal").stat().st_size > 100_000
    os.kill(run.process.pid, signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    assert counts(finance.database) == {"payout_run": 0, "run_statement": 0, "payout_line": 0, "audit": 0}
    code, out, err = Run(finance.env).finish()
    assert code == 0, err
    assert "Recorded draft run" in out and "9,600,000.00 USD" in out
    assert counts(finance.database) == {"payout_run": 1, "run_statement": REPS, "payout_line": 2 * REPS, "audit": 1}


def test_a_second_run_waits_for_the_first_and_finds_its_run_so_only_one_is_recorded(finance):
    """SQLite has one writer at a time: the second run waits for the first to commit, then
    sees the same inputs already recorded."""
    first = Run(finance.env, CADENCE_TEST_PAUSE_SECONDS="4", CADENCE_TEST_PAUSE_AT="half_lines")
    first.wait_for("paused at half_lines")
    second = Run(finance.env)
    code, out, err = first.finish()
    assert code == 0, err
    run_id = out.split("Recorded draft run #")[1].split(" ")[0]
    code, out, err = second.finish()
    assert code == 0, err
    assert f"unchanged: run #{run_id}" in out
    assert counts(finance.database) == {"payout_run": 1, "run_statement": REPS, "payout_line": 2 * REPS, "audit": 1}
