"""Draws: recoverable (advances owed back from later earnings) and non-recoverable."""
from datetime import date
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from comp_engine import lines_csv, totals_csv
from comp_engine.draws import NON_RECOVERABLE, RECOVERABLE, DrawTerms, settle_draw
from comp_payout_builders import plan_text
from reports.statement_model import statement_from_dict, statement_to_dict
from reports.statement_view import statement_view

TEN_PERCENT_OF_NEW = """
[[component]]
key = "commission"
rate = 0.10
credit = ["new"]
"""
QUARTERS = ["2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]
# The issue's example: each quarter earns 10% of one new deal: 8,250, 9,000, 4,500, 7,125, 9,000, 8,250.
DEALS = {"2025-Q1": ("82500", "2025-02-10"), "2025-Q2": ("90000", "2025-05-10"), "2025-Q3": ("45000", "2025-08-10"),
         "2025-Q4": ("71250", "2025-11-10"), "2026-Q1": ("90000", "2026-02-10"), "2026-Q2": ("82500", "2026-05-10")}
EARNED = ["8250.00", "9000.00", "4500.00", "7125.00", "9000.00", "8250.00"]


def six_quarters(files, kind: str) -> list:
    """Run the six quarters one after another, carrying the balance in roster.csv's draw_balance."""
    files.plan(plan_text("ramp", components=TEN_PERCENT_OF_NEW))
    for amount, day in DEALS.values():
        files.deal(rep="r1", amount=amount, date=day)
    results, balance = [], "0"
    for period in QUARTERS:
        files.roster_rows = []
        extra = {"draw": "6000", "draw_kind": kind, "draw_balance": balance if kind == RECOVERABLE else ""}
        files.rep("r1", plan="ramp", **extra)
        result = files.run(period)
        balance = f"{result.statement('r1').draw_balance}"
        results.append(result)
    return results


def test_a_recoverable_draw_over_six_quarters_is_the_issues_worked_example(files):
    # draw 6,000, balance B starts at 0; recovery = min(B, max(0, E - 6,000)); advance = max(0, 6,000 - (E - recovery))
    # Q1 E 8,250: recovery min(0, 2,250) = 0, advance 0, paid 8,250, B 0
    # Q2 E 9,000: recovery 0, advance 0, paid 9,000, B 0
    # Q3 E 4,500: recovery min(0, 0) = 0, advance 6,000 - 4,500 = 1,500, paid 6,000, B 1,500
    # Q4 E 7,125: recovery min(1,500, 1,125) = 1,125, advance max(0, 6,000 - 6,000) = 0, paid 6,000, B 375
    # Q5 E 9,000: recovery min(375, 3,000) = 375, advance max(0, 6,000 - 8,625) = 0, paid 8,625, B 0
    # Q6 E 8,250: recovery 0, advance 0, paid 8,250, B 0
    results = six_quarters(files, RECOVERABLE)
    statements = [result.statement("r1") for result in results]
    assert [f"{s.earned}" for s in statements] == EARNED
    assert [f"{s.total}" for s in statements] == ["8250.00", "9000.00", "6000.00", "6000.00", "8625.00", "8250.00"]
    assert [f"{s.draw_balance}" for s in statements] == ["0.00", "0.00", "1500.00", "375.00", "0.00", "0.00"]
    assert [(line.component, f"{line.amount}") for line in statements[3].draw_lines] == [
        ("draw:recovery", "-1125.00"), ("draw:advance", "0.00")]
    assert totals_csv(results[3]).splitlines()[1] == "r1,2025-Q4,USD,6000.00,7125.00,375.00"
    assert lines_csv(results[2]).splitlines()[1:] == [
        "r1,2025-Q3,commission,,45000.00,,,4500.00", "r1,2025-Q3,draw:recovery,,,,,0.00",
        "r1,2025-Q3,draw:advance,,,,,1500.00"]


def test_a_non_recoverable_draw_over_the_same_six_quarters_tops_up_and_is_never_paid_back(files):
    # advance = max(0, 6,000 - E): only Q3 (6,000 - 4,500 = 1,500) and Q4 (6,000 - 7,125 < 0 -> 0)... so only Q3.
    # paid 8,250, 9,000, 6,000, 7,125, 9,000, 8,250; nothing is ever owed.
    results = six_quarters(files, NON_RECOVERABLE)
    statements = [result.statement("r1") for result in results]
    assert [f"{s.total}" for s in statements] == ["8250.00", "9000.00", "6000.00", "7125.00", "9000.00", "8250.00"]
    assert {f"{s.draw_balance}" for s in statements} == {"0.00"}
    assert [(line.component, f"{line.amount}") for line in statements[2].draw_lines] == [("draw:advance", "1500.00")]
    assert totals_csv(results[2]).splitlines()[1] == "r1,2025-Q3,USD,6000.00,4500.00,0.00"


def test_the_statement_explains_the_draw_in_words_with_the_numbers(files):
    statement = six_quarters(files, RECOVERABLE)[3].statement("r1")
    detail = statement_to_dict(statement)
    assert statement_from_dict(detail) == statement
    view = statement_view(detail, generated=date(2026, 1, 5))
    assert view.explanations == [
        "Recoverable draw of 6,000 a quarter. You owed 1,500 of earlier advances at the start of the quarter and "
        "earned 7,125: 1,125 was recovered from what you earned above the draw and 0 was advanced to bring you up "
        "to the draw; you are paid 6,000 and owe 375 after this quarter."]
    assert [(section.title, section.amount) for section in view.draws] == [
        ("Draw: recovered", "(1,125.00)"), ("Draw: advanced", "0.00")]
    assert view.total == "6,000.00"


def test_a_rep_without_a_draw_has_no_draw_lines_and_earned_equals_total(files):
    files.plan(plan_text("ramp", components=TEN_PERCENT_OF_NEW))
    files.rep("r1", plan="ramp")
    files.deal(rep="r1", amount="1000")
    statement = files.run().statement("r1")
    assert (statement.draw, statement.draw_lines, statement.earned, statement.total) == (
        None, (), Decimal("100.00"), Decimal("100.00"))
    assert "draw" not in statement_to_dict(statement)


CENTS = st.integers(min_value=-5_000_000, max_value=50_000_000)
DRAWS = st.integers(min_value=0, max_value=5_000_000)
BALANCES = st.integers(min_value=0, max_value=10_000_000)
TERMS = st.builds(DrawTerms, DRAWS, st.sampled_from([RECOVERABLE, NON_RECOVERABLE]), BALANCES).map(
    lambda terms: terms if terms.kind == RECOVERABLE else DrawTerms(terms.draw_cents, NON_RECOVERABLE, 0))


@given(CENTS, TERMS)
def test_paid_is_earned_minus_recovery_plus_advance_and_the_lines_say_so(earned, terms):
    """paid = earned - recovery + advance, and the draw lines add up to paid - earned."""
    settled = settle_draw(earned, terms)
    assert settled.paid_cents == earned - settled.recovery_cents + settled.advance_cents
    assert sum(int(line.amount * 100) for line in settled.lines) == settled.paid_cents - earned
    assert settled.recovery_cents >= 0 and settled.advance_cents >= 0


@given(st.lists(CENTS, min_size=1, max_size=12), DRAWS, BALANCES)
def test_a_recoverable_balance_never_goes_negative_quarter_after_quarter(earnings, draw, opening):
    """Carried quarter to quarter, a recoverable balance is never below 0 and never
    recovers more than what was earned above the draw."""
    balance = opening
    for earned in earnings:
        settled = settle_draw(earned, DrawTerms(draw, RECOVERABLE, balance))
        assert settled.recovery_cents <= max(0, earned - draw)
        balance = settled.balance_after_cents
        assert balance >= 0


@given(CENTS, DRAWS)
def test_a_paid_quarter_is_never_below_the_draw(earned, draw):
    """Whatever the kind and balance, the rep is paid at least the draw."""
    for terms in (DrawTerms(draw, NON_RECOVERABLE, 0), DrawTerms(draw, RECOVERABLE, 10**9)):
        assert settle_draw(earned, terms).paid_cents >= draw
