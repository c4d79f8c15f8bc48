"""The OKR and cycle services as the form, the API and the CLI all call them: limits (nothing
saved past them), alignment rules, snapshots, grades, pace, and what the forms offer."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from okr_app.cycles.services import (apply_grades, close_cycle, snapshot_comparison, take_mid_cycle_snapshot,
                                     take_snapshot)
from okr_app.errors import InvalidInput, LimitExceeded, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import KeyResult, Objective, Snapshot
from okr_app.okrs.choices import alignment_options, owner_options, parse_owner
from okr_app.okrs.pace import pace_reading
from okr_app.okrs.pages import my_okrs_page
from okr_app.okrs.services import (add_key_result, create_objective, delete_key_result, delete_objective,
                                   update_key_result, update_objective)
from okr_app.policy import Actor
from okr_app.clock import today
from okr_app.domain.weeks import monday_of


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


# --- limits -------------------------------------------------------------------------------------

def test_a_second_personal_objective_is_refused_and_nothing_is_saved(build):
    ana = build.person()
    cycle = build.cycle()
    create_objective(Actor(ana), cycle, "First", "person", owner_person=ana)
    db.session.commit()
    with pytest.raises(LimitExceeded, match="the limit is 1 per person per cycle"):
        create_objective(Actor(ana), cycle, "Second", "person", owner_person=ana)
    db.session.rollback()
    assert count(Objective) == 1


def test_the_personal_objective_limit_comes_from_configuration(app, build):
    app.config["MAX_PERSONAL_OBJECTIVES"] = 2
    ana = build.person()
    cycle = build.cycle()
    for title in ("First", "Second"):
        create_objective(Actor(ana), cycle, title, "person", owner_person=ana)
    with pytest.raises(LimitExceeded):
        create_objective(Actor(ana), cycle, "Third", "person", owner_person=ana)
    assert count(Objective) == 2


def test_the_limit_is_per_cycle_so_a_new_cycle_takes_a_new_objective(build):
    ana = build.person()
    this = build.cycle()
    following = build.cycle(start=this.start + timedelta(weeks=12), state="planning")
    create_objective(Actor(ana), this, "Now", "person", owner_person=ana)
    create_objective(Actor(ana), following, "Next", "person", owner_person=ana)
    assert count(Objective) == 2


def test_a_sixth_key_result_is_refused_and_nothing_is_saved(build):
    ana = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    for n in range(5):
        add_key_result(Actor(ana), objective, f"KR {n}", "milestone")
    with pytest.raises(LimitExceeded, match="already has 5 key results; the limit is 5"):
        add_key_result(Actor(ana), objective, "One too many", "milestone")
    assert count(KeyResult) == 5


def test_a_team_objective_holds_at_most_the_configured_number_of_key_results(app, build):
    app.config["MAX_KEY_RESULTS"] = 3
    lead = build.person(role="leader")
    objective = build.objective(build.cycle(), team=build.team())
    for n in range(3):
        add_key_result(Actor(lead), objective, f"KR {n}", "increase", start=0, target=10)
    with pytest.raises(LimitExceeded, match="the limit is 3"):
        add_key_result(Actor(lead), objective, "Fourth", "increase", start=0, target=10)
    assert count(KeyResult) == 3


# --- alignment and deletion -----------------------------------------------------------------------

def test_an_alignment_that_would_loop_the_cascade_is_refused(build):
    lead = build.person(role="leader")
    cycle = build.cycle()
    top = build.objective(cycle, company=True)
    top_kr = build.key_result(top, kind="rollup")
    below = build.objective(cycle, team=build.team(), aligned_to=top_kr)
    below_kr = build.key_result(below, kind="rollup")
    with pytest.raises(InvalidInput, match="loop back on itself"):
        update_objective(Actor(lead), top, aligned_kr_id=below_kr.id)


def test_an_objective_aligns_only_to_a_key_result_of_its_own_cycle(build):
    ana = build.person()
    cycle = build.cycle()
    other = build.cycle(start=cycle.start + timedelta(weeks=12), state="planning")
    elsewhere = build.key_result(build.objective(other, company=True), kind="rollup")
    with pytest.raises(InvalidInput, match="same cycle"):
        create_objective(Actor(ana), cycle, "Mine", "person", owner_person=ana, aligned_kr_id=elsewhere.id)
    assert count(Objective) == 1


def test_deleting_a_key_result_frees_its_aligned_objectives_and_drops_its_snapshot(build):
    lead = build.person(role="leader")
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=8))
    company = build.objective(cycle, company=True)
    kr = build.key_result(company, kind="rollup")
    child = build.objective(cycle, owner=build.person(manager=lead), aligned_to=kr)
    take_snapshot(Actor(lead), cycle)
    delete_key_result(Actor(lead), kr)
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(Objective, child.id).aligned_kr_id is None
    assert count(Snapshot) == 0


def test_deleting_an_objective_drops_its_key_results_snapshots(build):
    lead = build.person(role="leader")
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=8))
    company = build.objective(cycle, company=True)
    build.key_result(company)
    build.key_result(company)
    take_snapshot(Actor(lead), cycle)
    assert count(Snapshot) == 2
    delete_objective(Actor(lead), company)
    db.session.commit()
    assert (count(Objective), count(KeyResult), count(Snapshot)) == (0, 0, 0)


def test_editing_a_key_result_can_change_its_vanity_answers_but_not_its_kind(build):
    ana = build.person()
    kr = build.key_result(build.objective(build.cycle(), owner=ana), kind="increase")
    update_key_result(Actor(ana), kr, reproducible=False)
    assert kr.vanity_risk and kr.kind == "increase"
    update_key_result(Actor(ana), kr, reproducible=True)
    assert not kr.vanity_risk


# --- snapshot and grades --------------------------------------------------------------------------

def test_the_mid_cycle_snapshot_needs_an_active_twelve_week_cycle_past_week_six(build):
    lead = Actor(build.person(role="leader"))
    planning = build.cycle(state="planning", start=monday_of(today()) - timedelta(weeks=8))
    with pytest.raises(InvalidInput, match="Start the cycle"):
        take_mid_cycle_snapshot(lead, planning, today())
    early = build.cycle()  # three weeks in
    with pytest.raises(InvalidInput, match="once week 6 has ended"):
        take_mid_cycle_snapshot(lead, early, today())
    # the day after week 6 ends (the midpoint is its last day) the snapshot is allowed
    assert take_mid_cycle_snapshot(lead, early, early.midpoint + timedelta(days=1)) == 0
    with pytest.raises(NotAllowed):
        take_mid_cycle_snapshot(Actor(build.person()), planning, today())


def test_the_snapshot_comparison_hides_what_the_reader_may_not_see(build):
    boss = build.person(role="manager")
    owner = build.person(manager=boss)
    peer = build.person(manager=boss)
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=8))
    secret = build.key_result(build.objective(cycle, owner=owner, private=True), start=0, target=10, current=3)
    public = build.key_result(build.objective(cycle, owner=peer), start=0, target=10, current=5)
    take_snapshot(None, cycle)
    assert {r.key_result.id for r in snapshot_comparison(Actor(peer), cycle)} == {public.id}
    rows = {r.key_result.id: r for r in snapshot_comparison(Actor(boss), cycle)}
    assert set(rows) == {secret.id, public.id}
    assert (rows[secret.id].snapshot_progress, rows[secret.id].final_progress) == (0.3, 0.3)


def test_grades_on_the_sheet_are_checked_against_what_the_reader_may_see_and_change(build):
    boss = build.person(role="manager")
    owner = build.person(manager=boss)
    peer = build.person(manager=boss)
    cycle = build.cycle()
    secret = build.key_result(build.objective(cycle, owner=owner, private=True))
    visible = build.key_result(build.objective(cycle, owner=owner))
    with pytest.raises(NotFound):
        apply_grades(Actor(peer), cycle, {secret.id: 0.5})
    with pytest.raises(NotAllowed):
        apply_grades(Actor(peer), cycle, {visible.id: 0.5})
    assert apply_grades(Actor(boss), cycle, {secret.id: 0.5, visible.id: 0.9}) == 2
    assert (secret.grade, visible.grade) == (0.5, 0.9)


def test_closing_grades_every_key_result_by_its_progress_rounded_to_a_tenth(build):
    lead = build.person(role="leader")
    cycle = build.cycle()
    objective = build.objective(cycle, company=True)
    krs = [build.key_result(objective, start=0, target=100, current=v) for v in (0, 34, 65, 100)]
    rollup = build.key_result(objective, kind="rollup")  # nothing aligned: 0
    assert close_cycle(Actor(lead), cycle) == 5
    # 0 → 0.0, 0.34 → 0.3, 0.65 → 0.7 (half up), 1.0 → 1.0, rollup 0 → 0.0
    assert [kr.grade for kr in krs + [rollup]] == [0.0, 0.3, 0.7, 1.0, 0.0]
    assert cycle.state == "closed" and cycle.closed_at is not None


# --- pace ---------------------------------------------------------------------------------------

def test_pace_reads_the_expected_value_off_the_straight_line_to_the_due_date(build, clock):
    start = date(2026, 3, 2)  # a Monday
    clock.pin(start + timedelta(days=21))
    cycle = build.cycle(start=start)  # started 21 days ago, 12 weeks: the line runs 83 days
    objective = build.objective(cycle, company=True)
    grow = build.key_result(objective, kind="increase", start=100, target=200, unit="deals")
    cut = build.key_result(objective, kind="decrease", start=50, target=10, unit="%",
                           due=cycle.start + timedelta(days=42))
    reading = pace_reading(grow, 0.2, cycle, today())
    # 21 / 83 = 0.253; 100 + 0.253 × 100 = 125.3, shown whole from 100 up: 125; 0.2 < 0.253 → behind
    assert (reading.pace, reading.expected_label) == ("behind", "125 deals (25% of the way)")
    reading = pace_reading(cut, 0.6, cycle, today())
    # due after 42 days: 21 / 42 = 0.5; 50 + 0.5 × (10 − 50) = 30; 0.6 ≥ 0.5 → ahead
    assert (reading.pace, reading.expected_label, reading.due) == ("ahead", "30% (50% of the way)", cut.due)


def test_a_closed_cycle_has_no_pace_and_stay_kinds_name_their_bound(build):
    cycle = build.cycle(state="closed")
    kr = build.key_result(build.objective(cycle, company=True), kind="stay_above", start=0, target=95, unit="%")
    reading = pace_reading(kr, 1.0, cycle, today())
    assert reading.pace is None and reading.expected_label == "at or above 95%"


# --- what the forms offer -------------------------------------------------------------------------

def test_owners_offered_follow_the_policy_for_each_role(build):
    team = build.team("Sales")
    lead = build.person(role="leader", name="Lea")
    boss = build.person(role="manager", manager=lead, name="Bo")
    rep = build.person(manager=boss, name="Rei")
    admin = build.person(role="admin", name="Adi")
    assert [o.value for o in owner_options(Actor(rep))] == [f"person:{rep.id}"]
    assert {o.value for o in owner_options(Actor(boss))} == {f"person:{boss.id}", f"person:{rep.id}"}
    assert {o.value for o in owner_options(Actor(lead))} == {
        f"person:{lead.id}", f"person:{boss.id}", f"person:{rep.id}", f"team:{team.id}", "company"}
    assert {o.value for o in owner_options(Actor(admin))} >= {f"person:{rep.id}", f"person:{lead.id}", "company"}


def test_an_owner_that_is_not_a_person_team_or_the_company_is_refused(build):
    for garbage in ("", "person:", "person:999", "team:x", "boss", "person:1; drop"):
        with pytest.raises(InvalidInput, match="Choose who owns this objective"):
            parse_owner(garbage)


def test_alignment_offers_company_team_and_manager_key_results_but_not_a_peers_or_its_own(build):
    boss = build.person(role="manager")
    ana = build.person(manager=boss)
    peer = build.person(manager=boss)
    cycle = build.cycle()
    company_kr = build.key_result(build.objective(cycle, company=True), kind="rollup")
    boss_kr = build.key_result(build.objective(cycle, owner=boss))
    peer_kr = build.key_result(build.objective(cycle, owner=peer))
    hidden_kr = build.key_result(build.objective(cycle, team=build.team(), private=True))
    mine = build.objective(cycle, owner=ana)
    own_kr = build.key_result(mine)
    offered = {o.value for o in alignment_options(Actor(ana), cycle, ana.id, mine)}
    assert offered == {"", str(company_kr.id), str(boss_kr.id)}
    assert not offered & {str(peer_kr.id), str(hidden_kr.id), str(own_kr.id)}


def test_my_okrs_offers_a_new_objective_only_under_the_limit_and_in_an_open_cycle(build):
    ana = build.person()
    cycle = build.cycle()
    assert my_okrs_page(Actor(ana), cycle, today()).can_add_objective
    build.objective(cycle, owner=ana)
    page = my_okrs_page(Actor(ana), cycle, today())
    assert not page.can_add_objective and len(page.cards) == 1
    closed = build.cycle(state="closed", start=cycle.start - timedelta(weeks=12))
    assert not my_okrs_page(Actor(ana), closed, today()).can_add_objective


def test_a_cycle_starting_outside_the_years_2000_to_2999_is_refused_not_overflowed(app, build):
    from datetime import date

    import pytest

    from okr_app.cycles.services import create_cycle
    from okr_app.errors import InvalidInput
    from okr_app.policy import Actor

    leader = Actor(build.person(role="leader"))
    with pytest.raises(InvalidInput, match="between 2000 and 2999"):
        create_cycle(leader, "Far future", date(9999, 12, 27), 12)  # 27 Dec 9999 is a Monday


def test_an_id_too_large_for_the_database_answers_404_not_500(client, build, auth):
    person = build.person()
    auth.login(person.email)
    assert client.get(f"/okrs/objectives/{2**31}").status_code == 404
    assert client.get(f"/okrs/objectives/{2**63 + 5}").status_code == 404
