"""The statement PDF of a mid-quarter hire on a draw says both in words, with the numbers."""
from __future__ import annotations

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from comp_engine import run_payout
from reports.statement import statement_pdf
from reports.statement_model import statement_to_dict

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

PLAN = """key = "m"
name = "Marginal"
currency = "USD"
target_incentive = 20000
tiers = "marginal"

[[component]]
key = "new_business"
weight = 1.0
credit = ["new"]
curve = [[0.0, 1.0], [1.0, 2.0]]
"""


def test_a_hire_on_a_draw_reads_days_employed_f_and_the_draw_on_paper(tmp_path: Path):
    # Starts 2026-05-01: 61 of 91 days, T = 13,406.59, quota 67,032.97; 30,000 credited -> attainment 0.4475:
    # pay = 20,000 x 61/91 x 30,000 x 91 / 6,100,000 = 6,000.00. Draw 9,000 recoverable from a balance of 0:
    # recovery 0, advance 9,000 - 6,000 = 3,000, paid 9,000, owed 3,000 after.
    (tmp_path / "plans").mkdir()
    (tmp_path / "plans" / "m.toml").write_text(PLAN)
    (tmp_path / "roster.csv").write_text("rep_id,name,email,plan,start_date,draw\n"
                                         "hire,Hana Ito,hana@example.com,m,2026-05-01,9000\n")
    (tmp_path / "quotas.csv").write_text("rep_id,period,component,quota\nhire,2026-Q2,new_business,100000\n")
    (tmp_path / "deals.csv").write_text("deal_id,account_id,rep_id,type,amount,close_date\n"
                                        "N-1,A-1,hire,new,30000,2026-05-10\n")
    result = run_payout("2026-Q2", tmp_path / "deals.csv", tmp_path / "roster.csv", tmp_path / "quotas.csv",
                        tmp_path / "plans")
    statement = result.statement("hire")
    assert (f"{statement.earned}", f"{statement.total}", f"{statement.draw_balance}") == ("6000.00", "9000.00", "3000.00")
    pdf = statement_pdf(statement_to_dict(statement, result), date(2026, 7, 3))
    (tmp_path / "s.pdf").write_bytes(pdf)
    text = " ".join(subprocess.run(["pdftotext", str(tmp_path / "s.pdf"), "-"], check=True, capture_output=True,
                                   text=True).stdout.split())
    assert "employed from 2026-05-01: 61 of the 91 days of 2026-Q2, f = 61/91; target incentive x f = 13,406.59" in text
    assert "quota New business 67,032.97" in text
    assert ("you are paid 9,000 and owe 3,000 after this quarter" in text)
    assert "Draw: advanced" in text and "3,000.00" in text
