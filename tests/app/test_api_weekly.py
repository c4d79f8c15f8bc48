"""`POST /api/v1/weekly` (the token owner's report for this ISO week) and `GET /api/v1/me`."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import WeeklyReport
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def report_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(WeeklyReport.id)))


def test_the_first_report_of_the_week_is_201_and_the_second_post_updates_it_with_200(client, build):
    person = build.person()
    headers = bearer(person)
    week = iso_week_of(today())
    first = client.post("/api/v1/weekly", headers=headers, json={
        "week": week, "progress": "Closed Acme.", "plans": "Start Globex.", "problems": "Legal is slow.",
        "satisfaction": 4})
    assert first.status_code == 201
    body = first.get_json()
    assert {k: body[k] for k in ("week", "progress", "plans", "problems", "satisfaction")} == {
        "week": week, "progress": "Closed Acme.", "plans": "Start Globex.", "problems": "Legal is slow.",
        "satisfaction": 4}
    second = client.post("/api/v1/weekly", headers=headers, json={"week": week, "progress": "Closed Acme and Initech.",
                                                                   "satisfaction": 5})
    assert second.status_code == 200
    assert second.get_json()["id"] == body["id"]
    assert report_count() == 1
    report = db.session.get(WeeklyReport, body["id"])
    assert (report.person_id, report.progress, report.satisfaction) == (person.id, "Closed Acme and Initech.", 5)


def test_the_week_defaults_to_the_current_one(client, build):
    response = client.post("/api/v1/weekly", headers=bearer(build.person()), json={"satisfaction": 3})
    assert response.status_code == 201
    assert response.get_json()["week"] == iso_week_of(today())


def test_the_report_is_always_the_token_owners(client, build):
    ana, ben = build.person(), build.person()
    client.post("/api/v1/weekly", headers=bearer(ana), json={"satisfaction": 2})
    client.post("/api/v1/weekly", headers=bearer(ben), json={"satisfaction": 5})
    rows = db.session.execute(sa.select(WeeklyReport.person_id, WeeklyReport.satisfaction)
                              .order_by(WeeklyReport.person_id)).all()
    assert [tuple(r) for r in rows] == [(ana.id, 2), (ben.id, 5)]


LAST_WEEK = object()  # stands for last week's ISO week in a parameter


@pytest.mark.parametrize(("payload", "expected"), [
    ({"week": LAST_WEEK, "satisfaction": 4}, "not this week"),
    ({"week": "2026-W99", "satisfaction": 4}, "ISO week"),
    ({"week": "last week", "satisfaction": 4}, "week:"),
    ({"satisfaction": 6}, "satisfaction:"),
    ({"satisfaction": 0}, "satisfaction:"),
    ({"satisfaction": "4"}, "satisfaction:"),
    ({"satisfaction": 4.5}, "satisfaction:"),
    ({}, "satisfaction:"),
    ({"satisfaction": 4, "progress": "p" * 10_001}, "progress:"),
    ({"satisfaction": 4, "problems": None}, "problems:"),
    ({"satisfaction": 4, "mood": "great"}, "mood:"),
])
def test_a_bad_report_is_a_422_and_saves_nothing(client, build, time_stands_still, payload, expected):
    if payload.get("week") is LAST_WEEK:  # last week as of when the test runs, not when it was collected
        payload = {**payload, "week": iso_week_of(today() - timedelta(weeks=1))}
    response = client.post("/api/v1/weekly", headers=bearer(build.person()), json=payload)
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert report_count() == 0


def test_me_says_who_the_token_acts_as(client, build):
    boss = build.person(email="boss@example.com", role="manager")
    team = build.team("Customer Success")
    person = build.person(name="Ana Lopez", email="ana@example.com", manager=boss, team=team)
    response = client.get("/api/v1/me", headers=bearer(person))
    assert response.status_code == 200
    assert response.get_json() == {"id": person.id, "email": "ana@example.com", "name": "Ana Lopez",
                                   "role": "employee", "team": "Customer Success",
                                   "manager_email": "boss@example.com"}
