"""Cycles through the API: create (leaders only, Monday starts, configured lengths), read, and the tree."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import Cycle


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def cycle_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Cycle.id)))


@pytest.fixture
def leader(build):
    return bearer(build.person(role="leader"))


def test_a_leader_creates_a_12_week_cycle_and_gets_its_last_day_a_sunday(client, leader):
    response = client.post("/api/v1/cycles", headers=leader,
                           json={"name": "FY27 Q1", "start": "2027-01-04", "weeks": 12})
    assert response.status_code == 201
    body = response.get_json()
    # 2027-01-04 is a Monday; + 12 weeks - 1 day = 2027-03-28, a Sunday
    assert body == {"id": body["id"], "name": "FY27 Q1", "start": "2027-01-04", "end": "2027-03-28",
                    "weeks": 12, "state": "planning"}
    assert response.headers["Location"].endswith(f"/api/v1/cycles/{body['id']}")
    assert db.session.get(Cycle, body["id"]).name == "FY27 Q1"


def test_a_6_week_cycle_ends_on_the_sunday_of_its_sixth_week(client, leader):
    response = client.post("/api/v1/cycles", headers=leader,
                           json={"name": "Sprint", "start": "2027-01-04", "weeks": 6})
    assert response.status_code == 201
    assert response.get_json()["end"] == "2027-02-14"  # 2027-01-04 + 42 days - 1 = 2027-02-14, a Sunday


@pytest.mark.parametrize(("payload", "expected"), [
    ({"name": "Q", "start": "2027-01-05", "weeks": 12}, "Monday"),          # a Tuesday
    ({"name": "Q", "start": "2027-01-04", "weeks": 10}, "6 or 12 weeks"),
    ({"name": "Q", "start": "2027-01-04", "weeks": 0}, "6 or 12 weeks"),
    ({"name": "Q", "start": "2027-01-04", "weeks": 10**30}, "6 or 12 weeks"),
    ({"name": "   ", "start": "2027-01-04", "weeks": 12}, "name"),
])
def test_a_cycle_that_breaks_a_rule_is_refused_with_422_and_not_saved(client, leader, payload, expected):
    response = client.post("/api/v1/cycles", headers=leader, json=payload)
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert cycle_count() == 0


@pytest.mark.parametrize(("payload", "field"), [
    ({"start": "2027-01-04", "weeks": 12}, "name"),
    ({"name": "Q", "weeks": 12}, "start"),
    ({"name": "Q", "start": "2027-01-04"}, "weeks"),
    ({"name": "Q", "start": "2026-02-30", "weeks": 12}, "start"),
    ({"name": "Q", "start": "20270104", "weeks": 12}, "start"),
    ({"name": "Q", "start": 20270104, "weeks": 12}, "start"),
    ({"name": "Q", "start": "9999-12-27", "weeks": 12}, "start"),
    ({"name": "Q", "start": "2027-01-04", "weeks": "12"}, "weeks"),
    ({"name": "Q", "start": "2027-01-04", "weeks": 12.5}, "weeks"),
    ({"name": "Q", "start": "2027-01-04", "weeks": True}, "weeks"),
    ({"name": "Q", "start": "2027-01-04", "weeks": None}, "weeks"),
    ({"name": 7, "start": "2027-01-04", "weeks": 12}, "name"),
    ({"name": "x" * 121, "start": "2027-01-04", "weeks": 12}, "name"),
    ({"name": "Q", "start": "2027-01-04", "weeks": 12, "length": 12}, "length"),
])
def test_a_malformed_field_is_named_in_a_422(client, leader, payload, field):
    response = client.post("/api/v1/cycles", headers=leader, json=payload)
    assert response.status_code == 422
    assert response.get_json()["error"].startswith(f"{field}: ") or f" {field}: " in response.get_json()["error"]
    assert cycle_count() == 0


def test_every_problem_of_a_request_is_reported_in_one_message(client, leader):
    response = client.post("/api/v1/cycles", headers=leader, json={"start": "2026-02-30", "weeks": "x"})
    message = response.get_json()["error"]
    assert "name:" in message and "start:" in message and "weeks:" in message


def test_an_employee_cannot_create_a_cycle(client, build):
    response = client.post("/api/v1/cycles", headers=bearer(build.person()),
                           json={"name": "Q", "start": "2027-01-04", "weeks": 12})
    assert response.status_code == 403
    assert response.get_json()["error"]
    assert cycle_count() == 0


@pytest.mark.parametrize(("data", "content_type"), [
    ("{not json", "application/json"),
    ("[1, 2]", "application/json"),
    ('"text"', "application/json"),
    ("null", "application/json"),
    ("", "application/json"),
    ('{"name": "Q", "start": "2027-01-04", "weeks": NaN}', "application/json"),
    ('{"name": "Q", "start": "2027-01-04", "weeks": Infinity}', "application/json"),
    ("[" * 100_000, "application/json"),
    (b'{"name": "\xff"}', "application/json"),
    ('{"name": "Q", "start": "2027-01-04", "weeks": 12}', "text/plain"),
    ("name=Q&start=2027-01-04&weeks=12", "application/x-www-form-urlencoded"),
])
def test_a_body_that_is_not_a_json_object_gets_400(client, leader, data, content_type):
    response = client.post("/api/v1/cycles", headers=leader, data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.is_json and response.get_json()["error"]
    assert cycle_count() == 0


def test_cycles_are_listed_newest_first_and_read_one_by_one(client, leader, build):
    old = build.cycle(name="Old", start=date(2026, 1, 5), state="closed")
    build.cycle(name="New", start=date(2026, 3, 30))
    listed = client.get("/api/v1/cycles", headers=leader).get_json()["cycles"]
    assert [c["name"] for c in listed] == ["New", "Old"]
    one = client.get(f"/api/v1/cycles/{old.id}", headers=leader)
    assert one.status_code == 200
    assert one.get_json() == {"id": old.id, "name": "Old", "start": "2026-01-05", "end": "2026-03-29",
                              "weeks": 12, "state": "closed"}


@pytest.mark.parametrize("path", [
    "/api/v1/cycles/999", "/api/v1/cycles/abc", "/api/v1/cycles/-1", "/api/v1/cycles/0",
    "/api/v1/cycles/99999999999999999999999999", "/api/v1/cycles/9223372036854775808/tree",
    "/api/v1/cycles/1.5",
])
def test_an_unknown_or_malformed_cycle_id_gets_404_json(client, leader, path):
    response = client.get(path, headers=leader)
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]
