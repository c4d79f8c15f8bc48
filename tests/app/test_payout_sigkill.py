"""An unlucky operator on SQLite: a payout run killed half way, and a second run started while one
is still writing. Real `cadence` processes, a real database file; the fault-injection hook
(CADENCE_TEST_PAUSE_SECONDS / CADENCE_TEST_PAUSE_AT) holds the run inside its transaction."""
from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from test_payout_runs import Finance

ROOT = Path(__file__).resolve().parents[2]
CADENCE = str(Path(sys.executable).parent / "cadence")


class Run:
    """`cadence payout run` in its own process; its stderr is read line by line as it comes."""

    def __init__(self, env: dict[str, str], period: str = "2026-Q2", **pause: str) -> None:
        self.process = subprocess.Popen(
            [CADENCE, "payout", "run", "--period", period, "--as", "fin1@example.com"],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT), **pause}, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stderr:
            self.lines.put(line)
        self.lines.put("")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return
            assert line, f"the run ended before {text!r}: {''.join(self.seen)}"

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        out, _ = self.process.communicate(timeout=timeout)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return self.process.returncode, out, "".join(self.seen + rest)


def counts(database: Path) -> dict[str, int]:
    with sqlite3.connect(database) as connection:
        return {table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in ("payout_run", "run_statement", "payout_line")} | {
            "audit": connection.execute("SELECT count(*) FROM audit_event WHERE action = 'payout.run'").fetchone()[0]}


@pytest.fixture
def finance(app, build, tmp_path):
    build.person(email="a1@example.com")
    build.person(email="a2@example.com")
    build.person(email="fin1@example.com", role="finance")
    finance = Finance(app, tmp_path)
    finance.load()
    finance.database = tmp_path / "test.db"
    return finance


def test_a_run_killed_half_way_leaves_nothing_and_the_next_run_completes(finance):
    run = Run(finance.env, CADENCE_TEST_PAUSE_SECONDS="60", CADENCE_TEST_PAUSE_AT="half_lines")
    run.wait_for("paused at half_lines")
    # Half the lines are written: the rollback journal holds the pages they changed.
    assert Path(f"{finance.database}-journal").exists()
    os.kill(run.process.pid, signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    assert counts(finance.database) == {"payout_run": 0, "run_statement": 0, "payout_line": 0, "audit": 0}
    code, out, err = Run(finance.env).finish()
    assert code == 0, err
    assert "Recorded draft run" in out and "37,200.00 USD" in out
    assert counts(finance.database) == {"payout_run": 1, "run_statement": 2, "payout_line": 4, "audit": 1}


def test_a_second_run_while_the_first_is_writing_is_refused_and_only_one_run_is_recorded(finance):
    first = Run(finance.env, CADENCE_TEST_PAUSE_SECONDS="8", CADENCE_TEST_PAUSE_AT="half_lines")
    first.wait_for("paused at half_lines")
    code, out, err = Run(finance.env).finish()
    assert code == 2, out + err
    assert "Another payout run or approval for 2026-Q2 is in progress; nothing was recorded" in err
    code, out, err = first.finish()
    assert code == 0, err
    assert counts(finance.database) == {"payout_run": 1, "run_statement": 2, "payout_line": 4, "audit": 1}
