"""Inputs that v0.1 paid silently wrong (exit 0) now stop the run, or at least say so.

Each refusal exits 2 naming the file (and the line where there is one) and writes nothing;
the notes are printed on stderr beside a normal run. All runs use the issue's worked example
(tests/builders/payout_files.py): Ada (rep1) earns 25,600 + 3,600 = 29,200.00.
"""
from pathlib import Path

from click.testing import CliRunner

from cli import cli
from tests.builders.payout_files import WORKED_PLAN, as_arguments, write_payout_inputs

DEALS_HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split"
ROSTER_HEADER = "rep_id,name,email,plan,manager_id,target_incentive"


def run(tmp_path: Path, paths: dict[str, str]):
    return CliRunner().invoke(cli, ["payout", "run", "--period", "2026-Q2", *as_arguments(paths),
                                    "--out", str(tmp_path / "OUT")])


def refused(tmp_path: Path, paths: dict[str, str]) -> list[str]:
    result = run(tmp_path, paths)
    assert result.exit_code == 2, result.output
    assert not (tmp_path / "OUT").exists()
    assert result.stderr.splitlines()[-1].startswith("Nothing was written")
    return result.stderr.splitlines()[:-1]


def rewrite(path: str, old: str, new: str) -> None:
    text = Path(path).read_text()
    assert old in text
    Path(path).write_text(text.replace(old, new, 1))


def test_a_deals_file_with_a_header_and_no_deal_is_refused(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=[])
    assert refused(tmp_path, paths) == [f"{paths['--deals']}, line 2: holds no deals (only a header)"]


def test_a_roster_with_no_rep_is_refused(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", roster=[])
    assert refused(tmp_path, paths) == [f"{paths['--roster']}, line 2: holds no reps (only a header)"]


def test_a_misspelt_split_column_is_refused_suggesting_split(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=["N-1,ACC-1,rep1,new,60000,2026-04-10,rep1:50;rep2:50"])
    rewrite(paths["--deals"], DEALS_HEADER, DEALS_HEADER.replace("split", "splits"))
    assert refused(tmp_path, paths) == [
        f"{paths['--deals']}, line 1, splits: column 'splits' is not one Cadence reads; did you mean 'split'? "
        "Rename it (a misspelt column would be ignored)"]


def test_a_misspelt_target_incentive_column_is_refused_suggesting_the_right_name(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", roster=["rep1,Ada Quinn,ada@example.com,ae-80-20,,30000"])
    rewrite(paths["--roster"], ROSTER_HEADER, ROSTER_HEADER.replace("target_incentive", "target_incentve"))
    problems = refused(tmp_path, paths)
    assert problems == [f"{paths['--roster']}, line 1, target_incentve: column 'target_incentve' is not one Cadence "
                        "reads; did you mean 'target_incentive'? Rename it (a misspelt column would be ignored)"]


def test_other_unknown_columns_are_listed_in_one_note_and_ignored(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=[row + ",EMEA,first of two" for row in
                                                        ("N-1,ACC-1,rep1,new,60000,2026-04-10,",
                                                         "N-2,ACC-2,rep1,new,70000,2026-05-20,",
                                                         "R-1,ACC-3,rep1,renewal,45000,2026-06-15,")])
    rewrite(paths["--deals"], DEALS_HEADER, DEALS_HEADER + ",region,notes")
    result = run(tmp_path, paths)
    assert result.exit_code == 0, result.output
    notes = [line for line in result.stderr.splitlines() if line.startswith("note:")]
    assert notes == [f"note: {paths['--deals']}: ignored the columns 'region', 'notes'; Cadence reads only deal_id, "
                     "account_id, rep_id, type, amount, close_date, split, source"]
    assert (tmp_path / "OUT" / "totals.csv").read_text().splitlines()[1] == "rep1,2026-Q2,USD,29200.00,29200.00,0.00"


def test_a_column_named_twice_is_refused(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=["N-1,ACC-1,rep1,new,60000,2026-04-10,,6"])
    rewrite(paths["--deals"], DEALS_HEADER, DEALS_HEADER + ",amount")
    assert refused(tmp_path, paths) == [
        f"{paths['--deals']}, line 1, amount: column 'amount' is named twice (columns 5 and 8); keep one"]


def test_ids_with_stray_spaces_are_the_same_ids_in_every_file(tmp_path):
    # The worked example with spaces around every id: rep1 in the roster, quotas, deals and a split,
    # the plan key and the quota components. It pays exactly what the clean files pay: 29,200.00.
    paths = write_payout_inputs(
        tmp_path / "in",
        deals=["N-1 , ACC-1,rep1 ,new,60000,2026-04-10,", " N-2,ACC-2 ,\u00a0rep1,new,70000,2026-05-20,",
               "R-1,ACC-3,,renewal,45000,2026-06-15, rep1 :100"],
        roster=[" rep1 ,Ada Quinn,ada@example.com, ae-80-20 ,,"],
        quotas=["rep1 ,2026-Q2, new_business,100000", "\trep1,2026-Q2,renewal ,50000"])
    result = run(tmp_path, paths)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "OUT" / "totals.csv").read_text().splitlines()[1:] == ["rep1,2026-Q2,USD,29200.00,29200.00,0.00"]
    assert "note:" not in result.stderr


def test_a_clawback_with_a_window_and_no_mode_is_refused(tmp_path):
    plan = WORKED_PLAN + "\n[clawback]\nwindow_days = 90\n"
    paths = write_payout_inputs(tmp_path / "in", plans={"ae.toml": plan})
    clawback_line = plan.splitlines().index("[clawback]") + 1
    assert refused(tmp_path, paths) == [
        f"{paths['--plans']}/ae.toml, line {clawback_line}, clawback.mode: is missing, so this clawback would take "
        'nothing back; write mode = "full" or mode = "linear" to claw back, or mode = "none" to turn clawbacks off']


def test_a_quota_for_a_component_no_plan_has_is_noted(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", quotas=["rep1,2026-Q2,new_business,100000",
                                                         "rep1,2026-Q2,renewal,50000",
                                                         "rep1,2026-Q2,new_bussiness,90000"])
    result = run(tmp_path, paths)
    assert result.exit_code == 0, result.output
    assert f"note: {paths['--quotas']}: no plan has a quota component 'new_bussiness' (line 4); those quotas are " \
           "ignored (quota components: new_business, renewal)" in result.stderr.splitlines()


def test_a_deal_of_amount_zero_is_noted(tmp_path):
    paths = write_payout_inputs(tmp_path / "in", deals=["N-1,ACC-1,rep1,new,60000,2026-04-10,",
                                                        "N-2,ACC-2,rep1,new,0.00,2026-05-20,",
                                                        "R-1,ACC-3,rep1,renewal,45000,2026-06-15,"])
    result = run(tmp_path, paths)
    assert result.exit_code == 0, result.output
    assert (f"note: {paths['--deals']}: 1 deal has the amount 0 (line 3): it changes no credit and no ARR; "
            "check the amount") in result.stderr.splitlines()
