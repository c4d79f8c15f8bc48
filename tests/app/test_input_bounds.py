"""Every id and date a query string or form carries is range-checked by one parser (okr_app.bounds), and text
holding NUL or another control character is refused with a message: 4xx, never a 500, on both databases."""
from __future__ import annotations

import pytest

from okr_app.bounds import parse_day, parse_id
from okr_app.errors import BadParameter
from okr_app.extensions import db
from tests.builders import Builders
from tests.builders.apps import make_app
from tests.builders.scratch_database import scratch_database

OUT_OF_RANGE = [
    "/tree?cycle=99999999999999999999", "/tree?cycle=2147483648", "/tree?cycle=0", "/tree?cycle=-1",
    "/tree?cycle=abc", "/tree?team=99999999999999999999", "/tree?team=2147483648",
    "/team?team=99999999999999999999", "/team?team=2147483648", "/okrs/mine?cycle=99999999999999999999",
    "/okrs/mine?cycle=2147483648", "/okrs/objectives/new?cycle=99999999999999999999",
    "/okrs/objectives/new?cycle=2147483648", "/okrs/objectives/new?aligned_to=99999999999999999999",
    "/okrs/objectives/new?aligned_to=2147483648", "/admin/audit/?until=9999-12-31",
    "/admin/audit/?since=0001-01-01", "/admin/audit/?until=2026-02-30", "/admin/audit/export.csv?until=9999-12-31",
    "/tree?cycle=1%00", "/people/?q=a%00b",
]


@pytest.fixture(params=["sqlite", "postgresql"])
def signed_in_admin(request, tmp_path, monkeypatch):
    """A client signed in as an admin (who may open every page above), on SQLite and on PostgreSQL."""
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        context = scratch_database(url)
        database_url = context.__enter__()
    else:
        context, database_url = None, None
    app = make_app(tmp_path, database_url=database_url)
    with app.app_context():
        db.create_all()
        build = Builders()
        admin = build.person(email="admin@example.com", role="admin")
        cycle = build.cycle()
        objective = build.objective(cycle, owner=admin)
        kr = build.key_result(objective)
        employee = build.person(email="eve@example.com", manager=admin)
        report = build.weekly(employee)
        ids = {"cycle": cycle.id, "objective": objective.id, "kr": kr.id, "report": report.id}
    client = app.test_client()
    assert client.post("/login", data={"email": "admin@example.com", "password": Builders.PASSWORD}).status_code == 302
    yield client, ids
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if context is not None:
        context.__exit__(None, None, None)


@pytest.mark.parametrize("path", OUT_OF_RANGE)
def test_an_id_or_date_out_of_range_in_a_query_string_answers_4xx(signed_in_admin, path):
    client, _ = signed_in_admin
    status = client.get(path).status_code
    assert 400 <= status < 500, f"{path} answered {status}"


def test_an_empty_id_in_a_query_string_means_none(signed_in_admin):
    client, _ = signed_in_admin
    assert client.get("/tree?cycle=&team=").status_code == 200
    assert client.get("/team?team=").status_code == 200
    assert client.get("/okrs/mine?cycle=").status_code == 200


def test_a_nul_in_a_form_field_is_a_field_error_not_a_500(signed_in_admin):
    client, ids = signed_in_admin
    response = client.post(f"/okrs/objectives/new?cycle={ids['cycle']}",
                           data={"title": "Grow\x00 revenue", "owner": "company", "aligned_kr": ""})
    assert response.status_code == 422
    assert "Remove the control characters" in response.get_data(as_text=True)


def test_a_nul_in_a_weekly_check_in_is_refused_with_a_message(signed_in_admin):
    client, _ = signed_in_admin
    response = client.post("/check-in", data={"progress": "Shipped\x00", "plans": "Demos", "problems": "",
                                              "satisfaction": "4"})
    assert response.status_code == 422
    assert "Remove the control characters" in response.get_data(as_text=True)


def test_an_escape_character_in_a_reply_is_refused_with_a_message(signed_in_admin):
    client, ids = signed_in_admin
    response = client.post(f"/team/reports/{ids['report']}", data={"body": "Let us talk \x1b[2J"})
    assert response.status_code == 422
    assert "control characters" in response.get_data(as_text=True)


def test_an_id_out_of_range_in_a_form_select_is_a_field_error(signed_in_admin):
    client, ids = signed_in_admin
    response = client.post(f"/okrs/objectives/new?cycle={ids['cycle']}",
                           data={"title": "Grow", "owner": "company", "aligned_kr": "99999999999999999999"})
    assert response.status_code == 422


def test_the_api_refuses_a_control_character_with_422(signed_in_admin, tmp_path):
    client, ids = signed_in_admin
    from okr_app.api.tokens import create_token
    from okr_app.models import Person
    import sqlalchemy as sa

    with client.application.app_context():
        admin = db.session.scalar(sa.select(Person).where(Person.email == "admin@example.com"))
        token = create_token(admin, name="bounds")[1]
        db.session.commit()
    response = client.post(f"/api/v1/key-results/{ids['kr']}/check-ins",
                           headers={"Authorization": f"Bearer {token}"},
                           json={"value": 5, "confidence": "on_track", "note": "bell\x07"})
    assert response.status_code == 422


@pytest.mark.parametrize("text", ["1", "12", "2147483647", " 7 "])
def test_ids_in_range_parse(text):
    assert parse_id(text) == int(text)


@pytest.mark.parametrize("text", ["0", "2147483648", "-1", "1.5", "１２", "99999999999999999999", "1e3"])
def test_ids_out_of_range_or_not_whole_numbers_are_refused(text):
    with pytest.raises(BadParameter):
        parse_id(text)


@pytest.mark.parametrize("text", ["1969-12-31", "3000-01-01", "9999-12-31", "2026-13-01", "yesterday"])
def test_dates_outside_the_sane_range_are_refused(text):
    with pytest.raises(BadParameter):
        parse_day(text)
