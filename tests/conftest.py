"""Fixtures shared by every test: an app on a fresh database, its client and CLI runner, and builders."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.builders import Builders  # noqa: E402


def make_app(tmp_path: Path, database_url: str | None = None, **overrides):
    from okr_app import create_app

    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.delenv("CADENCE_DATABASE_URL", raising=False)
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    from okr_app.extensions import db

    app = make_app(tmp_path)
    with app.app_context():
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


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


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def pg_url():
    """A PostgreSQL URL for tests that need a real server; those tests are skipped without one."""
    url = os.environ.get("CADENCE_TEST_DATABASE_URL")
    if not url:
        pytest.skip("CADENCE_TEST_DATABASE_URL is not set (`.ci/run` sets it when PostgreSQL answers)")
    return url
