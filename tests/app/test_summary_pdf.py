"""The finance summary: cost per currency, share of credited ARR, breakdowns, hand-computed."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

from comp_engine import run_payout
from reports.statement_model import statements_to_dicts
from reports.summary import summary_pdf
from reports.summary_model import NO_MANAGER, credited_arr, finance_summary
from tests.builders.payout_files import (WORKED_DEALS, WORKED_PLAN, WORKED_QUOTAS, WORKED_ROSTER,
                                         write_payout_inputs)

GENERATED = date(2026, 7, 3)
FULL_CLAWBACK_PLAN = WORKED_PLAN + '\n[clawback]\nwindow_days = 180\nmode = "full"\n'
EURO_PLAN = """\
key = "ae-eu"
name = "Account Executive, Europe"
currency = "EUR"
target_incentive = 10000

[[component]]
key = "new_logos"
weight = 1.0
credit = ["new"]
curve = [[0.0, 1.0]]
"""
# rep1 is the worked example: 25,600 + 3,600 = 29,200 paid on 60,000 + 70,000 + 45,000 = 175,000 credited.
# rep2 (manager rep1): new 50,000 / 100,000 = 0.5 (at the threshold) -> 16,000 x 0.5 = 8,000; expansion 10,000 /
# 50,000 = 0.2 -> 4,000 x 0.2 = 800; N-0 (40,000 on 2026-03-01) churned 60 days later: it was all of rep2's Q1
# new business (40,000 / 40,000 = 1.0 -> 16,000), so a full clawback takes back 16,000. rep2 total:
# 8,000 + 800 - 16,000 = -7,200, on 50,000 + 10,000 = 60,000 credited (the churn is not credited by the plan).
DEALS = WORKED_DEALS + ["N-0,ACC-9,rep2,new,40000,2026-03-01,", "C-1,ACC-9,rep2,churn,40000,2026-04-30,",
                        "N-3,ACC-4,rep2,new,50000,2026-04-15,", "E-1,ACC-5,rep2,expansion,10000,2026-05-15,"]
ROSTER = WORKED_ROSTER + ["rep2,Ben Ortiz,ben@example.com,ae-80-20,rep1,"]
QUOTAS = WORKED_QUOTAS + ["rep2,2026-Q2,new_business,100000", "rep2,2026-Q2,renewal,50000",
                          "rep2,2026-Q1,new_business,40000", "rep2,2026-Q1,renewal,50000"]

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def details_of(folder: Path, **files) -> tuple[list[dict], tuple]:
    paths = write_payout_inputs(folder, **files)
    result = run_payout("2026-Q2", paths["--deals"], paths["--roster"], paths["--quotas"], paths["--plans"])
    return statements_to_dicts(result), tuple((item.role, item.path, item.sha256) for item in result.inputs)


@pytest.fixture
def two_reps(tmp_path):
    return details_of(tmp_path / "in", deals=DEALS, roster=ROSTER, quotas=QUOTAS, plans={"ae.toml": FULL_CLAWBACK_PLAN})


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def test_cost_share_is_total_paid_over_credited_arr(two_reps):
    summary = finance_summary(*two_reps)
    (usd,) = summary.currencies
    # paid 29,200 - 7,200 = 22,000; credited 175,000 + 60,000 = 235,000; 22,000 / 235,000 = 0.0936170...
    assert usd.paid == 22000
    assert usd.credited == 235000
    assert usd.cost_share == Fraction(22000, 235000)
    assert (usd.clawbacks, usd.clawback_count) == (-16000, 1)
    assert summary.rep_count == 2


def test_breakdowns_by_plan_manager_and_component_add_up_to_the_paid_total(two_reps):
    summary = finance_summary(*two_reps)
    assert [(group.key, group.reps, group.paid) for group in summary.by_plan] == [("ae-80-20", 2, 22000)]
    assert {group.label: group.paid for group in summary.by_manager} == {
        NO_MANAGER: 29200, "Team of Ada Quinn (rep1)": -7200}
    # new_business 25,600 + 8,000; renewal 3,600 + 800; clawback -16,000.
    assert {group.key: group.paid for group in summary.by_component} == {
        "new_business": 33600, "renewal": 4400, "clawback": -16000}
    assert sum(group.paid for group in summary.by_component) == 22000
    assert [earner.rep_id for earner in summary.top_earners] == ["rep1", "rep2"]


def test_a_deal_two_components_credit_counts_once_in_credited_arr():
    detail = {"components": [
        {"deals": [{"deal_id": "E-1", "credited": "10000.000000"}, {"deal_id": "R-1", "credited": "5000.000000"}]},
        {"deals": [{"deal_id": "E-1", "credited": "10000.000000"}]},
    ]}
    assert credited_arr(detail) == 15000  # E-1 once (10,000) + R-1 (5,000)


def test_each_currency_has_its_own_total_and_cost_share(tmp_path):
    # rep3 on the euro plan: 30,000 / 60,000 = 0.5 -> 10,000 x 0.5 = 5,000 EUR on 30,000 credited: 16.67 %.
    details, inputs = details_of(
        tmp_path / "in", deals=WORKED_DEALS + ["EU-1,ACC-7,rep3,new,30000,2026-05-05,"],
        roster=WORKED_ROSTER + ["rep3,Clara Weiss,clara@example.com,ae-eu,,"],
        quotas=WORKED_QUOTAS + ["rep3,2026-Q2,new_logos,60000"], plans={"ae.toml": WORKED_PLAN, "eu.toml": EURO_PLAN})
    summary = finance_summary(details, inputs)
    by_currency = {total.currency: total for total in summary.currencies}
    assert by_currency["EUR"].paid == 5000 and by_currency["EUR"].cost_share == Fraction(1, 6)
    assert by_currency["USD"].paid == 29200 and by_currency["USD"].cost_share == Fraction(29200, 175000)
    text = pdf_text(summary_pdf(details, inputs, GENERATED), tmp_path)
    assert "16.67%" in text  # 5,000 / 30,000
    assert "16.69%" in text  # 29,200 / 175,000 = 0.166857...


def test_the_pdf_prints_every_figure_finance_checks(two_reps, tmp_path):
    details, inputs = two_reps
    text = pdf_text(summary_pdf(details, inputs, GENERATED), tmp_path)
    for expected in ("2026-Q2 (2026-04-01 to 2026-06-30)", "22,000.00", "235,000.00",
                     "9.36%",  # 22,000 / 235,000 = 0.093617
                     "(16,000.00) (1)", "Account Executive, new-business focus", "(ae-80-20)",
                     "Team of Ada Quinn (rep1)", NO_MANAGER, "(7,200.00)", "33,600.00", "4,400.00",
                     "Ada Quinn", "Ben Ortiz", f"sha256:{details[0]['fingerprint']}", "Page 1 of"):
        assert expected in text, expected
    for role, path, sha in inputs:
        assert Path(path).name in text and sha[:40] in text.replace("\n", "")


def test_a_quarter_with_nothing_credited_says_the_cost_share_is_not_defined(tmp_path):
    details, inputs = details_of(tmp_path / "in", deals=["R-9,ACC-1,rep1,renewal,1000,2025-01-10,"])
    (usd,) = finance_summary(details, inputs).currencies
    assert usd.credited == 0 and usd.cost_share is None
    assert "n/a (no ARR credited)" in pdf_text(summary_pdf(details, inputs, GENERATED), tmp_path)
