"""`cadence payout run`'s files computed on two cores are the bytes of the run computed in one."""
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comp_engine import lines_csv, run_payout, totals_csv
from comp_engine import run_files
from comp_engine.run_files import cut_in_two, run_payout_files
from tests.builders.company_data import ROOT, company_inputs

EXAMPLES = ROOT / "examples"
PLANS = ROOT / "plans"


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    return company_inputs(tmp_path_factory.mktemp("company"))


def arguments(paths):
    return (paths["--deals"], paths["--roster"], paths["--quotas"], paths["--plans"])


def assert_same_as_one_result(files, result):
    assert files.contents == {"lines.csv": lines_csv(result), "totals.csv": totals_csv(result)}
    assert files.reps == len(result.statements)
    assert files.lines == sum(len(statement.lines) for statement in result.statements)
    assert files.totals_by_currency == result.totals_by_currency()
    assert (files.period, files.fingerprint, files.notes) == (result.period, result.fingerprint, result.notes)


@pytest.fixture
def forks(monkeypatch):
    """Every call of in_two_processes, with the pid each side ran in."""
    calls = []
    real = run_files.in_two_processes

    def watched(here, there):
        mine, theirs = real(lambda: (os.getpid(), here()), lambda: (os.getpid(), there()))
        calls.append((mine[0], theirs[0]))
        return mine[1], theirs[1]

    monkeypatch.setattr(run_files, "in_two_processes", watched)
    return calls


def test_a_company_s_files_from_two_processes_are_the_bytes_of_one_run(company, forks):
    # 2,000 reps (above TWO_PROCESSES_FROM_REPS), splits across both halves, clawbacks recomputing past quarters
    files = run_payout_files("2026-Q2", *arguments(company))
    assert len(forks) == 1 and forks[0][0] == os.getpid() != forks[0][1]  # the second half ran in a child
    result = run_payout("2026-Q2", *arguments(company))
    assert sum(len(statement.clawbacks) for statement in result.statements) > 20
    assert_same_as_one_result(files, result)


def test_one_process_gives_the_same_files(company, forks):
    files = run_payout_files("2026-Q2", *arguments(company), processes=1)
    assert forks == []
    assert_same_as_one_result(files, run_payout("2026-Q2", *arguments(company)))


def test_the_examples_split_in_two_keep_their_draws_prorations_and_notes(forks):
    # 17 reps is below the threshold: asked for two processes, the examples (draws, mid-quarter hires) still split
    args = (EXAMPLES / "deals.csv", EXAMPLES / "roster.csv", EXAMPLES / "quotas.csv", PLANS)
    files = run_payout_files("2026-Q2", *args, processes=2)
    assert len(forks) == 1
    assert_same_as_one_result(files, run_payout("2026-Q2", *args))
    assert run_payout_files("2026-Q2", *args).contents == files.contents and len(forks) == 1  # default: one process


@given(st.lists(st.integers(min_value=0, max_value=50), max_size=60))
def test_the_cut_leaves_two_sides_differing_by_at_most_the_largest_piece(work):
    cut = cut_in_two(work)
    assert 0 <= cut <= len(work)
    assert abs(sum(work[:cut]) - sum(work[cut:])) <= max(work, default=0)
