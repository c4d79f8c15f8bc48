"""What the browser is told: security headers, cookie flags, and CSRF refusals."""
from __future__ import annotations

import re

import pytest

from tests.builders.apps import make_app
from okr_app.extensions import db
from okr_app.models import Person
from okr_app.security import CONTENT_SECURITY_POLICY
from tests.builders import Builders


def _app(tmp_path, monkeypatch, **overrides):
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, **overrides)
    with app.app_context():
        db.create_all()
        Builders().person(email="admin@example.com", role="admin")
        Builders().person(email="ana@example.com")
    return app


@pytest.fixture
def csrf_app(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.engine.dispose()


def csrf_token_from(client, path):
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def sign_in_with_csrf(client, email):
    token = csrf_token_from(client, "/login")
    response = client.post("/login", data={"email": email, "password": Builders.PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def test_every_page_forbids_inline_script_framing_and_sniffing(client):
    response = client.get("/login")
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY and "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in CONTENT_SECURITY_POLICY
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_error_pages_and_static_files_carry_the_headers_too(client):
    for path in ("/no-such-page", "/static/cadence.css"):
        with client.get(path) as response:
            assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_signed_in_pages_are_never_stored_by_a_cache(client, build, auth):
    person = build.person(email="bo@example.com")
    auth.login("bo@example.com")
    response = client.get(f"/people/{person.id}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_static_files_stay_cacheable(client):
    with client.get("/static/cadence.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")


def test_the_session_cookie_is_httponly_and_samesite_lax(client, build, auth):
    build.person(email="bo@example.com")
    response = auth.login("bo@example.com")
    cookie = next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain http on a laptop: a Secure cookie would never come back


def test_over_https_every_cookie_is_secure_and_hsts_is_sent(client, build):
    build.person(email="bo@example.com")
    response = client.post("https://localhost/login", data={"email": "bo@example.com",
                                                             "password": Builders.PASSWORD, "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    assert {c.split("=", 1)[0] for c in cookies} >= {"session", "cadence_remember"}
    assert all("; Secure" in cookie for cookie in cookies)
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_behind_a_proxy_the_forwarded_scheme_and_address_are_honoured(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, BEHIND_PROXY=True)
    client = app.test_client()
    response = client.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD},
                           headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert all("; Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))
    assert "Strict-Transport-Security" in response.headers


def test_without_the_proxy_setting_forwarded_headers_are_not_trusted(client, build):
    build.person(email="bo@example.com")
    response = client.post("/login", data={"email": "bo@example.com", "password": Builders.PASSWORD},
                           headers={"X-Forwarded-Proto": "https"})
    assert not any("Secure" in cookie for cookie in response.headers.getlist("Set-Cookie"))


def test_secure_cookies_can_be_forced_by_configuration(tmp_path, monkeypatch):
    app = _app(tmp_path, monkeypatch, SESSION_COOKIE_SECURE=True)
    response = app.test_client().post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    assert "Secure" in next(v for v in response.headers.getlist("Set-Cookie") if v.startswith("session="))


# --- CSRF: forged or missing tokens ---------------------------------------------------------------

@pytest.mark.parametrize("token", [None, "", "forged-token-value", "IjEyMzQ1Ig.aaaaaa.bbbbbbbbbbbbbbbbbbbbbbbbbbb"])
def test_a_login_post_without_a_valid_csrf_token_is_refused(csrf_app, token):
    client = csrf_app.test_client()
    client.get("/login")
    data = {"email": "ana@example.com", "password": Builders.PASSWORD}
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/login", data=data)
    assert response.status_code == 400
    assert client.get("/people/1").status_code == 302  # not signed in


def test_a_csrf_token_from_another_session_is_refused(csrf_app):
    attacker = csrf_app.test_client()
    stolen = csrf_token_from(attacker, "/login")
    victim = csrf_app.test_client()
    victim.get("/login")
    response = victim.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD,
                                           "csrf_token": stolen})
    assert response.status_code == 400


def test_a_cross_site_logout_without_a_token_does_not_sign_the_person_out(csrf_app):
    client = csrf_app.test_client()
    sign_in_with_csrf(client, "ana@example.com")
    assert client.post("/logout").status_code == 400
    assert client.get("/people/1").status_code == 200  # still signed in
    token = csrf_token_from(client, "/people/1")
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert client.get("/people/1").status_code == 302


def test_a_forged_role_change_is_refused_and_changes_nothing(csrf_app):
    client = csrf_app.test_client()
    sign_in_with_csrf(client, "admin@example.com")
    with csrf_app.app_context():
        ana = db.session.scalar(db.select(Person).where(Person.email == "ana@example.com"))
        ana_id, version = ana.id, ana.session_version
    forged = {"name": "Ana", "email": "ana@example.com", "role": "admin", "manager_id": 0, "team_id": 0,
              "active": "y"}
    assert client.post(f"/people/{ana_id}/edit", data=forged).status_code == 400
    assert client.post(f"/people/{ana_id}/edit", data={**forged, "csrf_token": "forged"}).status_code == 400
    with csrf_app.app_context():
        ana = db.session.get(Person, ana_id)
        assert (ana.role, ana.session_version) == ("employee", version)
    token = csrf_token_from(client, f"/people/{ana_id}/edit")
    assert client.post(f"/people/{ana_id}/edit", data={**forged, "csrf_token": token}).status_code == 302
