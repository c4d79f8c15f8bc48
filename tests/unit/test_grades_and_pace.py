"""Default grades (progress rounded to 0.1) and pace against the straight line to the due date."""
from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from okr_app.domain.progress import default_grade, expected_progress, pace_of
from okr_app.okrs.display import approximately, format_value

START = date(2026, 6, 1)          # a Monday
END = START + timedelta(days=83)  # 12 weeks: the last day is Sunday 2026-08-23


def test_the_default_grade_is_progress_rounded_to_one_decimal():
    assert default_grade(0.0) == 0.0
    assert default_grade(0.64) == 0.6
    assert default_grade(0.66) == 0.7
    assert default_grade(1.0) == 1.0


def test_the_default_grade_rounds_halves_up():
    # 0.65 → 0.7 and 0.25 → 0.3 (half up, not to even)
    assert default_grade(0.65) == 0.7
    assert default_grade(0.25) == 0.3
    assert default_grade(0.05) == 0.1


@given(st.floats(min_value=0, max_value=1))
def test_a_default_grade_is_a_tenth_within_half_a_tenth_of_progress(progress):
    """The grade is one of 0.0, 0.1, ... 1.0 and at most 0.05 from the progress it rounds."""
    grade = default_grade(progress)
    assert round(grade * 10) == grade * 10
    assert abs(grade - progress) <= 0.05 + 1e-9


def test_the_expected_progress_is_a_straight_line_from_start_to_due():
    # the line runs from day 0 (the start) to day 83 (the due date); 42 days in it reads 42 / 83
    assert expected_progress(START, END, START) == 0.0
    assert expected_progress(START, END, START + timedelta(days=42)) == 42 / 83
    assert expected_progress(START, END, END) == 1.0
    assert expected_progress(START, END, END + timedelta(days=10)) == 1.0


def test_a_key_result_is_ahead_at_or_above_the_line_and_behind_below_it():
    halfway = START + timedelta(days=42)  # expected 42 / 83 ≈ 0.506
    assert pace_of(0.55, START, END, halfway) == "ahead"
    assert pace_of(0.45, START, END, halfway) == "behind"
    assert pace_of(42 / 83, START, END, halfway) == "ahead"


def test_an_earlier_due_date_makes_the_line_steeper():
    due = START + timedelta(days=28)  # due after 4 weeks
    day = START + timedelta(days=14)  # expected 14 / 28 = 0.5, against 14 / 83 ≈ 0.17 for the cycle's end
    assert pace_of(0.4, START, due, day) == "behind"
    assert pace_of(0.4, START, END, day) == "ahead"


def test_values_read_with_their_unit_where_a_reader_expects_it():
    assert format_value(1200, "$") == "$1,200"
    assert format_value(-50, "$") == "-$50"
    assert format_value(45.5, "%") == "45.5%"
    assert format_value(320, "users") == "320 users"
    assert format_value(None, "users") == "—"


def test_computed_figures_are_shown_to_a_readable_precision():
    assert approximately(539_759.04) == 539_759
    assert approximately(22.716) == 22.7
    assert approximately(0.4567) == 0.46
    assert approximately(None) is None
