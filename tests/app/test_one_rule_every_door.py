"""Each rule is decided by one function, and every door (page, API, service) gives the same answer.

A closed cycle has no pace anywhere; a field limit is the same in the form, the API and the service; the
edit permission and "the cycle is open" are asked together through `policy.may_edit_objective`."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.domain import limits
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Objective
from okr_app.okrs.services import create_objective
from okr_app.policy import Actor, may_edit_objective

START = date(2026, 10, 5)  # a Monday
SUNDAY = datetime(2026, 11, 29, 12, 0)  # 55 of 83 days into a 12-week cycle from START


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def behind_in_a_closed_cycle(build, clock):
    """A key result at 10 % on day 55 of 83 (expected 66 %): behind while open, no pace once closed."""
    clock.pin(SUNDAY)
    lead = build.person(role="leader")
    ana = build.person(name="Ana Behind", manager=lead)
    cycle = build.cycle(start=START, state="closed")
    objective = build.objective(cycle, owner=ana, title="Win the mid-market")
    build.key_result(objective, start=0, target=100, current=10)
    return lead, ana, cycle


def test_a_closed_cycle_says_behind_on_no_page_and_in_no_api_answer(client, auth, behind_in_a_closed_cycle):
    lead, ana, cycle = behind_in_a_closed_cycle
    assert auth.login(lead.email).status_code == 302
    tree = client.get(f"/tree?cycle={cycle.id}").get_data(as_text=True)
    assert "Win the mid-market" in tree and "pace-behind" not in tree
    assert "Win the mid-market" not in client.get(f"/tree?cycle={cycle.id}&status=behind").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "key result behind pace" not in home
    nodes = client.get(f"/api/v1/cycles/{cycle.id}/tree", headers=bearer(lead)).get_json()["objectives"]
    assert [kr["pace"] for node in nodes for kr in node["key_results"]] == [None]


def test_the_same_key_result_is_behind_while_its_cycle_is_open(client, auth, behind_in_a_closed_cycle):
    lead, ana, cycle = behind_in_a_closed_cycle
    cycle.state = "active"
    db.session.commit()
    assert auth.login(lead.email).status_code == 302
    assert "Win the mid-market" in client.get(f"/tree?cycle={cycle.id}&status=behind").get_data(as_text=True)
    nodes = client.get(f"/api/v1/cycles/{cycle.id}/tree", headers=bearer(lead)).get_json()["objectives"]
    assert [kr["pace"] for node in nodes for kr in node["key_results"]] == ["behind"]


def test_an_objective_description_has_one_limit_in_the_form_the_api_and_the_service(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    longest, too_long = "d" * limits.OBJECTIVE_DESCRIPTION.max, "d" * (limits.OBJECTIVE_DESCRIPTION.max + 1)
    assert auth.login(ana.email).status_code == 302
    form = {"title": "Form objective", "owner": f"person:{ana.id}", "aligned_kr": "", "description": too_long}
    assert client.post(f"/okrs/objectives/new?cycle={cycle.id}", data=form).status_code == 422
    api = {"cycle_id": cycle.id, "title": "API objective", "owner_email": ana.email, "description": too_long}
    assert client.post("/api/v1/objectives", headers=bearer(ana), json=api).status_code == 422
    with pytest.raises(InvalidInput, match="at most 5,000 characters"):
        create_objective(Actor(ana), cycle, "Service objective", "person", owner_person=ana, description=too_long)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Objective.id))) == 0
    response = client.post("/api/v1/objectives", headers=bearer(ana), json={**api, "description": longest})
    assert response.status_code == 201


def test_control_characters_in_a_title_are_refused_by_the_service_for_every_door(build):
    ana = build.person()
    with pytest.raises(InvalidInput, match="control characters"):
        create_objective(Actor(ana), build.cycle(), "Grow\x00 revenue", "person", owner_person=ana)


def test_may_edit_needs_the_permission_and_an_open_cycle_together(build):
    boss = build.person(role="manager")
    ana = build.person(manager=boss)
    stranger = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    assert [may_edit_objective(Actor(p), objective) for p in (ana, boss, stranger)] == [True, True, False]
    objective.cycle.state = "closed"
    assert [may_edit_objective(Actor(p), objective) for p in (ana, boss, stranger)] == [False, False, False]


def test_a_closed_cycles_key_result_page_offers_no_edit_and_refuses_a_check_in(client, build, auth):
    ana = build.person()
    kr = build.key_result(build.objective(build.cycle(state="closed"), owner=ana), start=0, target=10)
    assert auth.login(ana.email).status_code == 302
    page = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)
    assert f"/okrs/key-results/{kr.id}/edit" not in page
    response = client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "5", "confidence": "on_track"})
    assert response.status_code == 422 and "is closed" in response.get_data(as_text=True)
    assert client.get(f"/okrs/key-results/{kr.id}/edit").status_code == 422
