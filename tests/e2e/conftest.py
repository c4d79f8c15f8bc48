"""Browser tests: the real app served on 127.0.0.1 in a thread, driven by Playwright in Debian's chromium.

The app here keeps CSRF protection ON (the shared `app` fixture turns it off for the test client):
a real browser carries the token the forms render, so these tests also prove the forms work with it."""
from __future__ import annotations

import shutil
import threading

import pytest
from werkzeug.serving import make_server

from okr_app.extensions import db
from tests.builders import Builders
from tests.builders.apps import copy_of, make_app

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
TIMEOUT_MS = 10_000


@pytest.fixture
def app(tmp_path, monkeypatch, schema_template):
    """A fresh SQLite app with CSRF enabled (rate limits stay off: every test signs in several times)."""
    monkeypatch.delenv("CADENCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, database_url=copy_of(schema_template, tmp_path), WTF_CSRF_ENABLED=True)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def live_server(app):
    """The test app on a free loopback port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One chromium for the whole session; each test gets its own context (cookies) in `page`."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is required for browser tests (make test installs it)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


class BrowserSession:
    """Signs a person in through the login form, as they would."""

    def __init__(self, page, base_url: str) -> None:
        self.page, self.base_url = page, base_url

    def open(self, path: str):
        self.page.goto(self.base_url + path)
        return self.page

    def sign_in(self, email: str, password: str = Builders.PASSWORD):
        page = self.open("/login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        assert "/login" not in page.url, f"sign-in as {email} failed: {page.locator('main').inner_text()}"
        return page

    def nav(self, name: str):
        """Follow a link of the top navigation bar (page bodies have links with the same words)."""
        self.page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
        self.page.wait_for_load_state()
        return self.page

    def sign_out(self):
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url("**/login**")


@pytest.fixture
def session(page, live_server):
    return BrowserSession(page, live_server)
