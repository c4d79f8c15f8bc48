"""Cycles without foot-guns: overlapping active cycles refused, the current cycle by date, start and
delete confirmations, renaming, the default start after the latest cycle, and roll-over."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from okr_app.cycles.rollover import roll_over
from okr_app.cycles.services import activate_cycle, current_cycle, default_start
from okr_app.errors import AlreadyRolledOver, CyclesOverlap
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Objective
from okr_app.policy import Actor

MONDAY = date(2026, 3, 2)  # a Monday; a 12-week cycle from here ends Sunday 2026-05-24


# --- overlap and the current cycle -------------------------------------------------------------

def test_starting_a_cycle_that_overlaps_the_active_one_is_refused_and_names_both(build, clock):
    clock.pin(MONDAY + timedelta(weeks=3))
    leader = build.person(role="leader")
    running = build.cycle(name="Q1", start=MONDAY, weeks=12)
    overlapping = build.cycle(name="Junk", start=MONDAY + timedelta(weeks=4), weeks=6, state="planning")
    with pytest.raises(CyclesOverlap) as refused:
        activate_cycle(Actor(leader), overlapping)
    # Q1 ends 2026-03-02 + 84 − 1 days = 2026-05-24, so the earliest start is the day after
    assert "overlaps Q1" in refused.value.message and "2026-05-25" in refused.value.message
    db.session.rollback()
    assert db.session.get(Cycle, overlapping.id).state == "planning"
    assert db.session.get(Cycle, running.id).state == "active"


def test_a_cycle_starting_the_day_after_the_active_one_ends_may_start(build, clock):
    clock.pin(MONDAY + timedelta(weeks=11))
    leader = build.person(role="leader")
    build.cycle(name="Q1", start=MONDAY, weeks=12)
    following = build.cycle(name="Q2", start=MONDAY + timedelta(weeks=12), weeks=12, state="planning")
    assert activate_cycle(Actor(leader), following).state == "active"


def test_the_current_cycle_is_the_active_one_whose_dates_contain_today(build, clock):
    clock.pin(MONDAY + timedelta(weeks=2))
    q1 = build.cycle(name="Q1", start=MONDAY, weeks=12)
    # a later active cycle (its dates do not contain today) and a planning one do not take over
    build.cycle(name="Q2", start=MONDAY + timedelta(weeks=12), weeks=12)
    build.cycle(name="Planned", start=MONDAY + timedelta(weeks=24), weeks=6, state="planning")
    assert current_cycle().name == "Q1"
    clock.pin(MONDAY + timedelta(weeks=13))
    assert current_cycle().name == "Q2"
    assert q1.id != current_cycle().id


def test_between_cycles_the_cycle_the_person_picked_is_current(build, clock):
    clock.pin(MONDAY + timedelta(weeks=14))  # after Q1 ended, before Q2 starts
    q1 = build.cycle(name="Q1", start=MONDAY, weeks=12, state="closed")
    q2 = build.cycle(name="Q2", start=MONDAY + timedelta(weeks=16), weeks=6, state="planning")
    assert current_cycle().id == q2.id  # nothing picked: the newest planning one
    assert current_cycle(picked_id=q1.id).id == q1.id


def test_home_follows_the_cycle_picked_on_my_okrs_between_cycles(client, build, auth, clock):
    clock.pin(MONDAY + timedelta(weeks=14))
    person = build.person()
    q1 = build.cycle(name="Q1 closed", start=MONDAY, weeks=12, state="closed")
    build.cycle(name="Q2 planned", start=MONDAY + timedelta(weeks=16), weeks=6, state="planning")
    auth.sign_in(person)
    assert "Q2 planned" in client.get("/").get_data(as_text=True)
    assert client.get(f"/okrs/mine?cycle={q1.id}").status_code == 200
    assert "Q1 closed" in client.get("/").get_data(as_text=True)


def test_a_junk_planning_cycle_does_not_switch_anyones_home_away_from_the_running_cycle(client, build, auth, clock):
    clock.pin(MONDAY + timedelta(weeks=3))
    person = build.person()
    running = build.cycle(name="Running", start=MONDAY, weeks=12)
    build.key_result(build.objective(running, owner=person), title="Close ten pilots")
    build.cycle(name="Junk", start=MONDAY + timedelta(weeks=1), weeks=6, state="planning")
    auth.sign_in(person)
    page = client.get("/check-in").get_data(as_text=True)
    assert "Close ten pilots" in page and "no key results" not in page


# --- confirmations, rename, delete, default start ----------------------------------------------------

def test_starting_asks_for_confirmation_first_and_warns_of_an_overlap(client, build, auth, clock):
    clock.pin(MONDAY + timedelta(weeks=3))
    auth.sign_in(build.person(role="leader"))
    build.cycle(name="Q1", start=MONDAY, weeks=12)
    junk = build.cycle(name="Junk", start=MONDAY + timedelta(weeks=4), weeks=6, state="planning")
    page = client.get(f"/cycles/{junk.id}").get_data(as_text=True)
    assert f'href="/cycles/{junk.id}/activate"' in page  # a link to the confirmation, not a one-click POST
    confirm = client.get(f"/cycles/{junk.id}/activate")
    assert confirm.status_code == 200 and "overlaps" in confirm.get_data(as_text=True)
    refused = client.post(f"/cycles/{junk.id}/activate")
    assert refused.status_code == 409
    assert db.session.get(Cycle, junk.id).state == "planning"


def test_a_planning_cycle_without_objectives_is_deleted_after_confirmation(client, build, auth, clock):
    clock.pin(MONDAY)
    auth.sign_in(build.person(role="leader"))
    junk = build.cycle(name="Junk", start=MONDAY + timedelta(weeks=4), weeks=6, state="planning")
    assert "Yes, delete Junk" in client.get(f"/cycles/{junk.id}/delete").get_data(as_text=True)
    assert client.post(f"/cycles/{junk.id}/delete").status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, junk.id) is None


@pytest.mark.parametrize("state, with_objective", [("active", False), ("planning", True)])
def test_a_started_cycle_or_one_with_objectives_is_not_deleted(client, build, auth, clock, state, with_objective):
    clock.pin(MONDAY)
    auth.sign_in(build.person(role="leader"))
    cycle = build.cycle(name="Keep", start=MONDAY, weeks=6, state=state)
    if with_objective:
        build.objective(cycle, company=True)
    assert client.post(f"/cycles/{cycle.id}/delete").status_code == 422
    db.session.expire_all()
    assert db.session.get(Cycle, cycle.id) is not None


def test_any_cycle_can_be_renamed_even_a_closed_one(client, build, auth, clock):
    clock.pin(MONDAY)
    auth.sign_in(build.person(role="leader"))
    closed = build.cycle(name="Old name", start=MONDAY - timedelta(weeks=12), weeks=6, state="closed")
    assert client.post(f"/cycles/{closed.id}/rename", data={"name": "2025 Q4"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Cycle, closed.id).name == "2025 Q4"


def test_an_employee_cannot_rename_a_cycle(client, build, auth, clock):
    clock.pin(MONDAY)
    auth.sign_in(build.person())
    cycle = build.cycle(name="Q1", start=MONDAY, weeks=6)
    assert client.post(f"/cycles/{cycle.id}/rename", data={"name": "Mine now"}).status_code == 403


def test_a_new_cycle_defaults_to_the_monday_after_the_latest_cycle_ends(client, build, auth, clock):
    clock.pin(MONDAY + timedelta(weeks=2))
    build.cycle(name="Q1", start=MONDAY, weeks=12)
    # Q1 ends Sunday 2026-05-24; the form proposes Monday 2026-05-25, not the next Monday 2026-03-23
    assert default_start(MONDAY + timedelta(weeks=2)) == date(2026, 5, 25)
    auth.sign_in(build.person(role="leader"))
    assert 'value="2026-05-25"' in client.get("/cycles/").get_data(as_text=True)


def test_with_no_cycle_the_default_start_is_the_next_monday(app):
    with app.app_context():
        assert default_start(date(2026, 3, 4)) == date(2026, 3, 9)  # Wednesday → the following Monday


# --- roll-over ---------------------------------------------------------------------------------------

def closed_and_next(build):
    closed = build.cycle(name="Q1", start=MONDAY, weeks=12, state="closed")
    following = build.cycle(name="Q2", start=MONDAY + timedelta(weeks=12), weeks=12, state="planning")
    return closed, following


def test_roll_over_copies_my_objective_and_only_its_unfinished_key_results_with_values_at_start(build, clock):
    clock.pin(MONDAY + timedelta(weeks=12))
    me = build.person()
    closed, following = closed_and_next(build)
    objective = build.objective(closed, owner=me, title="Win the mid-market")
    build.key_result(objective, title="Finished", start=0, target=10, current=10)
    unfinished = build.key_result(objective, title="Halfway", start=20, target=60, current=40, unit="deals")
    build.key_result(objective, kind="milestone", title="Done milestone", current=1)
    build.key_result(objective, kind="milestone", title="Open milestone", current=0)

    copy = roll_over(Actor(me), objective)
    db.session.commit()

    assert (copy.cycle_id, copy.title, copy.owner_person_id) == (following.id, "Win the mid-market", me.id)
    krs = {kr.title: kr for kr in copy.key_results}
    assert sorted(krs) == ["Halfway", "Open milestone"]
    halfway = krs["Halfway"]
    # values reset to start: no current value, no check-ins; start/target/unit kept
    assert (halfway.start_value, halfway.target_value, halfway.unit) == (20, 60, "deals")
    assert halfway.current_value is None and halfway.check_ins == [] and halfway.copied_from_id == unfinished.id


def test_roll_over_keeps_alignment_where_the_parent_was_copied_too_in_either_order(build, clock):
    clock.pin(MONDAY + timedelta(weeks=12))
    leader, me, colleague = build.person(role="leader"), build.person(), build.person()
    closed, following = closed_and_next(build)
    company = build.objective(closed, company=True, title="Company")
    company_kr = build.key_result(company, current=30)
    mine = build.objective(closed, owner=me, aligned_to=company_kr)
    build.key_result(mine, current=10)
    theirs = build.objective(closed, owner=colleague, aligned_to=company_kr)
    build.key_result(theirs, current=10)

    early_child = roll_over(Actor(colleague), theirs)  # before the parent: aligned to nothing yet
    assert early_child.aligned_kr_id is None
    company_copy = roll_over(Actor(leader), company)
    late_child = roll_over(Actor(me), mine)
    db.session.commit()

    copied_kr = company_copy.key_results[0].id
    assert late_child.aligned_kr_id == copied_kr
    assert db.session.get(Objective, early_child.id).aligned_kr_id == copied_kr


def test_roll_over_without_a_copied_parent_aligns_to_nothing(build, clock):
    clock.pin(MONDAY + timedelta(weeks=12))
    me = build.person()
    closed, _ = closed_and_next(build)
    company_kr = build.key_result(build.objective(closed, company=True), current=30)
    mine = build.objective(closed, owner=me, aligned_to=company_kr)
    assert roll_over(Actor(me), mine).aligned_kr_id is None


def test_rolling_over_twice_is_refused(build, clock):
    clock.pin(MONDAY + timedelta(weeks=12))
    me = build.person()
    closed, _ = closed_and_next(build)
    mine = build.objective(closed, owner=me)
    roll_over(Actor(me), mine)
    with pytest.raises(AlreadyRolledOver):
        roll_over(Actor(me), mine)


def test_the_objective_page_offers_roll_over_and_one_click_copies(client, build, auth, clock):
    clock.pin(MONDAY + timedelta(weeks=12))
    me = build.person()
    closed, following = closed_and_next(build)
    mine = build.objective(closed, owner=me, title="Carry me")
    build.key_result(mine, current=50)
    auth.sign_in(me)
    page = client.get(f"/okrs/objectives/{mine.id}").get_data(as_text=True)
    assert "Roll over into Q2" in page and "1 unfinished" in page
    response = client.post(f"/cycles/roll-over/{mine.id}")
    assert response.status_code == 302
    copy = db.session.scalar(sa.select(Objective).where(Objective.cycle_id == following.id))
    assert copy.title == "Carry me" and len(copy.key_results) == 1
    again = client.get(f"/okrs/objectives/{mine.id}").get_data(as_text=True)
    assert "Rolled over" in again and f"/okrs/objectives/{copy.id}" in again
    assert client.post(f"/cycles/roll-over/{mine.id}").status_code == 409
    assert db.session.scalar(sa.select(sa.func.count(KeyResult.id)).join(Objective, KeyResult.objective_id == Objective.id).where(
        Objective.cycle_id == following.id)) == 1
