"""lines.csv and totals.csv: one rounding per line, totals from rounded lines, safe text."""
from decimal import Decimal

from comp_engine import lines_csv, totals_csv, write_outputs
from comp_engine.outputs import safe_text
from comp_payout_builders import WORKED_PLAN, plan_text, worked_example

THIRDS = """
[[component]]
key = "a"
weight = 0.5
credit = ["new"]
[[component]]
key = "b"
weight = 0.5
credit = ["renewal"]
"""


def test_a_reps_total_is_the_sum_of_the_rounded_lines(files):
    # T = 10 x 0.5 = 5 per component; attainment 1 / 3 each: 5 / 3 = 1.6666... -> 1.67 twice.
    # total 1.67 + 1.67 = 3.34 (rounding the unrounded sum 3.3333... would give 3.33)
    files.plan(plan_text(target_incentive="10", components=THIRDS))
    files.rep("r1", plan="p")
    files.quotas("r1", ["2026-Q2"], a="3", b="3")
    files.deal(type="new", amount="1")
    files.deal(type="renewal", amount="1")
    statement = files.run().statement("r1")
    assert [line.amount for line in statement.components] == [Decimal("1.67"), Decimal("1.67")]
    assert statement.total == Decimal("3.34")


def test_lines_csv_has_one_row_per_component_modifier_and_clawback(files):
    worked_example(files)
    files.plan(WORKED_PLAN + """
[[modifier]]
metric = "logo_retention"
bands = [[0.0, 1.0]]
[clawback]
window_days = 180
mode = "full"
""")
    files.quotas("r1", ["2026-Q1"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="10000", date="2026-03-01", account="Q1", deal_id="OLD-1")
    files.deal(type="churn", amount="10000", date="2026-04-05", account="Q1")
    # Q1: 10,000 of 100,000 is below the threshold: the deal earned 0, the clawback is 0.00
    assert lines_csv(files.run()) == (
        "rep_id,period,component,deal_id,credited,quota,attainment,amount\n"
        "r1,2026-Q2,new_business,,130000.00,100000.00,1.3000,25600.00\n"
        "r1,2026-Q2,renewal,,45000.00,50000.00,0.9000,3600.00\n"
        "r1,2026-Q2,modifier:logo_retention,,,,,0.00\n"
        "r1,2026-Q2,clawback,OLD-1,,,,0.00\n"
    )


def test_totals_csv_has_one_row_per_rep_on_the_roster_with_its_currency(files):
    worked_example(files)
    files.rep("r2")
    files.quotas("r2", ["2026-Q2"], new_business="100000", renewal="50000")
    assert totals_csv(files.run()) == (
        "rep_id,period,currency,total,earned,draw_balance\nr1,2026-Q2,USD,29200.00,29200.00,0.00\n"
        "r2,2026-Q2,USD,0.00,0.00,0.00\n")


def test_text_that_a_spreadsheet_would_run_as_a_formula_is_quoted_but_numbers_are_not(files):
    files.plan(WORKED_PLAN + '\n[clawback]\nwindow_days = 180\nmode = "full"\n')
    for rep in ("=HYPERLINK(1)", "@sum"):
        files.rep(rep)
        files.quotas(rep, ["2026-Q1", "2026-Q2"], new_business="100", renewal="100")
    files.deal(rep="=HYPERLINK(1)", type="new", amount="100", date="2026-03-01", account="A", deal_id="-D1")
    files.deal(rep="@sum", type="churn", amount="100", date="2026-04-01", account="A")
    text = lines_csv(files.run())
    assert "'=HYPERLINK(1),2026-Q2,clawback,'-D1,,,,-16000.00\n" in text
    assert "'@sum,2026-Q2,new_business,,0.00,100.00,0.0000,0.00\n" in text
    assert safe_text("+1") == "'+1" and safe_text("ae01") == "ae01" and safe_text("\tx") == "'\tx"


def test_write_outputs_creates_the_folder_with_both_files_and_no_leftovers(files, tmp_path):
    result = worked_example(files).run()
    out = tmp_path / "out" / "2026-Q2"
    written = write_outputs(result, out)
    assert [p.name for p in written] == ["lines.csv", "totals.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["lines.csv", "totals.csv"]
    assert (out / "totals.csv").read_text() == totals_csv(result)
    assert [p.name for p in out.parent.iterdir()] == ["2026-Q2"]


def test_write_outputs_replaces_the_files_of_an_earlier_run(files, tmp_path):
    result = worked_example(files).run()
    out = tmp_path / "out"
    out.mkdir()
    (out / "lines.csv").write_text("old")
    (out / "notes.txt").write_text("mine")
    write_outputs(result, out)
    assert (out / "lines.csv").read_text() == lines_csv(result)
    assert (out / "notes.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["out", "plans", "deals.csv", "roster.csv", "quotas.csv"])
