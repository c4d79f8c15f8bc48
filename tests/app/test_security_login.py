"""Attacks on sign-in: password guessing, open redirects, dead accounts and stale sessions."""
from __future__ import annotations

import pytest

from tests.builders.apps import make_app
from okr_app.extensions import db
from okr_app.models import Person
from tests.builders import Builders

WRONG = "not-the-password"


@pytest.fixture
def throttled(tmp_path, monkeypatch):
    """An app with the login throttle switched on (the suite's default app has it off)."""
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, RATELIMIT_ENABLED=True)
    with app.app_context():
        db.create_all()
        build = Builders()
        build.person(email="ana@example.com")
        build.person(email="bo@example.com")
        build.person(email="cy@example.com")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def attempt(client, email, password, address="10.0.0.1"):
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address})


def test_the_sixth_wrong_password_for_one_account_within_a_minute_is_refused_with_429(throttled):
    client = throttled.test_client()
    # Each guess comes from a different address, so only the per-account counter can stop them.
    statuses = [attempt(client, "ana@example.com", WRONG, f"10.0.0.{n}").status_code for n in range(1, 7)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    assert attempt(client, "ana@example.com", WRONG).headers["Retry-After"] == "60"


def test_a_throttled_account_is_refused_even_with_the_right_password(throttled):
    client = throttled.test_client()
    for n in range(5):
        attempt(client, "ana@example.com", WRONG, f"10.0.1.{n}")
    response = attempt(client, "ana@example.com", Builders.PASSWORD, "10.0.1.99")
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_account_counter_ignores_the_case_and_spaces_of_the_submitted_email(throttled):
    client = throttled.test_client()
    for n, email in enumerate(["ana@example.com", "ANA@example.com", " Ana@Example.COM", "ana@EXAMPLE.com",
                               "aNa@example.com"]):
        assert attempt(client, email, WRONG, f"10.0.2.{n}").status_code == 401
    assert attempt(client, "ANA@EXAMPLE.COM", WRONG, "10.0.2.9").status_code == 429


def test_one_address_guessing_across_many_accounts_is_refused_on_the_sixth_failure(throttled):
    client = throttled.test_client()
    emails = ["ana@example.com", "bo@example.com", "cy@example.com", "nobody1@example.com", "nobody2@example.com"]
    for email in emails:
        assert attempt(client, email, WRONG, "192.0.2.7").status_code == 401
    assert attempt(client, "bo@example.com", Builders.PASSWORD, "192.0.2.7").status_code == 429
    # Another address is not punished for it.
    assert attempt(client, "bo@example.com", Builders.PASSWORD, "192.0.2.8").status_code == 302


def test_successful_sign_ins_are_not_counted_against_the_limit(throttled):
    client = throttled.test_client()
    for _ in range(7):
        assert attempt(client, "ana@example.com", Builders.PASSWORD).status_code == 302
        client.post("/logout", environ_base={"REMOTE_ADDR": "10.0.0.1"})
    # Seven successes later, the account still has its five failures to spend.
    statuses = [attempt(client, "ana@example.com", WRONG).status_code for _ in range(6)]
    assert statuses == [401] * 5 + [429]


def test_looking_at_the_login_page_is_never_throttled(throttled):
    client = throttled.test_client()
    for _ in range(5):
        attempt(client, "ana@example.com", WRONG)
    assert all(client.get("/login").status_code == 200 for _ in range(10))


@pytest.mark.parametrize("target", ["//evil.com", "//evil.com/people/", "https://evil.com", "http:/evil.com",
                                    "/\\evil.com", "\\\\evil.com", "/\t/evil.com", "/\n/evil.com", "evil.com",
                                    "javascript:alert(1)", " //evil.com"])
def test_a_next_parameter_pointing_off_site_is_ignored_after_sign_in(client, build, target):
    build.person(email="ana@example.com")
    response = client.post("/login", query_string={"next": target},
                           data={"email": "ana@example.com", "password": Builders.PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_a_next_parameter_inside_cadence_is_followed_after_sign_in(client, build):
    build.person(email="ana@example.com")
    response = client.post("/login?next=/people/1%3Fx%3D1",
                           data={"email": "ana@example.com", "password": Builders.PASSWORD})
    assert response.headers["Location"] == "/people/1?x=1"


def test_a_deactivated_person_cannot_sign_in_with_their_right_password(client, build, auth):
    person = build.person(email="gone@example.com")
    person.active = False
    db.session.commit()
    response = auth.login("gone@example.com")
    assert response.status_code == 401
    assert client.get("/").status_code == 302


def test_an_unknown_email_gets_the_same_answer_as_a_wrong_password(client, build, auth):
    build.person(email="ana@example.com")
    unknown = auth.login("nobody@example.com", WRONG)
    wrong = auth.login("ana@example.com", WRONG)
    assert unknown.status_code == wrong.status_code == 401
    assert "do not match an active account" in unknown.get_data(as_text=True)
    assert "do not match an active account" in wrong.get_data(as_text=True)


def test_a_role_change_ends_the_persons_existing_session(app, build):
    admin = build.person(role="admin", email="admin@example.com")
    victim = build.person(email="ana@example.com")
    ana, boss = app.test_client(), app.test_client()
    ana.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    assert ana.get(f"/people/{victim.id}").status_code == 200
    boss.post("/login", data={"email": admin.email, "password": Builders.PASSWORD})
    response = boss.post(f"/people/{victim.id}/edit", data={
        "name": victim.name, "email": victim.email, "role": "manager", "manager_id": 0, "team_id": 0,
        "active": "y"})
    assert response.status_code == 302
    assert ana.get(f"/people/{victim.id}").status_code == 302  # signed out: back to the login page
    assert db.session.get(Person, victim.id).role == "manager"


def test_a_session_cookie_stolen_before_sign_in_is_not_the_one_used_after(client, build):
    build.person(email="ana@example.com")
    client.get("/login")
    before = client.get_cookie("session")
    client.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    after = client.get_cookie("session")
    assert after is not None and (before is None or before.value != after.value)


def test_changing_ones_password_needs_the_current_one_and_ends_other_sessions(app, build):
    person = build.person(email="ana@example.com")
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    refused = laptop.post("/account/password", data={"current_password": "guessing-wrong",
                                                     "new_password": "a-brand-new-passphrase",
                                                     "confirm": "a-brand-new-passphrase"})
    assert refused.status_code == 422
    changed = laptop.post("/account/password", data={"current_password": Builders.PASSWORD,
                                                     "new_password": "a-brand-new-passphrase",
                                                     "confirm": "a-brand-new-passphrase"})
    assert changed.status_code == 302
    assert laptop.get(f"/people/{person.id}").status_code == 200  # this device stays signed in
    assert phone.get(f"/people/{person.id}").status_code == 302  # the other one is signed out
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD}).status_code == 401
    assert fresh.post("/login", data={"email": "ana@example.com",
                                      "password": "a-brand-new-passphrase"}).status_code == 302


def test_a_new_password_shorter_than_ten_characters_is_refused(client, build, auth):
    build.person(email="ana@example.com")
    auth.login("ana@example.com")
    response = client.post("/account/password", data={"current_password": Builders.PASSWORD,
                                                      "new_password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "at least 10" in response.get_data(as_text=True)


def test_a_session_cookie_replayed_from_another_address_is_not_accepted(app, build):
    person = build.person(email="ana@example.com")
    victim = app.test_client()
    victim.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD},
                environ_base={"REMOTE_ADDR": "198.51.100.4"})
    stolen = victim.get_cookie("session").value
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    assert thief.get(f"/people/{person.id}", environ_base={"REMOTE_ADDR": "203.0.113.66"}).status_code == 302
    assert victim.get(f"/people/{person.id}", environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code == 200
