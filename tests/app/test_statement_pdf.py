"""The statement PDF: what a rep reads on paper, checked through its extracted text."""
from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from comp_engine import run_payout
from reports.statement import statement_pdf
from reports.statement_model import statement_to_dict, statements_to_dicts
from reports.statement_view import StatementInconsistent
from tests.builders.payout_files import WORKED_PLAN, write_payout_inputs

ROOT = Path(__file__).resolve().parents[2]
GENERATED = date(2026, 7, 3)
AMOUNT = re.compile(r"(\()?([\d,]+\.\d{2})\)?$")

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def pdf_text(pdf: bytes, tmp_path: Path, layout: bool = True) -> str:
    path = tmp_path / "statement.pdf"
    path.write_bytes(pdf)
    arguments = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def amount_of(text: str) -> Decimal:
    match = AMOUNT.search(text.strip())
    assert match, text
    value = Decimal(match.group(2).replace(",", ""))
    return -value if match.group(1) else value


def summary_rows(text: str) -> tuple[list[Decimal], Decimal]:
    """The payout column of the printed summary table, and its printed total."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Line") and "Payout" in line)
    rows = []
    for line in lines[start + 1:]:
        if line.strip().startswith("Total"):
            return rows, amount_of(line)
        if line.strip():
            rows.append(amount_of(line))
    raise AssertionError("no total row")


def run_of(paths: dict[str, str], period: str = "2026-Q2"):
    return run_payout(period, paths["--deals"], paths["--roster"], paths["--quotas"], paths["--plans"])


@pytest.fixture
def worked(tmp_path):
    result = run_of(write_payout_inputs(tmp_path / "in"))
    return statement_to_dict(result.statements[0], result)


@pytest.fixture(scope="module")
def example_run():
    return run_payout("2026-Q2", ROOT / "examples/deals.csv", ROOT / "examples/roster.csv",
                      ROOT / "examples/quotas.csv", ROOT / "plans")


def test_the_worked_example_prints_the_rep_each_component_each_deal_and_the_total(worked, tmp_path):
    text = pdf_text(statement_pdf(worked, GENERATED), tmp_path)
    for expected in ("Ada Quinn", "ada@example.com", "rep1", "2026-Q2 (2026-04-01 to 2026-06-30)",
                     "Account Executive, new-business focus", "(ae-80-20)", "20,000.00 per quarter",
                     "new_business", "renewal", "N-1", "N-2", "R-1", "Generated", "2026-07-03"):
        assert expected in text, expected
    # new_business: 130,000 / 100,000 = 1.3; T = 20,000 x 0.8 = 16,000; 16,000 x (1.0 x 1.0 + 2.0 x 0.3) = 25,600.
    flat = " ".join(pdf_text(statement_pdf(worked, GENERATED), tmp_path, layout=False).split())
    assert "16,000.00 × (1.0 × 1.0 + 2.0 × (130,000.00 − 100,000.00) / 100,000.00) = 25,600.00" in flat
    assert "25,600.00" in text
    # renewal: 45,000 / 50,000 = 0.9; T = 4,000; 4,000 x 1.0 x 0.9 = 3,600. Total 25,600 + 3,600 = 29,200.
    assert "3,600.00" in text
    assert "USD 29,200.00" in text


def test_the_printed_total_is_the_sum_of_the_printed_lines(worked, tmp_path):
    rows, total = summary_rows(pdf_text(statement_pdf(worked, GENERATED), tmp_path))
    assert rows == [Decimal("25600.00"), Decimal("3600.00")]
    assert total == sum(rows) == Decimal("29200.00")


def test_a_statement_whose_lines_do_not_add_up_is_never_printed(worked):
    with pytest.raises(StatementInconsistent, match="add up to 29,200.00"):
        statement_pdf({**worked, "total": "29200.01"}, GENERATED)


def test_modifier_and_clawback_show_their_metric_band_dates_and_amounts(example_run, tmp_path):
    detail = statement_to_dict(example_run.statement("ae03"), example_run)
    text = pdf_text(statement_pdf(detail, GENERATED), tmp_path)
    # Gross revenue retention 236,260 / 236,260 = 1.0 over 4 accounts: band from 0.95, multiplier 1.1,
    # (1.1 - 1) x 1,684.85 (the printed renewal line) = 168.485 -> 168.49 half-up (the unrounded base
    # 55,600/33 = 1,684.8484... would have given 168.48: modifiers apply to the printed sum).
    for expected in ("Gross revenue retention of the originated book", "2025-06-30 to 2026-06-30", "4 accounts",
                     "from 0.95 (95.00%)", "Multiplier", "168.49",
                     # D-2026-0163 closed 2026-02-10, churned 2026-05-11 (D-2026-0248): 90 days, linear, half of
                     # the 7,104.06 it earned in 2026-Q1 -> (3,552.03).
                     "D-2026-0163 (account ACC-0901), closed 2026-02-10 in 2026-Q1", "D-2026-0248 on 2026-05-11",
                     "90 of a 180-day window", "0.5 (50.00%)", "7,104.06", "(3,552.03)"):
        assert expected in text, expected
    rows, total = summary_rows(text)
    # 0.00 + 1,684.85 + 168.49 - 3,552.03 = -1,698.69
    assert total == sum(rows) == Decimal("-1698.69")
    assert "USD (1,698.69)" in text


def test_a_new_hire_s_statement_says_why_the_modifier_is_one(tmp_path):
    plan = WORKED_PLAN + ('\n[[modifier]]\nmetric = "gross_revenue_retention"\nbook = "originated"\n'
                          'window_months = 12\nbands = [[0.0, 0.9], [0.95, 1.1]]\n')
    result = run_of(write_payout_inputs(tmp_path / "in", plans={"ae.toml": plan}))
    text = pdf_text(statement_pdf(statement_to_dict(result.statements[0], result), GENERATED), tmp_path,
                    layout=False)
    assert "0 accounts" in text
    assert "undefined" in text and "nothing to retain yet" in text
    assert "none: the metric is undefined" in text


def test_every_statement_of_the_example_run_renders_and_adds_up(example_run, tmp_path):
    for detail in statements_to_dicts(example_run):
        rows, total = summary_rows(pdf_text(statement_pdf(detail, GENERATED), tmp_path))
        assert total == sum(rows) == Decimal(detail["total"]), detail["rep_id"]


def test_a_long_deal_list_flows_over_pages_with_its_header_repeated(tmp_path):
    deals = [f"N-{n:03d},ACC-{n:03d},rep1,new,{1000 + n},2026-05-{1 + n % 28:02d}," for n in range(1, 151)]
    result = run_of(write_payout_inputs(tmp_path / "in", deals=deals))
    text = pdf_text(statement_pdf(statement_to_dict(result.statements[0], result), GENERATED), tmp_path)
    pages = text.split("\f")
    pages = [page for page in pages if page.strip()]
    assert len(pages) >= 3
    assert "Page 1 of" in pages[0] and f"Page {len(pages)} of {len(pages)}" in pages[-1]
    with_deals = [page for page in pages if re.search(r"N-\d{3}", page)]
    assert len(with_deals) >= 2
    assert all(re.search(r"Deal\s+Account\s+Type\s+Close date\s+Amount\s+Share\s+Credited", page)
               for page in with_deals)
    assert all(f"N-{n:03d}" in text for n in range(1, 151))
    assert "150 deals" in text
    # each deal on exactly one page: a page break neither drops nor repeats a row
    printed = re.findall(r"\bN-\d{3}\b", text)
    assert sorted(printed) == [f"N-{n:03d}" for n in range(1, 151)]


def test_names_with_markup_characters_print_as_written(tmp_path):
    roster = ["rep1,<b>O'Brien & Søn</b>,ob@example.com,ae-80-20,,"]
    result = run_of(write_payout_inputs(tmp_path / "in", roster=roster))
    text = pdf_text(statement_pdf(statement_to_dict(result.statements[0], result), GENERATED), tmp_path)
    assert "<b>O'Brien & Søn</b>" in text


def test_the_same_statement_renders_to_the_same_bytes(worked):
    assert statement_pdf(worked, GENERATED) == statement_pdf(worked, GENERATED)


def test_a_statement_with_other_characters_embeds_them_and_changes_no_other_statement(worked, tmp_path):
    """Font subsets are built once per process and shared by the statements that use the same
    characters: a name in other scripts must still print, and must not alter the next statement."""
    before = statement_pdf(worked, GENERATED)
    other = dict(worked, name="Żaneta Ελένη Øster-Ðorđević")
    assert "Żaneta Ελένη Øster-Ðorđević" in pdf_text(statement_pdf(other, GENERATED), tmp_path)
    assert statement_pdf(worked, GENERATED) == before


def test_letter_paper_is_offered_for_north_american_printers(worked, tmp_path):
    path = tmp_path / "letter.pdf"
    path.write_bytes(statement_pdf(worked, GENERATED, pagesize="letter"))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in info


ADJUSTMENT = {"period": "2026-Q1", "run_id": 3, "component": "new_business", "line_component":
              "adjustment:2026-Q1:new_business", "currency": "USD", "approved": "10000.00",
              "already_adjusted": "0.00", "recomputed": "10150.00", "amount": "150.00",
              "rule": "2026-Q1 recomputed on today's inputs pays 10150.00; approved run #3 paid 10000.00 and earlier "
                      "adjustments 0.00: the difference is 150.00"}


def test_an_adjustment_to_an_approved_quarter_is_a_printed_line_of_the_total(worked, tmp_path):
    # 29,200 this quarter + 150 owed for 2026-Q1 (10,150 recomputed - 10,000 paid) = 29,350.
    detail = {**worked, "adjustments": [ADJUSTMENT], "total": "29350.00"}
    text = pdf_text(statement_pdf(detail, GENERATED), tmp_path)
    assert "Adjustment 2026-Q1: New business" in text and "approved run #3" in text
    words = " ".join(pdf_text(statement_pdf(detail, GENERATED), tmp_path, layout=False).split())
    assert "Adjustment 2026-Q1: New business — correction to an approved quarter · new_business" in words  # + the key
    rows, total = summary_rows(text)
    assert rows == [Decimal("25600.00"), Decimal("3600.00"), Decimal("150.00")]
    assert total == sum(rows) == Decimal("29350.00")
    with pytest.raises(StatementInconsistent):
        statement_pdf({**worked, "adjustments": [ADJUSTMENT]}, GENERATED)  # total left at 29,200


def test_a_rep_owed_only_adjustments_gets_a_statement_without_a_plan(worked, tmp_path):
    detail = {**worked, "plan_key": "", "plan_name": "", "target_incentive": None, "components": [],
              "modifiers": [], "clawbacks": [], "adjustments": [ADJUSTMENT], "total": "150.00"}
    text = pdf_text(statement_pdf(detail, GENERATED), tmp_path)
    assert "none: not on this quarter's roster" in text and "USD 150.00" in text
