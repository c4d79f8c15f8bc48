"""Cycle pages: creating cycles through the form (lengths, Monday starts), starting, the mid-cycle
snapshot, grading and closing (which grades and locks)."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Snapshot
from okr_app.clock import today
from okr_app.domain.weeks import monday_of


def next_monday():
    return monday_of(today()) + timedelta(weeks=1)


def cycle_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Cycle.id)))


def fresh(model, object_id):
    db.session.expire_all()
    return db.session.get(model, object_id)


# --- creating cycles ----------------------------------------------------------------------------

@pytest.mark.parametrize("weeks", [6, 12])
def test_a_leader_creates_a_six_or_twelve_week_cycle_through_the_form(client, build, auth, weeks):
    auth.sign_in(build.person(role="leader"))
    start = next_monday()
    response = client.post("/cycles/", data={"name": "2026 Q3", "start": start.isoformat(), "weeks": str(weeks)})
    assert response.status_code == 302
    cycle = db.session.scalar(sa.select(Cycle))
    assert (cycle.name, cycle.start, cycle.weeks, cycle.state) == ("2026 Q3", start, weeks, "planning")
    # the last day is a Sunday: start + weeks × 7 − 1 days
    assert cycle.end == start + timedelta(days=weeks * 7 - 1) and cycle.end.weekday() == 6


def test_an_eight_week_cycle_is_refused_with_the_allowed_lengths_and_nothing_is_saved(client, build, auth):
    auth.sign_in(build.person(role="admin"))
    response = client.post("/cycles/", data={"name": "Odd", "start": next_monday().isoformat(), "weeks": "8"})
    assert response.status_code == 422
    assert "A cycle lasts 6 or 12 weeks, not 8." in response.get_data(as_text=True)
    assert cycle_count() == 0


def test_a_cycle_starting_on_a_tuesday_is_refused_and_nothing_is_saved(client, build, auth):
    auth.sign_in(build.person(role="leader"))
    tuesday = next_monday() + timedelta(days=1)
    response = client.post("/cycles/", data={"name": "Late", "start": tuesday.isoformat(), "weeks": "12"})
    assert response.status_code == 422
    assert f"A cycle starts on a Monday; {tuesday.isoformat()} is a Tuesday." in response.get_data(as_text=True)
    assert cycle_count() == 0


def test_the_create_form_offers_the_configured_lengths_and_proposes_next_monday(client, build, auth):
    auth.sign_in(build.person(role="leader"))
    page = client.get("/cycles/").get_data(as_text=True)
    assert '<option value="6">6 weeks</option>' in page and '<option selected value="12">12 weeks</option>' in page
    assert f'value="{next_monday().isoformat()}"' in page


def test_an_employee_sees_cycles_but_neither_the_create_form_nor_the_right_to_post_it(client, build, auth):
    build.cycle(name="Current cycle")
    auth.sign_in(build.person())
    page = client.get("/cycles/").get_data(as_text=True)
    assert "Current cycle" in page and "New cycle" not in page
    response = client.post("/cycles/", data={"name": "Mine", "start": next_monday().isoformat(), "weeks": "6"})
    assert response.status_code == 403
    assert cycle_count() == 1


def test_the_cycle_list_shows_state_dates_weeks_and_rolled_up_progress(client, build, auth):
    cycle = build.cycle(name="Spring push")
    company = build.objective(cycle, company=True)
    build.key_result(company, start=0, target=10, current=3)  # 0.3
    build.key_result(company, start=0, target=10, current=5)  # 0.5 → objective (0.3 + 0.5) / 2 = 0.4
    auth.sign_in(build.person())
    page = client.get("/cycles/").get_data(as_text=True)
    assert "Spring push" in page and "state-active" in page
    assert f"{cycle.start.isoformat()} – {cycle.end.isoformat()}" in page
    assert "week 4 of 12" in page  # the default cycle started three weeks ago
    assert 'value="0.400"' in page


# --- starting and the snapshot --------------------------------------------------------------------

def test_a_leader_starts_a_planning_cycle(client, build, auth):
    cycle = build.cycle(state="planning", start=next_monday())
    auth.sign_in(build.person(role="leader"))
    assert "Start the cycle" in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert client.post(f"/cycles/{cycle.id}/activate").status_code == 302
    assert fresh(Cycle, cycle.id).state == "active"


def test_the_snapshot_is_refused_before_week_six_ends(client, build, auth):
    cycle = build.cycle()  # started three weeks ago
    build.key_result(build.objective(cycle, company=True))
    auth.sign_in(build.person(role="leader"))
    assert "Take the mid-cycle snapshot" not in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    response = client.post(f"/cycles/{cycle.id}/snapshot")
    assert response.status_code == 422
    assert "taken once week 6 has ended" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Snapshot.id))) == 0


def test_a_six_week_cycle_takes_no_snapshot(client, build, auth):
    cycle = build.cycle(weeks=6, start=monday_of(today()) - timedelta(weeks=5))
    auth.sign_in(build.person(role="leader"))
    response = client.post(f"/cycles/{cycle.id}/snapshot")
    assert response.status_code == 422
    assert "Only a 12-week cycle takes a mid-cycle snapshot." in response.get_data(as_text=True)


def test_the_snapshot_freezes_progress_and_confidence_while_values_move_on(client, build, auth):
    lead = build.person(role="leader")
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=7))  # week 6 ended a week ago
    kr = build.key_result(build.objective(cycle, company=True), start=0, target=10, current=4, confidence="at_risk")
    auth.sign_in(lead)
    assert "Take the mid-cycle snapshot" in client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert client.post(f"/cycles/{cycle.id}/snapshot").status_code == 302
    client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "9", "confidence": "on_track"})
    snapshot = db.session.scalar(sa.select(Snapshot).where(Snapshot.key_result_id == kr.id))
    assert (snapshot.progress, snapshot.confidence) == (0.4, "at_risk")  # 4 / 10, frozen
    assert fresh(KeyResult, kr.id).current_value == 9
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert 'value="0.400"' in page and 'value="0.900"' in page  # mid-cycle 0.4 beside today's 9 / 10
    again = client.post(f"/cycles/{cycle.id}/snapshot")
    assert again.status_code == 422 and "already taken" in again.get_data(as_text=True)


# --- grading and closing ----------------------------------------------------------------------------

def test_the_grading_sheet_shows_progress_and_the_default_grade_rounded_to_a_tenth(client, build, auth):
    cycle = build.cycle()
    build.key_result(build.objective(cycle, company=True), title="Pipeline", start=0, target=100, current=64)
    auth.sign_in(build.person(role="leader"))
    page = client.get(f"/cycles/{cycle.id}/grades").get_data(as_text=True)
    # progress 64 / 100 = 0.64 → default grade 0.6
    assert "Pipeline" in page and "<td>0.6</td>" in page
    assert 'value="0.6"' in page


def test_a_grade_set_on_the_sheet_is_kept_and_a_bad_one_is_refused(client, build, auth):
    cycle = build.cycle()
    kr = build.key_result(build.objective(cycle, company=True), start=0, target=100, current=64)
    auth.sign_in(build.person(role="leader"))
    response = client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{kr.id}": "1.4"})
    assert response.status_code == 422
    assert "A grade is from 0.0 to 1.0." in response.get_data(as_text=True)
    assert fresh(KeyResult, kr.id).grade is None
    assert client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{kr.id}": "0.8"}).status_code == 302
    assert fresh(KeyResult, kr.id).grade == 0.8
    assert client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{kr.id}": ""}).status_code == 302
    assert fresh(KeyResult, kr.id).grade is None  # back to the default


def test_submitting_the_default_grade_keeps_it_a_default_that_follows_progress(client, build, auth):
    cycle = build.cycle()
    kr = build.key_result(build.objective(cycle, company=True), start=0, target=100, current=64)
    auth.sign_in(build.person(role="leader"))
    client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{kr.id}": "0.6"})
    assert fresh(KeyResult, kr.id).grade is None


def test_closing_asks_first_then_grades_every_key_result_and_locks_the_cycle(client, build, auth):
    lead = build.person(role="leader")
    cycle = build.cycle()
    objective = build.objective(cycle, owner=lead)
    a = build.key_result(objective, start=0, target=100, current=64)   # 0.64 → 0.6
    b = build.key_result(objective, kind="milestone", current=1)       # 1.0 → 1.0
    c = build.key_result(objective, start=0, target=100, current=10)   # 0.1, graded 0.3 by hand
    auth.sign_in(lead)
    client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{c.id}": "0.3"})
    confirm = client.get(f"/cycles/{cycle.id}/close")
    assert "Yes, close and lock" in confirm.get_data(as_text=True)
    assert fresh(Cycle, cycle.id).state == "active"
    assert client.post(f"/cycles/{cycle.id}/close").status_code == 302
    assert fresh(Cycle, cycle.id).state == "closed"
    assert [fresh(KeyResult, kr.id).grade for kr in (a, b, c)] == [0.6, 1.0, 0.3]


def test_a_closed_cycle_refuses_check_ins_edits_and_grades(client, build, auth):
    lead = build.person(role="leader")
    cycle = build.cycle()
    objective = build.objective(cycle, owner=lead)
    kr = build.key_result(objective, start=0, target=10, current=5)
    auth.sign_in(lead)
    client.post(f"/cycles/{cycle.id}/close")
    response = client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "8", "confidence": "on_track"})
    assert response.status_code == 422
    assert f"The cycle {cycle.name} is closed; its OKRs are locked." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    assert client.get(f"/okrs/objectives/{objective.id}/edit").status_code == 422
    assert client.get(f"/okrs/objectives/{objective.id}/key-results/new").status_code == 422
    graded = client.post(f"/cycles/{cycle.id}/grades", data={f"grade-{kr.id}": "0.9"})
    assert graded.status_code == 422 and "is closed" in graded.get_data(as_text=True)
    assert fresh(KeyResult, kr.id).grade == 0.5  # 5 / 10 → 0.5, locked
    assert 'name="value"' not in client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)


def test_a_closed_twelve_week_cycle_shows_the_snapshot_beside_the_final_figures(client, build, auth):
    lead = build.person(role="leader")
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=8))
    kr = build.key_result(build.objective(cycle, company=True), title="Renewals", start=0, target=10, current=2)
    auth.sign_in(lead)
    client.post(f"/cycles/{cycle.id}/snapshot")                      # 2 / 10 = 0.2 frozen
    client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "7", "confidence": "on_track"})
    client.post(f"/cycles/{cycle.id}/close")                         # 7 / 10 = 0.7 → grade 0.7
    page = client.get(f"/cycles/{cycle.id}").get_data(as_text=True)
    assert "Mid-cycle snapshot beside the final figures" in page
    row = page[page.index("Renewals"):]
    assert row.index('value="0.200"') < row.index('value="0.700"') < row.index("<td>0.7</td>")
