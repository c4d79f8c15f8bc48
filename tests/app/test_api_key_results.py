"""Key results and check-ins through the API: the five-KR limit, value rules, history, and no IDOR."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import AuditEvent, CheckIn, KeyResult


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count(model.id)))


@pytest.fixture
def org(build):
    manager = build.person(role="manager", email="mia@example.com")
    rep = build.person(manager=manager, email="rita@example.com")
    peer = build.person(manager=manager, email="pete@example.com")
    cycle = build.cycle()
    mine = build.objective(cycle, owner=rep)
    return {"manager": manager, "rep": rep, "peer": peer, "cycle": cycle, "mine": mine}


# --- adding key results -----------------------------------------------------------------------------

def test_a_key_result_is_added_with_every_field_it_was_given(client, org):
    due = org["cycle"].end.isoformat()
    response = client.post(f"/api/v1/objectives/{org['mine'].id}/key-results", headers=bearer(org["rep"]), json={
        "title": "Net revenue retention", "kind": "increase", "start": 96, "target": 110, "unit": "%",
        "due": due, "weight": 2, "about_buyers": False})
    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["id"]
    assert response.headers["Location"].endswith(f"/api/v1/key-results/{body['id']}")
    kr = db.session.get(KeyResult, body["id"])
    assert (kr.title, kr.kind, kr.start_value, kr.target_value, kr.unit, kr.due.isoformat(), kr.weight) == (
        "Net revenue retention", "increase", 96, 110, "%", due, 2)
    assert kr.vanity_risk is True  # one "no" to the three questions


def test_a_milestone_needs_no_start_or_target(client, org):
    response = client.post(f"/api/v1/objectives/{org['mine'].id}/key-results", headers=bearer(org["rep"]),
                           json={"title": "Launch the partner programme", "kind": "milestone"})
    assert response.status_code == 201


def test_the_sixth_key_result_is_refused_with_422_and_nothing_is_saved(client, org, build):
    for _ in range(5):
        build.key_result(org["mine"])
    response = client.post(f"/api/v1/objectives/{org['mine'].id}/key-results", headers=bearer(org["rep"]),
                           json={"title": "One too many", "kind": "milestone"})
    assert response.status_code == 422
    assert "limit is 5" in response.get_json()["error"]
    assert count(KeyResult) == 5
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.action == "kr.create")) == 0


@pytest.mark.parametrize(("payload", "expected"), [
    ({"title": "Deals", "kind": "increase"}, "needs a start and a target"),
    ({"title": "Deals", "kind": "increase", "start": 10, "target": 5}, "above its start"),
    ({"title": "Deals", "kind": "grow", "start": 0, "target": 5}, "kind:"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "due": "2099-01-05"}, "inside the cycle"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "due": "2026-13-01"}, "due:"),
    ({"title": "Deals", "kind": "increase", "start": "0", "target": 5}, "start:"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 1e300}, "finite"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 10**400}, "target:"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "weight": 0}, "weight"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "weight": -1}, "weight"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "unit": "u" * 31}, "unit:"),
    ({"title": "Deals", "kind": "increase", "start": 0, "target": 5, "reproducible": "no"}, "reproducible:"),
    ({"kind": "milestone"}, "title:"),
])
def test_a_bad_key_result_is_a_422_and_saves_nothing(client, org, payload, expected):
    response = client.post(f"/api/v1/objectives/{org['mine'].id}/key-results", headers=bearer(org["rep"]),
                           json=payload)
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert count(KeyResult) == 0


def test_adding_to_another_persons_private_objective_is_404_and_to_a_public_one_403(client, org, build):
    secret = build.objective(org["cycle"], owner=org["peer"], private=True)
    hidden = client.post(f"/api/v1/objectives/{secret.id}/key-results", headers=bearer(org["rep"]),
                         json={"title": "Sneaky", "kind": "milestone"})
    assert hidden.status_code == 404
    visible = client.post(f"/api/v1/objectives/{org['mine'].id}/key-results", headers=bearer(org["peer"]),
                          json={"title": "Not yours", "kind": "milestone"})
    assert visible.status_code == 403
    assert count(KeyResult) == 0


def test_a_manager_adds_a_key_result_to_a_reports_private_objective(client, org, build):
    secret = build.objective(org["cycle"], owner=org["peer"], private=True)
    response = client.post(f"/api/v1/objectives/{secret.id}/key-results", headers=bearer(org["manager"]),
                           json={"title": "Coaching sessions", "kind": "milestone"})
    assert response.status_code == 201


# --- check-ins -------------------------------------------------------------------------------------

def test_a_check_in_becomes_the_current_value_and_joins_the_history(client, org, build):
    kr = build.key_result(org["mine"], start=0, target=20, current=4)
    headers = bearer(org["rep"])
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=headers,
                           json={"value": 9, "confidence": "at_risk", "note": "Two deals slipped."})
    assert response.status_code == 201
    body = response.get_json()
    assert {k: body[k] for k in ("key_result_id", "value", "confidence", "note", "author_email")} == {
        "key_result_id": kr.id, "value": 9, "confidence": "at_risk", "note": "Two deals slipped.",
        "author_email": "rita@example.com"}
    assert body["created_at"].endswith("Z")
    read = client.get(f"/api/v1/key-results/{kr.id}", headers=headers).get_json()
    assert read["current"] == 9 and read["confidence"] == "at_risk"
    assert read["progress"] == 0.45  # (9 - 0) / (20 - 0) = 0.45
    assert [h["value"] for h in read["history"]] == [4, 9]
    assert read["explanation"] == "increase: (9 − 0) / (20 − 0) = 0.45 → 45%"
    assert (read["objective_id"], read["cycle_id"]) == (org["mine"].id, org["cycle"].id)


def test_a_milestone_checked_in_with_1_is_done(client, org, build):
    kr = build.key_result(org["mine"], kind="milestone")
    headers = bearer(org["rep"])
    assert client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=headers, json={"value": 1}).status_code == 201
    assert client.get(f"/api/v1/key-results/{kr.id}", headers=headers).get_json()["progress"] == 1.0


@pytest.mark.parametrize(("kind", "payload", "expected"), [
    ("milestone", {"value": 0.5}, "milestone"),
    ("rollup", {"value": 3}, "rollup"),
    ("increase", {"value": "12"}, "value:"),
    ("increase", {"value": None}, "value:"),
    ("increase", {"value": True}, "value:"),
    ("increase", {}, "value:"),
    ("increase", {"value": 1e16}, "finite"),
    ("increase", {"value": 10**400}, "value:"),
    ("increase", {"value": 3, "confidence": "great"}, "confidence:"),
    ("increase", {"value": 3, "note": "n" * 5001}, "note:"),
    ("increase", {"value": 3, "note": 42}, "note:"),
])
def test_a_bad_check_in_is_a_422_and_saves_nothing(client, org, build, kind, payload, expected):
    kr = build.key_result(org["mine"], kind=kind)
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=bearer(org["rep"]), json=payload)
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert count(CheckIn) == 0


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_never_reach_the_database(client, org, build, literal):
    kr = build.key_result(org["mine"])
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=bearer(org["rep"]),
                           data='{"value": %s}' % literal, content_type="application/json")
    assert response.status_code in (400, 422)
    assert response.get_json()["error"]
    assert count(CheckIn) == 0


def test_checking_in_on_a_private_key_result_of_someone_else_is_404_and_on_a_public_one_403(client, org, build):
    hidden = build.key_result(build.objective(org["cycle"], owner=org["peer"], private=True))
    public = build.key_result(org["mine"])
    headers = bearer(org["peer"])
    stranger = bearer(build.person())
    assert client.post(f"/api/v1/key-results/{hidden.id}/check-ins", headers=stranger,
                       json={"value": 1}).status_code == 404
    assert client.get(f"/api/v1/key-results/{hidden.id}", headers=stranger).status_code == 404
    assert client.post(f"/api/v1/key-results/{public.id}/check-ins", headers=headers,
                       json={"value": 1}).status_code == 403
    assert client.post("/api/v1/key-results/424242/check-ins", headers=headers, json={"value": 1}).status_code == 404
    assert count(CheckIn) == 0


def test_a_manager_checks_in_for_a_report(client, org, build):
    kr = build.key_result(org["mine"])
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=bearer(org["manager"]),
                           json={"value": 30})
    assert response.status_code == 201
    assert response.get_json()["author_email"] == "mia@example.com"


def test_a_closed_cycle_takes_no_check_ins(client, org, build):
    closed = build.cycle(state="closed")
    kr = build.key_result(build.objective(closed, owner=org["rep"]))
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=bearer(org["rep"]), json={"value": 3})
    assert response.status_code == 422
    assert "closed" in response.get_json()["error"]
