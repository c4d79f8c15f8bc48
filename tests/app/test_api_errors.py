"""What every API failure looks like: JSON `{error}` with the right status, never HTML, never a 500."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import AuditEvent, Cycle


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/", "/api/v1/objectives/1/nope",
                                  "/api/v2/cycles"])
def test_an_unknown_api_path_is_a_404_json(client, build, path):
    response = client.get(path, headers=bearer(build.person()))
    assert response.status_code == 404
    assert response.is_json and response.get_json()["error"]


@pytest.mark.parametrize(("method", "path", "allowed"), [
    ("DELETE", "/api/v1/cycles", {"GET", "POST"}),
    ("PUT", "/api/v1/objectives/1", {"GET"}),
    ("GET", "/api/v1/weekly", {"POST"}),
    ("PATCH", "/api/v1/key-results/1/check-ins", {"POST"}),
])
def test_a_wrong_method_is_a_405_json_naming_the_allowed_ones(client, build, method, path, allowed):
    response = client.open(path, method=method, headers=bearer(build.person()))
    assert response.status_code == 405
    assert response.is_json and response.get_json()["error"]
    assert allowed <= {m.strip() for m in response.headers["Allow"].split(",")}


def test_an_upload_over_the_size_limit_is_refused_as_json(app, client, build):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/api/v1/weekly", headers=bearer(build.person()),
                           json={"satisfaction": 4, "progress": "x" * 5000})
    assert response.status_code == 413
    assert response.is_json


def test_a_refused_request_leaves_no_trace_in_the_audit_trail(client, build):
    headers = bearer(build.person(role="leader"))
    closed = build.cycle(state="closed")
    before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
    response = client.post("/api/v1/objectives", headers=headers,
                           json={"cycle_id": closed.id, "title": "Late", "company": True})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == before


def test_the_api_needs_no_csrf_token_but_the_web_forms_still_do(tmp_path, monkeypatch):
    """Bearer tokens ride on no cookie, so the API is exempt; the exemption must not leak to forms."""
    from tests.builders import Builders
    from tests.builders.apps import make_app

    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    with app.app_context():
        db.create_all()
        leader = Builders().person(role="leader", email="lead@example.com")
        headers = bearer(leader)
        client = app.test_client()
        response = client.post("/api/v1/cycles", headers=headers,
                               json={"name": "FY27 Q1", "start": "2027-01-04", "weeks": 12})
        assert response.status_code == 201
        form = client.post("/login", data={"email": "lead@example.com", "password": Builders.PASSWORD})
        assert form.status_code == 400  # no csrf_token: refused
        assert db.session.scalar(sa.select(sa.func.count(Cycle.id))) == 1
        db.session.remove()
        db.engine.dispose()


def test_an_api_response_sets_no_session_cookie(client, build):
    response = client.get("/api/v1/me", headers=bearer(build.person()))
    assert "Set-Cookie" not in response.headers


def test_a_service_that_fails_after_writing_leaves_nothing_behind(client, build, monkeypatch):
    """The endpoint commits once, at the end; an error after a flush rolls the flush back."""
    from okr_app.api import routes
    from okr_app.errors import InvalidInput
    from okr_app.models import CheckIn

    person = build.person()
    kr = build.key_result(build.objective(build.cycle(), owner=person))
    headers = bearer(person)

    def half_done(actor, key_result, value, confidence=None, note=""):
        db.session.add(CheckIn(key_result_id=key_result.id, value=value))
        db.session.flush()
        raise InvalidInput("Refused after writing.")

    monkeypatch.setattr(routes.okrs, "check_in", half_done)
    response = client.post(f"/api/v1/key-results/{kr.id}/check-ins", headers=headers, json={"value": 7})
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 0
