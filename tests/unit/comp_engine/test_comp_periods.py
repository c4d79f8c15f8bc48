"""Calendar quarters and the retention window start."""
from datetime import date

import pytest

from comp_engine import PeriodInvalid, parse_period
from comp_engine.periods import months_before, period_containing


def test_a_quarter_runs_from_its_first_to_its_last_calendar_day():
    q1, q2, q4 = parse_period("2026-Q1"), parse_period("2026-Q2"), parse_period("2024-Q4")
    assert (q1.start, q1.end) == (date(2026, 1, 1), date(2026, 3, 31))
    assert (q2.start, q2.end) == (date(2026, 4, 1), date(2026, 6, 30))
    assert (q4.start, q4.end) == (date(2024, 10, 1), date(2024, 12, 31))
    assert str(q2) == "2026-Q2"


@pytest.mark.parametrize("text", ["2026-Q5", "2026-Q0", "2026Q2", "26-Q2", "2026-q2", "2026-Q2x", ""])
def test_a_period_not_written_as_a_quarter_is_refused(text):
    with pytest.raises(PeriodInvalid, match="YYYY-Qn"):
        parse_period(text)


@pytest.mark.parametrize(("day", "quarter"), [(date(2026, 3, 31), "2026-Q1"), (date(2026, 4, 1), "2026-Q2"),
                                               (date(2026, 12, 31), "2026-Q4")])
def test_a_date_belongs_to_the_quarter_it_falls_in(day, quarter):
    assert str(period_containing(day)) == quarter


@pytest.mark.parametrize(("end", "months", "start"), [
    (date(2026, 6, 30), 12, date(2025, 6, 30)),
    (date(2026, 3, 31), 1, date(2026, 2, 28)),  # day 31 clamped to February's 28
    (date(2024, 3, 31), 1, date(2024, 2, 29)),  # leap year
    (date(2026, 6, 30), 3, date(2026, 3, 30)),  # day kept: March has a 30th
    (date(2026, 12, 31), 6, date(2026, 6, 30)),  # clamped to June's 30
    (date(2026, 3, 31), 13, date(2025, 2, 28)),
    (date(2026, 1, 31), 2, date(2025, 11, 30)),  # across a year boundary
])
def test_the_window_starts_n_calendar_months_before_with_the_day_clamped(end, months, start):
    assert months_before(end, months) == start
