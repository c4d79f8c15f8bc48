"""Attacks on sign-in: password guessing, open redirects, dead accounts and stale sessions."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import AuditEvent, Person
from tests.builders import Builders
from tests.builders.apps import make_app

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


def test_the_sixth_wrong_password_for_one_account_within_a_minute_is_refused_with_the_form(throttled):
    client = throttled.test_client()
    # Each guess comes from a different address, so only the per-account counter can stop them.
    statuses = [attempt(client, "ana@example.com", WRONG, f"10.0.0.{n}").status_code for n in range(1, 7)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    refused = attempt(client, "ana@example.com", WRONG)
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert 'name="password"' in page and "Too many failed sign-ins for this account" in page


def test_a_throttled_account_is_refused_even_with_the_right_password_and_told_when_to_retry(throttled, clock):
    clock.pin(datetime(2026, 12, 1, 9, 0, 0))
    client = throttled.test_client()
    for n in range(5):
        attempt(client, "ana@example.com", WRONG, f"10.0.1.{n}")
    response = attempt(client, "ana@example.com", Builders.PASSWORD, "10.0.1.99")
    assert response.status_code == 429
    page = response.get_data(as_text=True)
    # The fifth failure at 09:00:00 starts one minute of back-off: until 09:01:00.
    assert "Try again in 60 seconds (at 09:01:00 UTC)" in page
    assert response.headers["Retry-After"] == "60"
    clock.pin(datetime(2026, 12, 1, 9, 1, 0))
    assert attempt(client, "ana@example.com", Builders.PASSWORD, "10.0.1.99").status_code == 302


def test_the_back_off_doubles_with_each_further_failure(throttled, clock):
    start = datetime(2026, 12, 1, 9, 0, 0)
    clock.pin(start)
    client = throttled.test_client()
    for n in range(5):
        attempt(client, "ana@example.com", WRONG, f"10.0.2.{n}")
    clock.pin(start + timedelta(seconds=60))  # 5th failure + 1 min: the back-off is over
    assert attempt(client, "ana@example.com", WRONG).status_code == 401  # the 6th: 2 minutes now
    clock.pin(start + timedelta(seconds=60 + 119))
    assert attempt(client, "ana@example.com", Builders.PASSWORD).status_code == 429
    clock.pin(start + timedelta(seconds=60 + 120))
    assert attempt(client, "ana@example.com", WRONG).status_code == 401  # the 7th: 4 minutes now
    clock.pin(start + timedelta(seconds=180 + 239))
    assert attempt(client, "ana@example.com", Builders.PASSWORD).status_code == 429
    clock.pin(start + timedelta(seconds=180 + 240))
    assert attempt(client, "ana@example.com", Builders.PASSWORD).status_code == 302
    client.post("/logout")
    # The success forgot the count: five failures are free again.
    assert [attempt(client, "ana@example.com", WRONG).status_code for _ in range(6)] == [401] * 5 + [429]


def test_the_account_counter_ignores_the_case_and_spaces_of_the_submitted_email(throttled):
    client = throttled.test_client()
    for n, email in enumerate(["ana@example.com", "ANA@example.com", " Ana@Example.COM", "ana@EXAMPLE.com",
                               "aNa@example.com"]):
        assert attempt(client, email, WRONG, f"10.0.2.{n}").status_code == 401
    assert attempt(client, "ANA@EXAMPLE.COM", WRONG, "10.0.2.9").status_code == 429


def test_a_colleague_at_the_same_address_signs_in_while_one_account_is_backed_off(throttled):
    client = throttled.test_client()
    for _ in range(6):
        attempt(client, "ana@example.com", WRONG, "192.0.2.7")
    assert attempt(client, "ana@example.com", Builders.PASSWORD, "192.0.2.7").status_code == 429
    assert attempt(client, "bo@example.com", Builders.PASSWORD, "192.0.2.7").status_code == 302


def test_one_address_guessing_across_many_accounts_is_refused_after_fifty_failures(throttled):
    client = throttled.test_client()
    # 50 failures from one address, spread over 25 accounts (two each: no account backs off).
    for n in range(50):
        assert attempt(client, f"nobody{n % 25}@example.com", WRONG, "192.0.2.8").status_code == 401
    refused = attempt(client, "bo@example.com", Builders.PASSWORD, "192.0.2.8")
    assert refused.status_code == 429
    assert "Too many failed sign-ins from your network" in refused.get_data(as_text=True)
    # Another address is not punished for it.
    assert attempt(client, "bo@example.com", Builders.PASSWORD, "192.0.2.9").status_code == 302


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
    for _ in range(6):
        attempt(client, "ana@example.com", WRONG)
    assert all(client.get("/login").status_code == 200 for _ in range(10))


def test_sign_ins_failures_back_offs_refusals_and_sign_outs_are_audited_with_the_address(throttled):
    client = throttled.test_client()
    attempt(client, "ana@example.com", Builders.PASSWORD, "198.51.100.1")
    client.post("/logout", environ_base={"REMOTE_ADDR": "198.51.100.1"})
    for _ in range(5):
        attempt(client, "bo@example.com", WRONG, "198.51.100.2")
    attempt(client, "bo@example.com", Builders.PASSWORD, "198.51.100.2")
    with throttled.app_context():
        events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [event.action for event in events]
        assert actions == ["auth.sign_in", "auth.sign_out"] + ["auth.sign_in_failed"] * 4 + [
            "auth.sign_in_failed", "auth.throttled", "auth.sign_in_refused"]
        assert '"address": "198.51.100.1"' in events[0].after
        assert '"address": "198.51.100.2"' in events[2].after and events[2].object_id == "bo@example.com"
        assert '"scope": "account"' in events[-2].after


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


def test_a_new_password_shorter_than_twelve_characters_is_refused(client, build, auth):
    build.person(email="ana@example.com")
    auth.login("ana@example.com")
    response = client.post("/account/password", data={"current_password": Builders.PASSWORD,
                                                      "new_password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "at least 12" in response.get_data(as_text=True)


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
