"""`cadence payout statements`: a PDF per rep and the finance summary, all or nothing."""
from __future__ import annotations

import pickle
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli
from comp_engine import run_payout
from okr_app.commands.payout_reports import BATCH, worker_tasks
from okr_app.extensions import db
from okr_app.models import PayoutRun
from okr_app.payouts.services import approve_run
from okr_app.policy import Actor
from reports.statement_model import statements_to_dicts
from tests.builders.payout_files import (RUN_DEALS, RUN_QUOTAS, RUN_ROSTER, as_arguments, record_payout_run,
                                         write_payout_inputs)

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def statements(*arguments: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(cli, ["payout", "statements", *arguments], env=env)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def inputs(tmp_path):
    return write_payout_inputs(tmp_path / "in", deals=RUN_DEALS, roster=RUN_ROSTER, quotas=RUN_QUOTAS)


def test_it_writes_one_statement_per_rep_and_the_summary(inputs, tmp_path):
    out = tmp_path / "out"
    result = statements("--period", "2026-Q2", *as_arguments(inputs), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == ["2026-Q2-rep1.pdf", "2026-Q2-rep2.pdf",
                                                           "2026-Q2-summary.pdf"]
    assert "Wrote 2 statements and the finance summary for 2026-Q2" in result.output
    ada = pdf_text(out / "2026-Q2-rep1.pdf")
    assert "Ada Quinn" in ada and "USD 29,200.00" in ada  # 25,600 + 3,600
    ben = pdf_text(out / "2026-Q2-rep2.pdf")
    assert "Ben Ortiz" in ben and "USD 8,000.00" in ben  # 16,000 x 0.5
    summary = pdf_text(out / "2026-Q2-summary.pdf")
    # paid 29,200 + 8,000 = 37,200 on 175,000 + 50,000 = 225,000 credited: 37,200 / 225,000 = 16.53 %.
    assert "37,200.00" in summary and "225,000.00" in summary and "16.53%" in summary


def test_the_terminal_shows_progress_while_the_pdfs_render(inputs, tmp_path):
    result = CliRunner().invoke(cli, ["payout", "statements", "--period", "2026-Q2", *as_arguments(inputs),
                                      "--out", str(tmp_path / "out")])
    assert "Rendering statements" in result.output


def test_bad_input_lists_every_problem_exits_2_and_writes_nothing(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=["N-1,ACC-1,rep1,bogus,60000,2026-04-10,",
                                                        "N-2,ACC-2,rep1,new,70000,2026-13-20,"])
    out = tmp_path / "out"
    result = statements("--period", "2026-Q2", *as_arguments(paths), "--out", str(out))
    assert result.exit_code == 2
    assert "deals.csv, line 2, type" in result.output and "deals.csv, line 3, close_date" in result.output
    assert "Nothing was written: 2 problems in the inputs." in result.output
    assert not out.exists()
    assert [path.name for path in tmp_path.iterdir()] == ["in"]


def test_an_existing_folder_is_left_as_it_was_when_the_input_is_bad(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "2026-Q2-rep1.pdf").write_bytes(b"last quarter's file")
    paths = write_payout_inputs(tmp_path / "in", quotas=["rep1,2026-Q2,new_business,100000"])
    result = statements("--period", "2026-Q2", *as_arguments(paths), "--out", str(out))
    assert result.exit_code == 2
    assert "no quota for rep rep1, period 2026-Q2, component renewal" in result.output
    assert [path.name for path in out.iterdir()] == ["2026-Q2-rep1.pdf"]
    assert (out / "2026-Q2-rep1.pdf").read_bytes() == b"last quarter's file"


def test_a_missing_option_or_a_file_in_place_of_the_folder_is_refused(inputs, tmp_path):
    result = statements("--period", "2026-Q2", "--deals", inputs["--deals"], "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "missing: --roster, --quotas, --plans" in result.output
    assert not (tmp_path / "out").exists()
    blocker = tmp_path / "file"
    blocker.write_text("")
    result = statements("--period", "2026-Q2", *as_arguments(inputs), "--out", str(blocker))
    assert result.exit_code == 2 and "exists and is not a folder" in result.output
    result = statements("--period", "2026-Q9", *as_arguments(inputs), "--out", str(tmp_path / "out"))
    assert result.exit_code == 2 and "write it as YYYY-Qn" in result.output


def test_rep_ids_that_are_not_file_names_are_made_safe(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", roster=["../etc/rep 1,Ada Quinn,ada@example.com,ae-80-20,,"],
                                deals=["N-1,ACC-1,../etc/rep 1,new,60000,2026-04-10,"],
                                quotas=["../etc/rep 1,2026-Q2,new_business,100000",
                                        "../etc/rep 1,2026-Q2,renewal,50000"])
    out = tmp_path / "out"
    result = statements("--period", "2026-Q2", *as_arguments(paths), "--out", str(out))
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == ["2026-Q2-_etc_rep_1.pdf", "2026-Q2-summary.pdf"]
    assert not (tmp_path / "etc").exists()


def test_two_rep_ids_that_would_share_a_file_are_refused_before_rendering(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", roster=["a/b,Ada,ada@example.com,ae-80-20,,",
                                                         "a_b,Ben,ben@example.com,ae-80-20,,"],
                                deals=["N-1,ACC-1,a/b,new,60000,2026-04-10,"],
                                quotas=["a/b,2026-Q2,new_business,1000", "a/b,2026-Q2,renewal,1000",
                                        "a_b,2026-Q2,new_business,1000", "a_b,2026-Q2,renewal,1000"])
    out = tmp_path / "out"
    result = statements("--period", "2026-Q2", *as_arguments(paths), "--out", str(out))
    assert result.exit_code == 2
    assert "rep ids 'a/b' and 'a_b' would both be written to 2026-Q2-a_b.pdf" in result.output
    assert not out.exists()


@pytest.fixture
def cadence_env(app, tmp_path):
    return {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
            "CADENCE_INSTANCE_PATH": str(tmp_path / "instance")}


def test_a_recorded_run_s_statements_come_from_the_database(app, build, cadence_env, tmp_path):
    pay = record_payout_run(build, tmp_path / "in")
    approve_run(Actor(pay.people.approver), db.session.get(PayoutRun, pay.run_id))
    db.session.commit()
    out = tmp_path / "out"
    result = statements("--run", str(pay.run_id), "--out", str(out), "--as", "gus@example.com", env=cadence_env)
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in out.iterdir()) == ["2026-Q2-rep1.pdf", "2026-Q2-rep2.pdf",
                                                           "2026-Q2-summary.pdf"]
    ada = pdf_text(out / "2026-Q2-rep1.pdf")
    assert "Ada Quinn" in ada and "USD 29,200.00" in ada
    summary = pdf_text(out / "2026-Q2-summary.pdf")
    assert "37,200.00" in summary and "deals.csv" in summary


def test_only_finance_prints_a_recorded_run(app, build, cadence_env, tmp_path):
    pay = record_payout_run(build, tmp_path / "in")
    out = tmp_path / "out"
    result = statements("--run", str(pay.run_id), "--out", str(out), "--as", "mia@example.com", env=cadence_env)
    assert result.exit_code == 2 and f"No payout run #{pay.run_id}" in result.output
    result = statements("--run", "999", "--out", str(out), "--as", "gus@example.com", env=cadence_env)
    assert result.exit_code == 2 and "No payout run #999" in result.output
    assert not out.exists()


def test_a_run_and_input_files_together_are_refused(inputs, tmp_path):
    result = statements("--run", "1", "--period", "2026-Q2", *as_arguments(inputs), "--out", str(tmp_path / "o"))
    assert result.exit_code == 2 and "either --run RUN_ID or --period" in result.output


def test_a_large_run_renders_in_worker_processes_to_the_same_bytes(inputs, tmp_path, monkeypatch):
    from okr_app.commands import payout_reports

    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    assert statements("--period", "2026-Q2", *as_arguments(inputs), "--out", str(serial)).exit_code == 0
    monkeypatch.setattr(payout_reports, "PARALLEL_FROM", 1)
    monkeypatch.setattr(payout_reports.os, "cpu_count", lambda: 2)
    result = statements("--period", "2026-Q2", *as_arguments(inputs), "--out", str(parallel))
    assert result.exit_code == 0, result.output
    for name in ("2026-Q2-rep1.pdf", "2026-Q2-rep2.pdf", "2026-Q2-summary.pdf"):
        assert (parallel / name).read_bytes() == (serial / name).read_bytes(), name


def test_a_worker_is_sent_only_its_batch_of_statements_whatever_the_size_of_the_run(inputs):
    """Each task a worker receives pickles to no more than its own statements plus a small
    envelope (the date and the paper size), however many statements the run holds."""
    result = run_payout("2026-Q2", inputs["--deals"], inputs["--roster"], inputs["--quotas"], inputs["--plans"])
    ada, ben = statements_to_dicts(result)
    details = [{**(ada if index % 2 else ben), "rep_id": f"rep{index}"} for index in range(3 * BATCH + 5)]
    tasks = list(worker_tasks(details, date(2026, 7, 3), "a4"))
    assert [detail for batch, _ in tasks for detail in batch] == details
    for batch, arguments in tasks:
        assert arguments[0] == batch and len(batch) <= BATCH
        own = sum(len(pickle.dumps(detail)) for detail in batch)
        assert len(pickle.dumps(arguments)) <= own + 200
