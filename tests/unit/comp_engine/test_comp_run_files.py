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


@pytest.fixture
def readings(monkeypatch):
    """The paths every deals reading read, in order."""
    from comp_engine import deals_reading

    read, real = [], deals_reading.read_deal_columns

    def counted(path, *args, **kwargs):
        read.append(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(deals_reading, "read_deal_columns", counted)
    return read


def test_a_reading_started_before_the_run_is_the_one_the_run_pays_on(readings):
    """`cadence payout run` starts reading the deals before it imports the engine: the run takes that
    reading (the file is read once) and gives the files of a run that read it itself."""
    from comp_engine.deals_reading import start_reading

    args = (EXAMPLES / "deals.csv", EXAMPLES / "roster.csv", EXAMPLES / "quotas.csv", PLANS)
    reading = start_reading(args[0], file_sha256=False)
    files = run_payout_files("2026-Q2", *args, reading=reading)
    assert readings == [args[0]]
    assert_same_as_one_result(files, run_payout("2026-Q2", *args))
    assert len(readings) == 2  # run_payout read it again, itself


def test_a_reading_of_another_file_or_with_the_files_sha256_is_not_taken(readings, tmp_path):
    from comp_engine.deals_reading import start_reading

    other = tmp_path / "other.csv"
    other.write_bytes((EXAMPLES / "deals.csv").read_bytes())
    args = (EXAMPLES / "deals.csv", EXAMPLES / "roster.csv", EXAMPLES / "quotas.csv", PLANS)
    expected = run_payout_files("2026-Q2", *args).contents
    for path, file_sha256 in ((other, False), (args[0], True)):
        readings.clear()
        reading = start_reading(path, file_sha256=file_sha256)
        assert run_payout_files("2026-Q2", *args, reading=reading).contents == expected
        assert len(readings) == 2 and readings[-1] == args[0]  # the reading given, then the run's own
    assert start_reading(tmp_path / "missing.csv") is None  # the run names the missing file, as without a reading


@pytest.mark.parametrize("bad_roster", [False, True])
def test_arr_gone_negative_is_refused_with_the_same_problems_before_any_work_is_split(forks, tmp_path, bad_roster):
    """ARR is checked beside the work that follows the reading (until claims() waits for it): the
    run still refuses with exactly run_payout's problems, alone or beside the other files' problems."""
    from comp_engine import PayoutInputError

    deals = tmp_path / "deals.csv"
    deals.write_text((EXAMPLES / "deals.csv").read_text() + "D-X-1,ACC-0002,ae01,churn,99999999,2026-05-04,,\n")
    roster = tmp_path / "roster.csv"
    text = (EXAMPLES / "roster.csv").read_text()
    roster.write_text(text.replace(",ae-80-20,", ",no-such-plan,", 1) if bad_roster else text)
    args = (deals, roster, EXAMPLES / "quotas.csv", PLANS)
    with pytest.raises(PayoutInputError) as one_result:
        run_payout("2026-Q2", *args)
    problems = one_result.value.problems
    assert any("ARR never goes negative" in problem.message for problem in problems)
    assert any(problem.field == "plan" for problem in problems) == bad_roster
    for processes in (1, 2):
        with pytest.raises(PayoutInputError) as refused:
            run_payout_files("2026-Q2", *args, processes=processes)
        assert refused.value.problems == problems
    assert forks == []


def test_a_reading_started_early_reads_into_the_runs_memory_pool(monkeypatch):
    """The deals read before the engine is imported go to jemalloc like everything after them: with
    the columns in another pool, a 10M-row run kept both pools' pages (2.47 GB peak against 1.91 GB)."""
    import pyarrow as pa

    from comp_engine.deals_reading import start_reading

    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    before = pa.default_memory_pool()
    pa.set_memory_pool(pa.system_memory_pool())
    try:
        reading = start_reading(EXAMPLES / "deals.csv", file_sha256=False)
        assert pa.default_memory_pool().backend_name == "jemalloc"
        columns, problems = reading.columns()
        assert columns is not None and not problems
    finally:
        pa.set_memory_pool(before)
