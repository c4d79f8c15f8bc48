"""Progress of each key-result kind and of an objective: the rules of issue 3, item 5, as pure functions."""
from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from okr_app.domain.progress import Measure, explain_progress, mean, progress_of, weighted_progress


def measure(kind: str, start=None, target=None, current=None) -> Measure:
    return Measure(kind=kind, start=start, target=target, current=current)


# --- increase and decrease ----------------------------------------------------------------------

def test_increase_progress_is_the_share_of_the_way_from_start_to_target():
    # (130 − 100) / (200 − 100) = 30 / 100 = 0.3
    assert progress_of(measure("increase", 100, 200, 130)) == 0.3


def test_increase_progress_is_clamped_to_one_past_the_target():
    # (260 − 100) / (200 − 100) = 1.6 → clamped to 1
    assert progress_of(measure("increase", 100, 200, 260)) == 1.0


def test_increase_progress_is_clamped_to_zero_below_the_start():
    # (80 − 100) / (200 − 100) = −0.2 → clamped to 0
    assert progress_of(measure("increase", 100, 200, 80)) == 0.0


def test_decrease_progress_counts_the_way_down_from_start_to_target():
    # (8 − 10) / (2 − 10) = −2 / −8 = 0.25
    assert progress_of(measure("decrease", 10, 2, 8)) == 0.25


def test_decrease_progress_is_clamped_on_both_sides():
    # (12 − 10) / (2 − 10) = −0.25 → 0;  (1 − 10) / (2 − 10) = 1.125 → 1
    assert progress_of(measure("decrease", 10, 2, 12)) == 0.0
    assert progress_of(measure("decrease", 10, 2, 1)) == 1.0


def test_current_is_the_start_value_before_the_first_check_in():
    # no check-in: current = start = 100 → (100 − 100) / (200 − 100) = 0
    assert progress_of(measure("increase", 100, 200, None)) == 0.0
    assert "before the first check-in, current = start" in explain_progress(measure("increase", 100, 200, None))


# --- stay above, stay below, milestone ---------------------------------------------------------------

def test_stay_above_is_one_at_or_above_the_target_and_zero_below_it():
    assert progress_of(measure("stay_above", 0, 95, 95)) == 1.0
    assert progress_of(measure("stay_above", 0, 95, 97.5)) == 1.0
    assert progress_of(measure("stay_above", 0, 95, 94.9)) == 0.0


def test_stay_below_is_one_at_or_below_the_target_and_zero_above_it():
    assert progress_of(measure("stay_below", 10, 5, 5)) == 1.0
    assert progress_of(measure("stay_below", 10, 5, 3)) == 1.0
    assert progress_of(measure("stay_below", 10, 5, 5.01)) == 0.0


def test_a_milestone_is_done_at_one_and_not_done_otherwise():
    assert progress_of(measure("milestone", current=1)) == 1.0
    assert progress_of(measure("milestone", current=0)) == 0.0
    assert progress_of(measure("milestone", current=None)) == 0.0


# --- rollup and objectives -------------------------------------------------------------------------------

def test_a_rollup_is_the_mean_of_the_aligned_objectives_and_zero_with_none():
    # mean(0.2, 0.6, 1.0) = 1.8 / 3 = 0.6
    assert progress_of(measure("rollup"), mean([0.2, 0.6, 1.0])) == 0.6
    assert progress_of(measure("rollup"), mean([])) == 0.0
    assert progress_of(measure("rollup")) == 0.0


def test_the_rollup_explanation_shows_each_aligned_objective_and_the_mean():
    text = explain_progress(measure("rollup"), [("Grow pipeline", 0.5), ("Cut churn", 0.25)])
    # (0.50 + 0.25) / 2 = 0.375 → 38%
    assert text == "rollup: mean of 2 aligned objective(s) = (0.50 + 0.25) / 2 → 38%"


def test_an_objective_is_the_weighted_mean_of_its_key_results():
    # (1 × 0.3 + 2 × 0.6 + 1 × 1.0) / (1 + 2 + 1) = (0.3 + 1.2 + 1.0) / 4 = 2.5 / 4 = 0.625
    assert weighted_progress([(1, 0.3), (2, 0.6), (1, 1.0)]) == 0.625


def test_an_objective_without_key_results_has_zero_progress():
    assert weighted_progress([]) == 0.0


def test_the_increase_explanation_fills_the_formula_with_the_numbers():
    expected = "increase: (130 − 100) / (200 − 100) = 0.30 → 30%"
    assert explain_progress(measure("increase", 100, 200, 130)) == expected
    assert "clamped to [0, 1]" in explain_progress(measure("increase", 100, 200, 260))


# --- properties ------------------------------------------------------------------------------------

FINITE = st.floats(min_value=-1e9, max_value=1e9, allow_nan=False, allow_infinity=False)
KINDS = st.sampled_from(["increase", "decrease", "stay_above", "stay_below", "milestone"])
MEASURES = st.builds(measure, KINDS, FINITE, FINITE, st.one_of(st.none(), FINITE))
# An increase key result: start, then a target strictly above it (start + a positive gap).
INCREASES = st.tuples(FINITE, st.floats(min_value=1e-3, max_value=1e9)).map(lambda p: (p[0], p[0] + p[1]))


@given(MEASURES, st.one_of(st.none(), st.floats(allow_nan=False)))
def test_progress_always_lies_between_zero_and_one(m, rollup):
    """Whatever the kind, the numbers or the rollup input, progress is in [0, 1]."""
    assert 0.0 <= progress_of(m, rollup) <= 1.0


@given(INCREASES, FINITE, FINITE)
def test_increase_progress_never_falls_when_the_current_value_rises(bounds, a, b):
    """For an increase key result, a higher current value never gives lower progress."""
    start, target = bounds
    low, high = sorted((a, b))
    assert progress_of(measure("increase", start, target, low)) <= progress_of(measure("increase", start, target, high))


@given(st.lists(st.tuples(st.floats(min_value=0.1, max_value=100), st.floats(min_value=0, max_value=1)), max_size=8))
def test_objective_progress_lies_between_its_weakest_and_strongest_key_result(parts):
    """A weighted mean never leaves the range of what it averages (and is 0 with nothing to average)."""
    value = weighted_progress(parts)
    if not parts:
        assert value == 0.0
    else:
        progresses = [p for _, p in parts]
        assert min(progresses) - 1e-9 <= value <= max(progresses) + 1e-9


def test_a_stay_key_result_explains_itself_in_words_not_its_kind_key():
    # stay above 85 with 81.7 now: 81.7 ≥ 85 fails, so 0%; stay below 5 with 3: 3 ≤ 5 holds, so 100%
    assert explain_progress(measure("stay_above", 0, 85, 81.7)) == "stay above: current 81.70 ≥ target 85? no → 0%"
    assert explain_progress(measure("stay_below", 0, 5, 3)) == "stay below: current 3 ≤ target 5? yes → 100%"
