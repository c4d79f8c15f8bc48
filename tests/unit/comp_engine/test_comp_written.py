"""A line's rule is written when someone reads it, and reads the same every time."""
from dataclasses import dataclass
from pathlib import Path

from comp_engine import run_payout
from comp_engine.written import WrittenWhenRead

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


@dataclass(frozen=True)
class Line:
    amount: int
    rule: str = WrittenWhenRead()  # type: ignore[assignment]


def test_the_rule_is_written_once_on_first_read_and_kept():
    calls = []

    def write() -> str:
        calls.append(1)
        return "1 × 2 = 2"

    line = Line(2, write)
    assert calls == []
    assert line.rule == "1 × 2 = 2"
    assert line.rule is line.rule
    assert calls == [1]


def test_lines_with_the_same_words_are_equal_however_they_were_given():
    assert Line(2, lambda: "1 × 2 = 2") == Line(2, "1 × 2 = 2")
    assert Line(2, lambda: "1 × 2 = 2") != Line(2, "2 × 1 = 2")
    assert hash(Line(2, lambda: "x")) == hash(Line(2, "x"))
    assert repr(Line(2, lambda: "x")) == "Line(amount=2, rule='x')"


def test_a_payout_run_writes_no_rule_until_one_is_read():
    """The CSV files print amounts only: a run of 2,000 reps would otherwise write ~12,000 rules."""
    result = run_payout("2026-Q2", EXAMPLES / "deals.csv", EXAMPLES / "roster.csv", EXAMPLES / "quotas.csv",
                        EXAMPLES.parent / "plans")
    lines = [line for statement in result.statements
             for line in statement.components + statement.modifiers + statement.clawbacks]
    assert lines
    assert not any(isinstance(line.__dict__["rule"], str) for line in lines)
    assert all(line.rule.endswith(f"= {line.amount:,.2f}".replace("-", "−")) for line in lines)
    assert all(isinstance(line.__dict__["rule"], str) for line in lines)
