"""Who may do what: the one place every view, API endpoint and CLI command asks.

Rules (issue 5): everyone edits their own OKRs and weekly reports and reads all non-private OKRs;
anyone with reports (direct or indirect) also edits their OKRs and reads their weekly reports,
and managers read their statements; leaders read everything OKR-related, edit company and team
objectives and run cycles; finance runs, approves (not their own run) and exports payouts and
reads every statement; admins manage people, teams, cycles and roles.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from okr_app.models import Cycle, Objective, Person, WeeklyReport
from okr_app.org import subordinate_ids


@dataclass(eq=False)
class Actor:
    """A signed-in person plus the org-chart facts the rules need, fetched once per request."""

    person: Person
    _below: set[int] | None = field(default=None, repr=False)

    @property
    def id(self) -> int:
        return self.person.id

    @property
    def role(self) -> str:
        return self.person.role

    @cached_property
    def below(self) -> frozenset[int]:
        """Ids of everyone reporting to this person, directly or indirectly."""
        if self._below is not None:
            return frozenset(self._below)
        return frozenset(subordinate_ids(self.person.id))

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_leader(self) -> bool:
        return self.role in ("leader", "admin")

    @property
    def is_finance(self) -> bool:
        return self.role == "finance"

    def is_self_or_above(self, person_id: int | None) -> bool:
        return person_id is not None and (person_id == self.id or person_id in self.below)


# --- OKRs -------------------------------------------------------------------------------

def can_view_objective(actor: Actor, objective: Objective) -> bool:
    """Public objectives are for everyone; a private one for its owner, the people above the
    owner in the org chart, and admins (a private team objective: its members and leaders)."""
    if not objective.private or actor.is_admin:
        return True
    if objective.owner_type == "person":
        return actor.is_self_or_above(objective.owner_person_id)
    if objective.owner_type == "team":
        return actor.role == "leader" or (actor.person.team_id is not None
                                          and actor.person.team_id == objective.team_id)
    return actor.role == "leader"


def can_own_objective(actor: Actor, owner_type: str, owner_person_id: int | None = None) -> bool:
    """Who may create or edit an objective with this owner."""
    if owner_type in ("team", "company"):
        return actor.is_leader
    return actor.is_admin or actor.is_self_or_above(owner_person_id)


def can_edit_objective(actor: Actor, objective: Objective) -> bool:
    """The permission alone, whatever the cycle's state: ask `may_edit_objective` before a change."""
    return can_view_objective(actor, objective) and can_own_objective(
        actor, objective.owner_type, objective.owner_person_id)


def cycle_is_open(cycle: Cycle) -> bool:
    """A closed cycle is locked: its OKRs, values and grades no longer change, and it has no pace."""
    return state_is_open(cycle.state)


def state_is_open(state: str) -> bool:
    """`cycle_is_open` for a cycle's state alone (the cached roll-up carries states, not cycles)."""
    return state != "closed"


def may_edit_objective(actor: Actor, objective: Objective) -> bool:
    """Whether the actor may change this objective and its key results now (edit, add, check in, grade):
    the permission and an open cycle together. Pages, templates and services all ask this one question."""
    return cycle_is_open(objective.cycle) and can_edit_objective(actor, objective)


def can_manage_cycles(actor: Actor) -> bool:
    """Create, activate, snapshot and close cycles."""
    return actor.is_leader


# --- Weekly reports -----------------------------------------------------------------------

def can_read_weekly(actor: Actor, person_id: int) -> bool:
    """Your own reports, those of everyone below you, and (leaders) everyone's."""
    return actor.is_self_or_above(person_id) or actor.is_leader


def can_reply_to(actor: Actor, report: WeeklyReport) -> bool:
    """A report's thread is for whoever reads it: its author, the people above them, and leaders."""
    return can_read_weekly(actor, report.person_id)


def can_nudge(actor: Actor, person_id: int) -> bool:
    """Anyone above a person in the org chart nudges them to check in."""
    return person_id != actor.id and person_id in actor.below


def can_comment_on_objective(actor: Actor, objective: Objective) -> bool:
    """A key result's thread is open to everyone who can see its objective."""
    return can_view_objective(actor, objective)


# --- People ---------------------------------------------------------------------------------

def can_manage_people(actor: Actor) -> bool:
    """People, teams and roles are the admins' job."""
    return actor.is_admin


def can_view_audit(actor: Actor) -> bool:
    return actor.is_admin


# --- Payouts --------------------------------------------------------------------------------

def can_view_statement(actor: Actor, rep_person_id: int | None) -> bool:
    """Your own statements; managers (and leaders) those of the people below them; finance all."""
    if actor.is_finance:
        return True
    if rep_person_id is None:
        return False
    if rep_person_id == actor.id:
        return True
    return actor.role in ("manager", "leader") and rep_person_id in actor.below


def can_run_payouts(actor: Actor) -> bool:
    return actor.is_finance


def can_approve_payout(actor: Actor, run_created_by_id: int | None) -> bool:
    """Separation of duties: finance approves, but never a run they started themselves."""
    return actor.is_finance and run_created_by_id != actor.id


def approval_conflict(actor: Actor, ran_it: bool, paid_by_it: bool, changed_its_inputs: bool) -> str | None:
    """Separation of duties, beyond "finance only": why this finance person may not approve
    this run, or None. A run is approved by someone who did not run it, is not paid by it
    (their e-mail is not on its roster) and did not change its inputs after it was computed;
    another finance person may."""
    if ran_it:
        return "ran_it"
    if paid_by_it:
        return "paid_by_it"
    if changed_its_inputs:
        return "changed_its_inputs"
    return None


def can_view_runs(actor: Actor) -> bool:
    return actor.is_finance


def can_view_revenue_accounts(actor: Actor, objective: Objective) -> bool:
    """The accounts behind a metric key result: finance always; leaders for company and team
    objectives; a person for their own objective (their own deals)."""
    if actor.is_finance:
        return True
    if objective.owner_type in ("company", "team"):
        return actor.is_leader
    return objective.owner_person_id == actor.id


def can_view_growth_review(actor: Actor) -> bool:
    """The growth review is the heads' meeting: leaders (and admins) and finance."""
    return actor.is_leader or actor.is_finance


def can_compare_plans(actor: Actor) -> bool:
    """Back-testing plans on the imported deals is finance's."""
    return actor.is_finance


# --- Questions on statements and signed plans --------------------------------------------------

def can_ask_about_statement(actor: Actor, rep_person_id: int | None) -> bool:
    """Only the rep whose statement it is asks about its lines (not their manager, not finance)."""
    return rep_person_id is not None and rep_person_id == actor.id


def can_read_question(actor: Actor, asker_id: int) -> bool:
    """The rep who asked, the people above them who read their statements, and finance."""
    return can_view_statement(actor, asker_id)


def can_answer_questions(actor: Actor) -> bool:
    return actor.is_finance


def can_publish_plans(actor: Actor) -> bool:
    return actor.is_finance
