"""`cadence payout run`: the stateless contract, through click's CliRunner."""
import shutil
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def inputs(tmp_path) -> Path:
    """A copy of the examples and the shipped plans that a test may break."""
    for name in ("deals.csv", "roster.csv", "quotas.csv"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    return tmp_path


def run(folder: Path, out: Path, period: str = "2026-Q2", *extra: str):
    return CliRunner().invoke(cli, [
        "payout", "run", "--period", period, "--deals", str(folder / "deals.csv"), "--roster", str(folder / "roster.csv"),
        "--quotas", str(folder / "quotas.csv"), "--plans", str(folder / "plans"), "--out", str(out), *extra])


def replace_line(path: Path, line: int, text: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[line - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_the_contract_command_pays_every_rep_on_the_examples(inputs, tmp_path):
    out = tmp_path / "OUT"
    result = run(inputs, out)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["lines.csv", "totals.csv"]
    totals = (out / "totals.csv").read_text().splitlines()
    roster = (inputs / "roster.csv").read_text().splitlines()
    assert totals[0] == "rep_id,period,currency,total,earned,draw_balance"
    assert [row.split(",")[0] for row in totals[1:]] == [row.split(",")[0] for row in roster[1:]]
    assert all(row.split(",")[3].split(".")[1].__len__() == 2 for row in totals[1:])
    lines = (out / "lines.csv").read_text().splitlines()
    assert lines[0] == "rep_id,period,component,deal_id,credited,quota,attainment,amount"
    assert any(",clawback," in row for row in lines) and any(",modifier:" in row for row in lines)
    assert result.output.startswith(f"Paid {len(roster) - 1} reps for 2026-Q2: ")
    assert "Inputs fingerprint: sha256:" in result.output


def test_the_example_readme_shows_what_the_command_prints(inputs, tmp_path):
    out = tmp_path / "OUT"
    run(inputs, out)
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert (out / "totals.csv").read_text() in readme


def test_rerunning_on_the_same_files_writes_the_same_bytes(inputs, tmp_path):
    first, second = run(inputs, tmp_path / "one"), run(inputs, tmp_path / "two")
    assert first.exit_code == second.exit_code == 0
    for name in ("lines.csv", "totals.csv"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]


BAD_INPUTS = {
    "missing column": ("deals.csv", 1, "deal_id,account_id,rep_id,type,close_date,split", "deals.csv, line 1, amount: column is missing"),
    "unknown type": ("deals.csv", 5, "X-1,ACC-1,ae01,upsell,100,2026-04-02,", "deals.csv, line 5, type: 'upsell' is not a deal type"),
    "bad date": ("deals.csv", 6, "X-1,ACC-1,ae01,new,100,2026-02-30,", "deals.csv, line 6, close_date: '2026-02-30' is not a date"),
    "negative amount": ("deals.csv", 7, "X-1,ACC-1,ae01,new,-100,2026-04-02,", "deals.csv, line 7, amount: '-100' is negative"),
    "non-numeric amount": ("deals.csv", 8, "X-1,ACC-1,ae01,new,1O0,2026-04-02,", "deals.csv, line 8, amount: '1O0' is not an amount"),
    "split not 100": ("deals.csv", 9, "X-1,ACC-1,ae01,new,100,2026-04-02,ae01:60;ae02:30", "deals.csv, line 9, split: 'ae01:60;ae02:30' adds up to 90%, not 100%"),
    "duplicate deal_id": ("deals.csv", 10, "D-2025-0001,ACC-1,ae01,new,100,2026-04-02,", "deals.csv, line 10, deal_id: 'D-2025-0001' is a duplicate; the same deal_id is on line 2"),
    "unknown plan key": ("roster.csv", 3, "ae02,Tomás Herrera,tomas@example.com,ae-90-10,ae01,", "roster.csv, line 3, plan: no plan has the key 'ae-90-10'"),
    "missing quota": ("quotas.csv", None, "ae03,2026-Q2,renewal", "quotas.csv, quota: no quota for rep ae03, period 2026-Q2, component renewal"),
    "weights not 1": ("plans/ae-new-business-80-20.toml", "weight = 0.20", "weight = 0.25", "plans/ae-new-business-80-20.toml, component.weight: weights of quota and metric components add up to 1.05"),
    "curve not from 0": ("plans/ae-balanced-50-50.toml", "curve = [[0.0, 1.0], [1.0, 1.5]]", "curve = [[0.5, 1.0], [1.0, 1.5]]", "plans/ae-balanced-50-50.toml, component.new_business.curve: must start at 0.0"),
    "curve not increasing": ("plans/csm-retention.toml", "curve = [[0.0, 1.0], [1.1, 1.5]]", "curve = [[0.0, 1.0], [1.1, 1.5], [0.9, 2.0]]", "plans/csm-retention.toml, component.net_retention.curve: steps must start at strictly increasing values"),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_bad_input_of_every_kind_exits_2_naming_it_and_writes_nothing(inputs, tmp_path, kind):
    file, where, text, message = BAD_INPUTS[kind]
    path = inputs / file
    if file == "quotas.csv":
        path.write_text("".join(l for l in path.read_text().splitlines(keepends=True) if not l.startswith(text)))
    elif isinstance(where, int):
        replace_line(path, where, text)
    else:
        assert where in path.read_text()
        path.write_text(path.read_text().replace(where, text, 1))
    before = sorted(p.name for p in tmp_path.iterdir())
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 2
    assert f"{inputs}/{message}" in result.stderr
    assert result.stderr.splitlines()[-1].startswith("Nothing was written: 1 problem in the inputs")
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_every_invalid_row_gets_its_own_message(inputs, tmp_path):
    replace_line(inputs / "deals.csv", 4, "X-1,ACC-1,ae01,new,abc,2026-04-02,")
    replace_line(inputs / "deals.csv", 12, "X-2,ACC-1,ae01,new,100,2026-04-31,")
    replace_line(inputs / "roster.csv", 5, "ae04,Jonah Feld,,ae-80-20,ae01,")
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"{inputs}/roster.csv, line 5, email: is empty",
        f"{inputs}/deals.csv, line 4, amount: 'abc' is not an amount; write digits with an optional . and two decimals, e.g. 60000.00",
        f"{inputs}/deals.csv, line 12, close_date: '2026-04-31' is not a date; write YYYY-MM-DD, e.g. 2026-04-30",
        "Nothing was written: 3 problems in the inputs.",
    ]


def test_a_failed_run_leaves_an_existing_out_folder_untouched(inputs, tmp_path):
    out = tmp_path / "OUT"
    assert run(inputs, out).exit_code == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    replace_line(inputs / "deals.csv", 3, "X-1,ACC-1,ae01,new,12,2026-04-02,ghost:100")
    result = run(inputs, out)
    assert result.exit_code == 2
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["OUT", "deals.csv", "plans", "quotas.csv", "roster.csv"]


@pytest.mark.parametrize("period", ["2026-Q5", "2026Q2", "Q2-2026"])
def test_a_period_that_is_not_a_quarter_exits_2(inputs, tmp_path, period):
    result = run(inputs, tmp_path / "OUT", period)
    assert result.exit_code == 2
    assert "is not a quarter; write it as YYYY-Qn" in result.stderr
    assert not (tmp_path / "OUT").exists()


def test_a_run_from_files_needs_every_input(inputs, tmp_path):
    result = CliRunner().invoke(cli, ["payout", "run", "--period", "2026-Q2", "--deals", str(inputs / "deals.csv"),
                                      "--out", str(tmp_path / "OUT")])
    assert result.exit_code == 2
    assert "also needs --roster, --quotas, --plans" in result.stderr


def test_a_missing_input_file_exits_2_naming_it(inputs, tmp_path):
    (inputs / "quotas.csv").unlink()
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 2
    assert f"{inputs}/quotas.csv: file not found" in result.stderr
    assert not (tmp_path / "OUT").exists()


def test_the_help_is_written_for_finance():
    group = CliRunner().invoke(cli, ["payout", "--help"])
    command = CliRunner().invoke(cli, ["payout", "run", "--help"])
    assert group.exit_code == command.exit_code == 0
    assert "Quarterly commission payouts" in group.output
    assert "--period YYYY-Qn" in command.output and "2026-Q2" in command.output
    assert "nothing is written" in command.output


LEAVER_DEALS = [  # ae11 left at the end of 2025; one deal's rep_id was typed ae7 instead of ae07
    "L-2025-1,ACC-7001,ae11,new,42000,2025-02-10,",
    "L-2025-2,ACC-7001,ae11,expansion,8000,2025-08-01,",
    "L-2025-3,ACC-7002,ae01,new,30000,2025-05-20,ae01:50;ae11:50",
    "L-2025-4,ACC-7003,ae7,new,12000,2025-11-03,",
]


def append_lines(path: Path, rows: list[str]) -> None:
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(row + "\n" for row in rows))


def test_a_rep_who_left_is_noted_and_their_past_deals_change_nobodys_pay(inputs, tmp_path):
    assert run(inputs, tmp_path / "before").exit_code == 0
    append_lines(inputs / "deals.csv", [LEAVER_DEALS[0], LEAVER_DEALS[1], LEAVER_DEALS[3]])
    append_lines(inputs / "quotas.csv", ["ae11,2026-Q2,new_business,150000", "ae11,2026-Q2,renewal,30000"])
    result = run(inputs, tmp_path / "after")
    assert result.exit_code == 0, result.output
    # ae11's and ae7's deals are on accounts nobody on the roster ever had: no line moves.
    for name in ("lines.csv", "totals.csv"):
        assert (tmp_path / "after" / name).read_bytes() == (tmp_path / "before" / name).read_bytes()
    assert result.stderr.splitlines()[0] == (
        "note: 3 deals closed before 2026-Q2 credit 2 reps not on the roster (ae11: 2 deals, ae7: 1 deal); they are "
        "not paid or measured this quarter. An id nobody recognises is a typo in the deals file: it leaves that "
        "account out of the real rep's book.")
    assert result.stderr.splitlines()[1].startswith("note: 2 deal credits closed outside the rep's employment dates")
    assert result.output.startswith("Paid 17 reps for 2026-Q2: 173,292.74 USD.")


def test_the_example_readme_shows_the_note_about_reps_who_left(inputs, tmp_path):
    append_lines(inputs / "deals.csv", LEAVER_DEALS)
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 0, result.output
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    assert all(row in readme for row in LEAVER_DEALS)
    assert result.stderr.strip() in readme


def test_a_deal_in_the_quarter_for_someone_not_on_the_roster_exits_2_naming_file_line_and_rep(inputs, tmp_path):
    append_lines(inputs / "deals.csv", ["L-2026-1,ACC-7001,ae11,new,42000,2026-05-02,",
                                        "L-2026-2,ACC-7002,ae01,renewal,9000,2026-06-30,ae01:50;ae11:50"])
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 2
    reason = "the deal closed in 2026-Q2, the quarter being paid, so every rep it credits must be on the roster"
    assert result.stderr.splitlines() == [
        f"{inputs}/deals.csv, line 450, rep_id: 'ae11' is not on the roster; {reason}",
        f"{inputs}/deals.csv, line 451, split: 'ae11' is not on the roster; {reason}",
        "Nothing was written: 2 problems in the inputs.",
    ]
    assert not (tmp_path / "OUT").exists()


def test_the_help_says_what_to_do_when_a_rep_leaves():
    command = CliRunner().invoke(cli, ["payout", "run", "--help"])
    assert "When a rep leaves, take them off roster.csv" in command.output
    assert "Quota rows of people not on the roster are ignored" in command.output


BREAKERS = {  # deals.csv column -> values that make any row invalid
    1: ["", "ACC-1,extra"],
    3: ["upsell", "New", ""],
    4: ["-5", "12,5", "abc", "1e3", "", "1.005"],
    5: ["2026-02-30", "", "04/01/2026", "2026-4-1"],
    6: ["ae01:101", "ae01:50;ae02:40", "ae01-100", "ae01:50;ae01:50"],
}
BROKEN_CELLS = st.sampled_from(sorted(BREAKERS)).flatmap(lambda column: st.tuples(st.just(column), st.sampled_from(BREAKERS[column])))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(line=st.integers(2, 300), broken=BROKEN_CELLS)
def test_a_failed_run_never_writes_partial_output(line, broken):
    """Whatever cell of deals.csv is broken, the run exits 2, names the line, and
    neither OUT nor any temporary file appears."""
    column, value = broken
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder)
        for name in ("deals.csv", "roster.csv", "quotas.csv"):
            shutil.copy(EXAMPLES / name, inputs / name)
        shutil.copytree(ROOT / "plans", inputs / "plans")
        rows = (inputs / "deals.csv").read_text().splitlines()
        cells = rows[line - 1].split(",")
        cells[column] = value
        rows[line - 1] = ",".join(cells)
        (inputs / "deals.csv").write_text("\n".join(rows) + "\n")
        result = run(inputs, inputs / "OUT")
        assert result.exit_code == 2, (rows[line - 1], result.output)
        assert f"deals.csv, line {line}" in result.stderr
        assert sorted(p.name for p in inputs.iterdir()) == ["deals.csv", "plans", "quotas.csv", "roster.csv"]


def test_a_churn_that_would_leave_negative_arr_exits_2_naming_file_line_and_the_arr_it_would_leave(inputs, tmp_path):
    # ACC-NONE has no deal before: 0.00 - 2,500.00 = -2,500.00
    lines = (inputs / "deals.csv").read_text().splitlines()
    append_lines(inputs / "deals.csv", ["X-1,ACC-NONE,ae01,churn,2500,2026-05-05,"])
    result = run(inputs, tmp_path / "OUT")
    assert result.exit_code == 2
    assert (f"{inputs}/deals.csv, line {len(lines) + 1}, amount: account ACC-NONE has no ARR on 2026-05-05 (0.00), "
            "so it cannot churn: this churn of 2,500.00 would leave ARR of −2,500.00") in result.stderr
    assert not (tmp_path / "OUT").exists()
