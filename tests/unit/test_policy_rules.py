"""Every permission rule in okr_app/policy.py, on plain objects (no database, no app).

The org chart in these tests:   leader Lia (1) → manager Max (2) → employee Eve (3);
Olli (4) is an employee elsewhere; Fay (5) is finance; Ada (6) is admin.
"""
from __future__ import annotations

import pytest

from okr_app import policy
from okr_app.models import Objective, Person, WeeklyReport
from okr_app.policy import Actor

BELOW = {1: {2, 3}, 2: {3}}
SALES, OTHER_TEAM = 10, 20
ROLES = {1: "leader", 2: "manager", 3: "employee", 4: "employee", 5: "finance", 6: "admin"}
TEAMS = {1: SALES, 2: SALES, 3: SALES, 4: OTHER_TEAM, 5: None, 6: None}
LIA, MAX, EVE, OLLI, FAY, ADA = 1, 2, 3, 4, 5, 6


def actor(person_id: int) -> Actor:
    person = Person(id=person_id, role=ROLES[person_id], team_id=TEAMS[person_id], email=f"{person_id}@x.co")
    return Actor(person, _below=BELOW.get(person_id, set()))


def personal(owner: int, private: bool = False) -> Objective:
    return Objective(owner_type="person", owner_person_id=owner, private=private)


def team_objective(team: int = SALES, private: bool = False) -> Objective:
    return Objective(owner_type="team", team_id=team, private=private)


def company_objective(private: bool = False) -> Objective:
    return Objective(owner_type="company", private=private)


def who(rule, *args) -> set[int]:
    """The people (ids) for whom the rule answers yes."""
    return {pid for pid in ROLES if rule(actor(pid), *args)}


# --- objectives -----------------------------------------------------------------------------------

def test_everyone_reads_public_objectives_of_any_owner():
    for objective in (personal(EVE), personal(OLLI), team_objective(), company_objective()):
        assert who(policy.can_view_objective, objective) == set(ROLES)


def test_a_private_personal_objective_is_seen_by_its_owner_those_above_and_admins_only():
    assert who(policy.can_view_objective, personal(EVE, private=True)) == {EVE, MAX, LIA, ADA}
    assert who(policy.can_view_objective, personal(OLLI, private=True)) == {OLLI, ADA}


def test_a_private_team_objective_is_seen_by_its_members_leaders_and_admins():
    assert who(policy.can_view_objective, team_objective(SALES, private=True)) == {LIA, MAX, EVE, ADA}
    assert who(policy.can_view_objective, team_objective(OTHER_TEAM, private=True)) == {OLLI, LIA, ADA}


def test_a_private_company_objective_is_for_leaders_and_admins():
    assert who(policy.can_view_objective, company_objective(private=True)) == {LIA, ADA}


def test_a_personal_objective_is_edited_by_its_owner_anyone_above_and_admins():
    assert who(policy.can_edit_objective, personal(EVE)) == {EVE, MAX, LIA, ADA}
    assert who(policy.can_edit_objective, personal(OLLI)) == {OLLI, ADA}


def test_nobody_edits_a_private_objective_they_cannot_see():
    objective = personal(OLLI, private=True)
    assert who(policy.can_edit_objective, objective) <= who(policy.can_view_objective, objective)


def test_team_and_company_objectives_are_edited_by_leaders_and_admins_only():
    for objective in (team_objective(), company_objective()):
        assert who(policy.can_edit_objective, objective) == {LIA, ADA}


def test_finance_has_no_say_over_objectives_beyond_their_own():
    assert who(policy.can_own_objective, "person", FAY) == {FAY, ADA}
    assert FAY not in who(policy.can_own_objective, "team")


def test_only_leaders_and_admins_manage_cycles():
    assert who(policy.can_manage_cycles) == {LIA, ADA}


# --- weekly reports ------------------------------------------------------------------------------

def test_a_weekly_report_is_read_by_its_author_those_above_and_leaders():
    assert who(policy.can_read_weekly, EVE) == {EVE, MAX, LIA, ADA}
    assert who(policy.can_read_weekly, OLLI) == {OLLI, LIA, ADA}


def test_a_reports_thread_is_for_its_author_the_people_above_and_leaders():
    report = WeeklyReport(person_id=EVE)
    assert who(policy.can_reply_to, report) == {EVE, MAX, LIA, ADA}


def test_only_the_people_above_someone_nudge_them():
    assert who(policy.can_nudge, EVE) == {MAX, LIA}
    assert who(policy.can_nudge, OLLI) == set()


def test_anyone_who_sees_an_objective_writes_in_its_key_results_threads():
    assert who(policy.can_comment_on_objective, personal(EVE)) == {LIA, MAX, EVE, OLLI, FAY, ADA}
    assert who(policy.can_comment_on_objective, personal(EVE, private=True)) == {LIA, MAX, EVE, ADA}


# --- people, audit ---------------------------------------------------------------------------------

def test_only_admins_manage_people_and_read_the_audit_trail():
    assert who(policy.can_manage_people) == {ADA}
    assert who(policy.can_view_audit) == {ADA}


# --- pay --------------------------------------------------------------------------------------------

def test_a_statement_is_read_by_its_rep_their_managers_and_finance():
    assert who(policy.can_view_statement, EVE) == {EVE, MAX, LIA, FAY}
    assert who(policy.can_view_statement, OLLI) == {OLLI, FAY}


def test_admins_do_not_read_pay_just_because_they_manage_people():
    assert ADA not in who(policy.can_view_statement, EVE)


def test_a_statement_without_a_rep_is_for_finance_only():
    assert who(policy.can_view_statement, None) == {FAY}


def test_only_finance_runs_payouts_and_sees_runs():
    assert who(policy.can_run_payouts) == {FAY}
    assert who(policy.can_view_runs) == {FAY}


@pytest.mark.parametrize("started_by, approvers", [(FAY, set()), (99, {FAY}), (None, {FAY})])
def test_whoever_started_a_payout_run_cannot_approve_it(started_by, approvers):
    assert who(policy.can_approve_payout, started_by) == approvers
