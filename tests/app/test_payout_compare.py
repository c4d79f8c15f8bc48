"""`cadence payout compare`: every quarter replayed under each plan by the payout engine itself.

The totals of compare.csv must be exactly what `cadence payout run` prints for the same roster with
the plan put in every rep's plan column, plan by plan and quarter by quarter, on the example data.
"""
from __future__ import annotations

import csv
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PLANS = ("ae-80-20", "ae-50-50")
QUARTERS = ("2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4")


@pytest.fixture(scope="module")
def compared(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("compare")
    result = CliRunner().invoke(cli, [
        "payout", "compare", "--from", "2025-Q1", "--to", "2025-Q4", "--deals", str(EXAMPLES / "deals.csv"),
        "--roster", str(EXAMPLES / "roster.csv"), "--quotas", str(EXAMPLES / "quotas.csv"),
        "--plans", str(ROOT / "plans"), *[part for plan in PLANS for part in ("--plan", plan)], "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "cannot show how people would have sold" in result.output
    return out


def rows_of(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def roster_on(plan: str, folder: Path) -> Path:
    rows = rows_of(EXAMPLES / "roster.csv")
    path = folder / f"roster-{plan}.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({**row, "plan": plan} for row in rows)
    return path


def test_compare_totals_are_the_payout_run_totals_plan_by_plan(compared, tmp_path):
    table = {(row["plan"], row["period"]): row for row in rows_of(compared / "compare.csv")}
    assert sorted(table) == sorted((plan, quarter) for plan in PLANS for quarter in QUARTERS)
    for plan in PLANS:
        roster = roster_on(plan, tmp_path)
        for quarter in QUARTERS:
            run = CliRunner().invoke(cli, [
                "payout", "run", "--period", quarter, "--deals", str(EXAMPLES / "deals.csv"), "--roster", str(roster),
                "--quotas", str(EXAMPLES / "quotas.csv"), "--plans", str(ROOT / "plans"),
                "--out", str(tmp_path / plan / quarter)])
            assert run.exit_code == 0, run.output
            printed = re.search(r"Paid (\d+) reps for \S+: ([\d,.]+) USD", run.output)
            assert printed is not None, run.output
            row = table[(plan, quarter)]
            assert Decimal(row["total"]) == Decimal(printed.group(2).replace(",", "")), (plan, quarter)
            assert int(row["reps"]) == int(printed.group(1)) == 17  # examples/roster.csv
            totals = sum(Decimal(r["total"]) for r in rows_of(tmp_path / plan / quarter / "totals.csv"))
            assert Decimal(row["total"]) == totals


def test_what_the_plans_bought_is_the_same_under_every_plan_and_cost_per_new_arr_divides(compared):
    rows = rows_of(compared / "compare.csv")
    for quarter in QUARTERS:
        same = [row for row in rows if row["period"] == quarter]
        assert len({row["new_arr"] for row in same}) == 1 and len({row["retained_12m_share"] for row in same}) == 1
        for row in same:
            # cost per new ARR = total / new ARR, to 4 decimals
            expected = (Decimal(row["total"]) / Decimal(row["new_arr"])).quantize(Decimal("0.0001"))
            assert Decimal(row["cost_per_new_arr"]) == expected
            # the example reaches 2026-12-31: every 2025 deal is 12 months old, so the share is known
            assert 0 < Decimal(row["retained_12m_share"]) <= 1


def test_reps_csv_sums_to_compare_csv_and_the_pdf_is_written(compared):
    reps = rows_of(compared / "reps.csv")
    for row in rows_of(compared / "compare.csv"):
        mine = [r for r in reps if (r["plan"], r["period"]) == (row["plan"], row["period"])]
        assert sum(Decimal(r["total"]) for r in mine) == Decimal(row["total"])
    assert (compared / "compare.pdf").read_bytes().startswith(b"%PDF")


def test_a_small_hand_made_case_counts_new_arr_kept_twelve_months_on(tmp_path):
    # One rep, two new deals in 2025-Q1: A 1,000 (still 1,000 a year on) and B 3,000 (churned 2025-06-01).
    # new_arr = 4,000; retained_12m_share = (1,000 + 0) / 4,000 = 0.25; renewal_arr = 0
    (tmp_path / "deals.csv").write_text(
        "deal_id,account_id,rep_id,type,amount,close_date,split,source\n"
        "N1,A,rep1,new,1000,2025-01-10,,marketing\nN2,B,rep1,new,3000,2025-02-10,,sales\n"
        "C1,B,rep1,churn,3000,2025-06-01,,\nR1,A,rep1,renewal,1000,2026-02-15,,\n")
    (tmp_path / "roster.csv").write_text("rep_id,name,email,plan,manager_id,target_incentive\n"
                                         "rep1,Ada Quinn,ada@example.com,ae-80-20,,\n")
    (tmp_path / "quotas.csv").write_text("rep_id,period,component,quota\n" + "".join(
        f"rep1,2025-Q1,{component},10000\n" for component in ("new_business", "renewal", "expansion_renewal")))
    result = CliRunner().invoke(cli, [
        "payout", "compare", "--from", "2025-Q1", "--to", "2025-Q1", "--deals", str(tmp_path / "deals.csv"),
        "--roster", str(tmp_path / "roster.csv"), "--quotas", str(tmp_path / "quotas.csv"),
        "--plans", str(ROOT / "plans"), "--plan", "ae-80-20", "--plan", "ae-50-50", "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    rows = rows_of(tmp_path / "out" / "compare.csv")
    assert [(r["plan"], r["new_arr"], r["renewal_arr"], r["retained_12m_share"]) for r in rows] == [
        ("ae-80-20", "4000.00", "0.00", "0.2500"), ("ae-50-50", "4000.00", "0.00", "0.2500")]


def test_unreadable_plans_are_refused_with_exit_2_and_nothing_is_written(tmp_path):
    result = CliRunner().invoke(cli, [
        "payout", "compare", "--from", "2025-Q1", "--to", "2025-Q1", "--deals", str(EXAMPLES / "deals.csv"),
        "--roster", str(EXAMPLES / "roster.csv"), "--quotas", str(EXAMPLES / "quotas.csv"),
        "--plans", str(tmp_path), "--plan", "ae-80-20", "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert not (tmp_path / "out" / "compare.csv").exists()


def test_the_readme_shows_the_output_the_command_prints(compared):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    result = CliRunner().invoke(cli, [
        "payout", "compare", "--from", "2025-Q1", "--to", "2025-Q4", "--deals", str(EXAMPLES / "deals.csv"),
        "--roster", str(EXAMPLES / "roster.csv"), "--quotas", str(EXAMPLES / "quotas.csv"),
        "--plans", str(ROOT / "plans"), "--plan", "ae-80-20", "--plan", "ae-50-50", "--out", str(compared)])
    assert all(line in readme for line in result.output.splitlines()[:4])
