"""Which passwords Cadence accepts (ASVS 2.1.1, 2.1.7): long enough, not common, not the person's own
email or name, and not weak by zxcvbn; each refusal says why."""
from __future__ import annotations

import pytest

from okr_app.auth.passwords import MIN_LENGTH, common_passwords, password_problem

ANA = {"email": "ana.alder@example.com", "name": "Ana Alder"}


@pytest.mark.parametrize("password, reason", [
    ("aaaaaaaaaa", "at least 12 characters"),
    ("1234567890", "at least 12 characters"),
    ("password123", "at least 12 characters"),
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("123456789012", "too easy to guess"),
    ("password1234", "most common"),
    ("Password!!!!", "most common"),
    ("qwertyuiopas", "too easy to guess"),
    ("ana.alder@example.com", "email address"),
    ("ana.alder-lovely-summer", "email address"),
    ("Alder-tugboat-orchard", "your name"),
    ("x" * 1025, "at most 1024"),
])
def test_a_weak_password_is_refused_with_the_reason(password, reason):
    problem = password_problem(password, **ANA)
    assert problem is not None and reason in problem, problem


@pytest.mark.parametrize("password", ["plum orchard tugboat 77", "correct-horse-battery", "Tr0ub4dor&3xyz!",
                                      "sunflower-quartz-97"])
def test_a_long_unrelated_password_is_accepted(password):
    assert password_problem(password, **ANA) is None


def test_the_common_list_is_bundled_and_holds_ten_thousand_passwords():
    common = common_passwords()
    assert len(common) >= 9_900 and {"123456", "password", "qwerty", "iloveyou"} <= common


def test_the_minimum_is_twelve_characters():
    assert MIN_LENGTH == 12
