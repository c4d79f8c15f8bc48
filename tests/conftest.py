"""Fixtures shared by every test: an app on a fresh database, its client and CLI runner, and builders."""
from __future__ import annotations

import os
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path

import pytest
import time_machine
from flask import g
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent

# No wall-clock limits in tests: hypothesis's per-example deadline and "too slow" check fail on a busy machine.
settings.register_profile("cadence", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cadence")
sys.path.insert(0, str(ROOT))

from okr_app.extensions import db  # noqa: E402
from tests.builders import Builders  # noqa: E402
from tests.builders.apps import copy_of, make_app, sqlite_schema  # noqa: E402


def pytest_configure(config):
    """`CADENCE_TEST_NOW=2027-01-01T00:01` runs the whole session (collection, module fixtures, every test) as if
    it were that moment (UTC), with the clock ticking on from there; unset, the real clock runs. The suite
    must pass at any moment: sweep it with this before calling a date rule done. Processes a test starts
    (gunicorn, a second `cadence`) read the real clock."""
    moment = os.environ.get("CADENCE_TEST_NOW")
    if moment:
        config.cadence_moment = time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=timezone.utc),
                                                    tick=True)
        config.cadence_moment.start()


def pytest_unconfigure(config):
    if getattr(config, "cadence_moment", None) is not None:
        config.cadence_moment.stop()


class Clock:
    """Pins the wall clock that `okr_app.clock` reads; time stands still until the test pins it again."""

    def __init__(self) -> None:
        self._traveller = None

    def pin(self, moment: datetime | date) -> datetime:
        if not isinstance(moment, datetime):
            moment = datetime.combine(moment, time(12, 0))
        moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
        self.stop()
        self._traveller = time_machine.travel(moment, tick=False)
        self._traveller.start()
        return moment.astimezone(timezone.utc).replace(tzinfo=None)

    def stop(self) -> None:
        if self._traveller is not None:
            self._traveller.stop()
            self._traveller = None


@pytest.fixture
def clock():
    """`clock.pin(date or datetime)`: the moment the test runs at (a bare date means noon UTC)."""
    pinned = Clock()
    yield pinned
    pinned.stop()


@pytest.fixture
def time_stands_still(clock):
    """Stops the clock at the moment the test starts (the real one, or `CADENCE_TEST_NOW`'s): a test that builds
    "this week's" data and then reads a page saying "this week" must not see the week turn in between."""
    return clock.pin(datetime.now(timezone.utc))


@pytest.fixture(scope="session")
def schema_template(tmp_path_factory) -> Path:
    """The empty schema, built once per session; each test's database starts as a copy of it."""
    return sqlite_schema(tmp_path_factory.mktemp("schema"))


@pytest.fixture
def app(tmp_path, monkeypatch, schema_template):
    monkeypatch.delenv("CADENCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, database_url=copy_of(schema_template, tmp_path))
    app.before_request(_forget_the_previous_request)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _forget_the_previous_request() -> None:
    """Each request starts with an empty `g`, as in production: the `build` fixture keeps one app context
    open, which the test client would otherwise share between requests (and between signed-in people)."""
    for name in ("actor", "_login_user"):
        g.pop(name, None)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def build(app):
    """Builders (`build.person(...)`, `build.cycle(...)`, ...) inside an app context; they commit."""
    with app.app_context():
        yield Builders()


class AuthActions:
    def __init__(self, client):
        self._client = client

    def login(self, email: str, password: str = Builders.PASSWORD):
        return self._client.post("/login", data={"email": email, "password": password})

    def logout(self):
        return self._client.post("/logout")

    def sign_in(self, person) -> None:
        """Sign out whoever is signed in, then sign in as `person` (a Person or an e-mail), asserting it worked."""
        self.logout()
        assert self.login(getattr(person, "email", person)).status_code == 302


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def smtp_server():
    """A real SMTP server (aiosmtpd) on a free local port: `smtp_server.url`, `smtp_server.mailbox.messages`."""
    from tests.builders.smtp import SmtpServer

    with SmtpServer() as server:
        yield server


@pytest.fixture
def pg_url():
    """A PostgreSQL URL for tests that need a real server; those tests are skipped without one."""
    url = os.environ.get("CADENCE_TEST_DATABASE_URL")
    if not url:
        pytest.skip("CADENCE_TEST_DATABASE_URL is not set (`.ci/run` sets it when PostgreSQL answers)")
    return url
