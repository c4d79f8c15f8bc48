"""A finance person re-adds a statement by hand: every line from numbers printed on the PDF.

The statements of the example quarter are rendered to PDF, their text extracted with
pdftotext, and every component, modifier and clawback line recomputed from the formula
printed in its rule (exact arithmetic on the printed numbers, rounded once half-up),
to the cent. A modifier's sum must be the component lines printed above it, and a
clawback's line must be the one printed on the earlier quarter's statement.
"""
from __future__ import annotations

import re
import subprocess
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from comp_engine import run_payout
from reports.statement import statement_pdf
from reports.statement_model import statement_to_dict

ROOT = Path(__file__).resolve().parents[2]
GENERATED = date(2026, 7, 3)
NUMBER = re.compile(r"\d+(?:,\d{3})*(?:\.\d+)?")
FORMULA = re.compile(r": ((?:[\d.,\s×−+/()]|min)+?) = (−?[\d,]+\.\d\d)(?=\s|$)")
AMOUNT = re.compile(r"(\()?([\d,]+\.\d{2})\)?$")


def pdf_text(pdf: bytes, folder: Path, layout: bool) -> str:
    path = folder / "statement.pdf"
    path.write_bytes(pdf)
    arguments = ["pdftotext", *(["-layout"] if layout else []), str(path), "-"]
    return subprocess.run(arguments, check=True, capture_output=True, text=True).stdout


def evaluate(formula: str) -> Fraction:
    """The printed formula, evaluated exactly: numbers as Fractions, × and − as * and -."""
    python = NUMBER.sub(lambda number: f"F('{number.group().replace(',', '')}')", formula)
    python = python.replace("×", "*").replace("−", "-")
    return eval(python, {"__builtins__": {}, "F": Fraction, "min": min})  # noqa: S307 - only our own digits


def half_up(value: Fraction) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)


def printed(text: str) -> Decimal:
    return Decimal(text.replace(",", "").replace("−", "-"))


def formulas_of(pdf: bytes, folder: Path) -> list[tuple[str, Decimal]]:
    """Every rule's formula and the amount it says, in the order printed."""
    flat = " ".join(pdf_text(pdf, folder, layout=False).split())
    found = []
    for chunk in flat.split("Rule: ")[1:]:
        match = FORMULA.search("Rule: " + chunk)
        assert match, chunk[:300]
        found.append((match.group(1), printed(match.group(2))))
    return found


def summary_amounts(pdf: bytes, folder: Path) -> list[Decimal]:
    """The payout column of the summary table as printed ((x) is negative)."""
    lines = pdf_text(pdf, folder, layout=True).splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("Line") and "Payout" in line)
    rows = []
    for line in lines[start + 1:]:
        if line.strip().startswith("Total"):
            return rows
        if line.strip():
            match = AMOUNT.search(line.strip())
            value = Decimal(match.group(2).replace(",", ""))
            rows.append(-value if match.group(1) else value)
    raise AssertionError("no total row")


@pytest.fixture(scope="module")
def quarters():
    run = {period: run_payout(period, ROOT / "examples/deals.csv", ROOT / "examples/roster.csv",
                              ROOT / "examples/quotas.csv", ROOT / "plans") for period in ("2026-Q1", "2026-Q2")}
    return {period: {s.rep_id: statement_pdf(statement_to_dict(s, result), GENERATED) for s in result.statements}
            for period, result in run.items()}, run


def test_every_line_of_every_statement_is_recomputed_from_its_printed_formula_to_the_cent(quarters, tmp_path):
    pdfs, runs = quarters
    checked = {"component": 0, "modifier": 0, "clawback": 0, "draw": 0}
    for rep_id, pdf in pdfs["2026-Q2"].items():
        statement = runs["2026-Q2"].statement(rep_id)
        formulas = formulas_of(pdf, tmp_path)
        summary = summary_amounts(pdf, tmp_path)
        kinds = (["component"] * len(statement.components) + ["modifier"] * len(statement.modifiers)
                 + ["clawback"] * len(statement.clawbacks) + ["draw"] * len(statement.draw_lines))
        assert len(formulas) == len(kinds) == len(summary), rep_id
        for (formula, said), shown, kind in zip(formulas, summary, kinds):
            # the formula's exact value, rounded once half-up, is the amount it states and the summary's line
            assert half_up(evaluate(formula)) == said == shown, (rep_id, formula)
            checked[kind] += 1
        components = summary[:len(statement.components)]
        for formula, _ in formulas[len(statement.components):len(statement.components) + len(statement.modifiers)]:
            # (multiplier − 1) × (the component lines as printed above)
            summed = formula.split("×", 1)[1]
            assert sorted(printed(n) for n in NUMBER.findall(summed)) == sorted(components), (rep_id, formula)
        clawback_formulas = formulas[:len(formulas) - len(statement.draw_lines)]
        for clawback, (formula, _) in zip(statement.clawbacks,
                                          clawback_formulas[-len(statement.clawbacks) or len(clawback_formulas):]):
            earlier = formulas_of(pdfs[clawback.original_period][rep_id], tmp_path)
            earlier_lines = {said for _, said in earlier}
            taken_from = [printed(term.split("×")[0]) for term in re.findall(r"[\d,]+\.\d\d × min", formula)]
            # each part names a line printed on the rep's statement of the new deal's quarter
            assert taken_from and all(line in earlier_lines for line in taken_from), (rep_id, formula)
    # the example quarter: 17 reps, 56 component lines, 6 modifiers, 5 clawbacks and 3 draw lines (ae12's
    # recovery and advance, ae07's advance), every one re-added
    assert checked == {"component": 56, "modifier": 6, "clawback": 5, "draw": 3}


def test_the_worked_example_prints_the_issues_formula():
    # 130,000 credited of a 100,000 quota: 16,000.00 × (1.0 × 1.0 + 2.0 × 30,000 / 100,000) = 25,600.00
    assert half_up(evaluate("16,000.00 × (1.0 × 1.0 + 2.0 × (130,000.00 − 100,000.00) / 100,000.00)")) == Decimal(
        "25600.00")
    # a clawback: −(180 − 90) / 180 × 45,540.00 × 48,000 / 307,700 = −3,552.0312... -> −3,552.03
    assert half_up(evaluate("−(180 − 90) / 180 × 45,540.00 × min(1, 48,000.00 / 307,700.00)")) == Decimal("-3552.03")


def test_a_long_cohort_goes_to_an_appendix_and_its_sums_are_the_metrics_numbers(quarters, tmp_path):
    pdfs, runs = quarters
    # csm06's retention cohort has 13 accounts, more than the 12 printed inline
    text = " ".join(pdf_text(pdfs["2026-Q2"]["csm06"], tmp_path, layout=False).split())
    assert "The 13 accounts of the cohort are listed in the appendix." in text
    assert "Appendix: the cohorts of the book metrics" in text
    metric = runs["2026-Q2"].statement("csm06").components[0].metric
    assert len(metric.cohort) == 13
    # every account's share × ARR at the start adds up to the denominator the rule prints
    assert sum(a.share * a.arr_start for a in metric.cohort) == metric.denominator
    for account in metric.cohort:
        assert account.account_id in text
