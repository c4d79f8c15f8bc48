"""Payout runs against a real PostgreSQL server: two runs of one quarter at once, a run killed half
way, and the database's own one-live-run rule. Each test gets a scratch database of its own.

The runs are real `cadence` processes; the fault-injection hook (CADENCE_TEST_PAUSE_SECONDS /
CADENCE_TEST_PAUSE_AT) holds a run inside its transaction so another can truly overlap it.
Tiny data set (see tests/app/test_payout_runs.py): a1 pays 29,200.00 and a2 8,000.00.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from tests.builders.payout_files import WORKED_PLAN
from tests.builders.processes import PayoutRunProcess

ROOT = Path(__file__).resolve().parents[2]
CADENCE = str(Path(sys.executable).parent / "cadence")
LOCK_NAMESPACE = 0x43414450
FILES = {
    "roster.csv": ["rep_id,name,email,plan,manager_id,target_incentive", "a1,Ada One,a1@example.com,ae-80-20,,",
                   "a2,Bo Two,a2@example.com,ae-80-20,a1,"],
    "quotas.csv": ["rep_id,period,component,quota"] + [f"{rep},2026-Q2,{component},{quota}" for rep in ("a1", "a2")
                                                       for component, quota in (("new_business", 100000),
                                                                                ("renewal", 50000))],
    "deals.csv": ["deal_id,account_id,rep_id,type,amount,close_date,split", "D1,ACC-1,a1,new,60000,2026-04-10,",
                  "D2,ACC-2,a1,new,70000,2026-05-05,", "D3,ACC-3,a1,renewal,45000,2026-06-01,",
                  "D4,ACC-4,a2,new,50000,2026-06-20,"],
}


@pytest.fixture
def scratch(pg_url, tmp_path):
    """A fresh database on the server, with Cadence's tables, two finance people and the data
    imported; dropped afterwards. Returns the environment a `cadence` process needs."""
    url = make_url(pg_url)
    name = f"cadence_h7_{uuid.uuid4().hex[:12]}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    database_url = url.set(database=name).render_as_string(hide_password=False)
    try:
        env = _prepare(database_url, tmp_path)
        yield env
    finally:
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _prepare(database_url: str, tmp_path: Path) -> dict[str, str]:
    """Tables, people and the imported data, through the same verbs `cadence ... import` calls."""
    from okr_app import create_app
    from okr_app.extensions import db
    from okr_app.models import Person
    from okr_app.payouts.imports import import_deals, import_quotas, import_roster
    from okr_app.policy import Actor

    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "ae.toml").write_text(WORKED_PLAN)
    content = {name: ("\n".join(rows) + "\n").encode() for name, rows in FILES.items()}
    app = create_app({"TESTING": True, "SECRET_KEY": "k", "SQLALCHEMY_DATABASE_URI": database_url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        db.create_all()
        finance = Person(email="fin1@example.com", name="Fin One", role="finance")
        db.session.add_all([finance, Person(email="fin2@example.com", name="Fin Two", role="finance")])
        db.session.flush()
        actor = Actor(finance)
        import_roster(actor, content["roster.csv"], "roster.csv", "2026-Q2", tmp_path / "plans")
        import_quotas(actor, content["quotas.csv"], "quotas.csv")
        import_deals(actor, content["deals.csv"], "deals.csv")
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return {"CADENCE_DATABASE_URL": database_url, "CADENCE_SECRET_KEY": "k", "CADENCE_PLANS_DIR": str(tmp_path / "plans"),
            "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_USER": "fin1@example.com"}


def Run(env: dict[str, str], **pause: str) -> PayoutRunProcess:
    return PayoutRunProcess(env, **pause)


def counts(database_url: str) -> dict[str, int]:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as connection:
            found = {table: connection.scalar(sa.text(f"SELECT count(*) FROM {table}"))  # noqa: S608
                     for table in ("payout_run", "run_statement", "payout_line")}
            found["audit"] = connection.scalar(sa.text("SELECT count(*) FROM audit_event WHERE action = 'payout.run'"))
        return found
    finally:
        engine.dispose()


ONE_RUN = {"payout_run": 1, "run_statement": 2, "payout_line": 4, "audit": 1}
NO_RUN = {"payout_run": 0, "run_statement": 0, "payout_line": 0, "audit": 0}


def test_a_second_run_while_the_first_is_writing_is_refused_at_once(scratch, tmp_path):
    release = tmp_path / "release-the-first-run"
    first = Run(scratch, CADENCE_TEST_PAUSE_SECONDS="120", CADENCE_TEST_PAUSE_AT="half_lines",
                CADENCE_TEST_PAUSE_UNTIL=str(release))
    first.wait_for("paused at half_lines")
    code, out, err = Run(scratch).finish()
    assert code == 2, out + err
    assert "Another payout run or approval for 2026-Q2 is in progress; nothing was recorded" in err
    assert first.process.poll() is None  # refused while the first still holds the lock: it did not wait for it
    release.touch()
    code, out, err = first.finish()
    assert code == 0, err
    assert "Recorded draft run" in out and "37,200.00 USD" in out
    assert counts(scratch["CADENCE_DATABASE_URL"]) == ONE_RUN


def test_two_runs_started_together_record_one_run_and_one_clear_refusal(scratch):
    runs = [Run(scratch, CADENCE_TEST_PAUSE_SECONDS="6", CADENCE_TEST_PAUSE_AT="locked") for _ in range(2)]
    results = sorted((run.finish() for run in runs), key=lambda result: result[0])
    (won, won_out, _), (lost, _, lost_err) = results
    assert (won, lost) == (0, 2)
    assert "Recorded draft run" in won_out
    assert "is in progress; nothing was recorded" in lost_err
    assert counts(scratch["CADENCE_DATABASE_URL"]) == ONE_RUN


def test_a_run_killed_half_way_leaves_nothing_and_the_next_run_completes(scratch):
    run = Run(scratch, CADENCE_TEST_PAUSE_SECONDS="120", CADENCE_TEST_PAUSE_AT="half_lines")
    run.wait_for("paused at half_lines")
    os.kill(run.process.pid, signal.SIGKILL)
    assert run.finish()[0] == -signal.SIGKILL
    _wait_until_the_server_drops_the_lock(scratch["CADENCE_DATABASE_URL"])
    assert counts(scratch["CADENCE_DATABASE_URL"]) == NO_RUN
    code, out, err = Run(scratch).finish()
    assert code == 0, err
    assert "Recorded draft run" in out and "37,200.00 USD" in out
    assert counts(scratch["CADENCE_DATABASE_URL"]) == ONE_RUN


def _wait_until_the_server_drops_the_lock(database_url: str, timeout: float = 20) -> None:
    """The server ends a dead client's transaction (and its advisory lock) once it notices the
    closed connection; that takes a moment, which a real operator's rerun would also see."""
    engine = sa.create_engine(database_url)
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                held = connection.scalar(sa.text("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                                 "AND classid = :space"), {"space": LOCK_NAMESPACE})
            if not held:
                return
            time.sleep(0.2)
        pytest.fail("the killed run's advisory lock was never released")
    finally:
        engine.dispose()


def test_postgresql_itself_refuses_a_second_live_run_for_a_quarter(scratch):
    engine = sa.create_engine(scratch["CADENCE_DATABASE_URL"])
    insert = sa.text("INSERT INTO payout_run (period, state, fingerprint, basis_runs, basis_fingerprint, inputs, "
                     "rep_count, line_count, created_at) VALUES ('2026-Q2', :state, 'f', '', '', '', 0, 0, now())")
    try:
        with engine.begin() as connection:
            connection.execute(insert, {"state": "approved"})
            connection.execute(insert, {"state": "superseded"})
        with pytest.raises(sa.exc.IntegrityError, match="uq_payout_run_live_period"):
            with engine.begin() as connection:
                connection.execute(insert, {"state": "draft"})
    finally:
        engine.dispose()


def test_on_postgresql_an_approved_run_is_locked_and_running_its_quarter_again_is_refused(scratch):
    code, out, err = Run(scratch).finish()
    assert code == 0, err
    run_id = out.split("Recorded draft run #")[1].split(" ")[0]
    approve = subprocess.run([CADENCE, "payout", "approve", run_id, "--as", "fin2@example.com"], cwd=ROOT,
                             env={**os.environ, **scratch, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True)
    assert approve.returncode == 0, approve.stderr
    code, out, err = Run(scratch).finish()
    assert code == 2 and "an approved quarter never changes" in err
    assert counts(scratch["CADENCE_DATABASE_URL"]) == ONE_RUN
