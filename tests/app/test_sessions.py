"""Sessions that end: signing out, a new password, a deactivation or a role change end every copy of a
session and its remember-me cookie; idle and absolute lifetimes; remember-me tokens rotate."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from okr_app.extensions import db
from okr_app.models import Person
from tests.builders import Builders

SIGNED_IN_PAGE = "/okrs/mine"
START = datetime(2026, 12, 1, 9, 0)


def sign_in(app, email, remember=False):
    client = app.test_client()
    data = {"email": email, "password": Builders.PASSWORD}
    if remember:
        data["remember"] = "y"
    assert client.post("/login", data=data).status_code == 302
    return client


def copy_of(app, client, session=True, remember=True):
    """Another browser holding copies of `client`'s cookies (stolen, or the same person's second tab)."""
    other = app.test_client()
    for name, wanted in (("session", session), ("cadence_remember", remember)):
        cookie = client.get_cookie(name)
        if wanted and cookie is not None:
            other.set_cookie(name, cookie.value)
    return other


def signed_in(client) -> bool:
    return client.get(SIGNED_IN_PAGE).status_code == 200


@pytest.fixture
def ana(build):
    return build.person(email="ana@example.com", name="Ana Alder")


def test_after_sign_out_copies_of_the_session_and_remember_me_cookies_are_refused(app, ana):
    browser = sign_in(app, "ana@example.com", remember=True)
    session_only, remember_only = copy_of(app, browser, remember=False), copy_of(app, browser, session=False)
    assert signed_in(session_only) and signed_in(copy_of(app, browser, session=False))
    browser.post("/logout")
    assert not signed_in(browser)
    assert not signed_in(session_only)
    assert not signed_in(remember_only)


def test_a_password_change_ends_every_other_session_and_keeps_this_browser_signed_in(app, ana):
    other_browser = sign_in(app, "ana@example.com", remember=True)
    browser = sign_in(app, "ana@example.com")
    stolen = copy_of(app, browser)
    response = browser.post("/account/password", data={
        "current_password": Builders.PASSWORD, "new_password": "plum orchard tugboat 77",
        "confirm": "plum orchard tugboat 77"})
    assert response.status_code == 302
    assert signed_in(browser)
    assert not signed_in(other_browser)
    assert not signed_in(copy_of(app, other_browser, session=False))  # its remember-me cookie too
    assert not signed_in(stolen)


def test_a_deactivation_ends_the_sessions_and_remember_me_of_that_person(app, build, ana):
    build.person(email="admin@example.com", role="admin")
    browser = sign_in(app, "ana@example.com", remember=True)
    from okr_app.people.services import deactivate
    deactivate(None, db.session.get(Person, ana.id))
    db.session.commit()
    assert not signed_in(browser)
    assert not signed_in(copy_of(app, browser, session=False))


def test_a_role_change_ends_the_sessions_of_that_person(app, build, ana):
    build.person(email="admin@example.com", role="admin")
    browser = sign_in(app, "ana@example.com", remember=True)
    admin = sign_in(app, "admin@example.com")
    person = db.session.get(Person, ana.id)
    from okr_app.people.services import set_role
    set_role(None, person, "manager")
    db.session.commit()
    assert signed_in(admin)
    assert not signed_in(browser)
    assert not signed_in(copy_of(app, browser, session=False))


def test_sign_out_everywhere_ends_every_browser_of_that_person_only(app, build, ana):
    build.person(email="bo@example.com")
    phone, laptop = sign_in(app, "ana@example.com", remember=True), sign_in(app, "ana@example.com")
    colleague = sign_in(app, "bo@example.com")
    assert b"Sign out everywhere" in laptop.get("/account").data
    assert laptop.post("/account/sign-out-everywhere").status_code == 302
    assert not signed_in(laptop) and not signed_in(phone)
    assert not signed_in(copy_of(app, phone, session=False))
    assert signed_in(colleague)


def test_a_session_without_remember_me_ends_after_twelve_idle_hours(app, ana, clock):
    clock.pin(START)
    browser = sign_in(app, "ana@example.com")
    clock.pin(START + timedelta(hours=11, minutes=59))
    assert signed_in(browser)  # 11 h 59 min idle: still alive, and now seen again
    clock.pin(START + timedelta(hours=23, minutes=58))
    assert signed_in(browser)  # 11 h 59 min idle again
    clock.pin(START + timedelta(hours=23, minutes=58) + timedelta(hours=12))
    assert not signed_in(browser)  # 12 h idle


def test_a_busy_session_still_ends_at_its_absolute_lifetime_of_a_day(app, ana, clock):
    clock.pin(START)
    browser = sign_in(app, "ana@example.com")
    for hours in range(2, 24, 2):  # seen every two hours: never idle
        clock.pin(START + timedelta(hours=hours))
        assert signed_in(browser)
    clock.pin(START + timedelta(hours=24))
    assert not signed_in(browser)


def test_remember_me_outlives_the_idle_timeout_and_ends_after_fourteen_days(app, ana, clock):
    clock.pin(START)
    browser = sign_in(app, "ana@example.com", remember=True)
    clock.pin(START + timedelta(days=3))
    assert signed_in(browser)
    clock.pin(START + timedelta(days=14))
    assert not signed_in(copy_of(app, browser, session=False))


def test_each_use_of_a_remember_me_cookie_rotates_it_and_a_rotated_away_token_ends_the_session(app, ana):
    browser = sign_in(app, "ana@example.com", remember=True)
    first = browser.get_cookie("cadence_remember").value
    stolen = copy_of(app, browser, session=False)  # a copy of the first token, taken before it is used
    restored = copy_of(app, browser, session=False)
    assert signed_in(restored)  # the browser restarted: its session comes back from the remember-me cookie
    second = restored.get_cookie("cadence_remember").value
    assert second != first and second.split(".")[0] == first.split(".")[0]
    assert signed_in(restored)  # from its new session cookie now
    assert not signed_in(stolen)  # the old token came back: somebody copied it
    assert not signed_in(copy_of(app, restored, session=False))  # ... so that session ended for everyone
    assert not signed_in(restored)


def test_the_account_page_links_to_change_my_password_and_the_navigation_to_the_account(app, ana):
    browser = sign_in(app, "ana@example.com")
    home = browser.get("/").get_data(as_text=True)
    assert 'href="/account"' in home
    assert 'href="/account/password"' in browser.get("/account").get_data(as_text=True)
