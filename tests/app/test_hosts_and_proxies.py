"""Host header refusal (CADENCE_TRUSTED_HOSTS) and forwarded headers honoured only from the proxy that
CADENCE_BEHIND_PROXY names, in the app and in gunicorn (`cadence serve`, a real process)."""
from __future__ import annotations

import pytest
import requests

from okr_app.extensions import db
from tests.builders import Builders
from tests.builders.apps import make_app
from tests.builders.servers import CadenceServer


def app_with(tmp_path, monkeypatch, **config):
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, **config)
    with app.app_context():
        db.create_all()
        Builders().person(email="ana@example.com")
    return app


def test_an_unknown_host_header_is_refused_before_any_redirect(client):
    response = client.get("/", headers={"Host": "evil.example"})
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")
    assert client.get("/login", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/login", headers={"Host": "localhost:5000"}).status_code == 200


def test_the_configured_trusted_hosts_replace_the_default(tmp_path, monkeypatch):
    app = app_with(tmp_path, monkeypatch, TRUSTED_HOST_NAMES=["okr.example.com"])
    client = app.test_client()
    assert client.get("/login", headers={"Host": "okr.example.com"}).status_code == 200
    assert client.get("/login", headers={"Host": "localhost"}).status_code == 400


def test_the_host_of_the_base_url_and_the_bound_host_are_trusted_by_default(tmp_path, monkeypatch):
    app = app_with(tmp_path, monkeypatch, BASE_URL="https://okr.example.com", SERVE_HOST="10.1.2.3")
    client = app.test_client()
    for host in ("okr.example.com", "10.1.2.3:5000", "localhost"):
        assert client.get("/login", headers={"Host": host}).status_code == 200, host
    assert client.get("/login", headers={"Host": "okr.example.com.evil.example"}).status_code == 400


@pytest.mark.parametrize("peer, honoured", [("10.0.0.5", True), ("10.0.0.9", False), ("127.0.0.1", False)])
def test_forwarded_headers_count_only_from_the_named_proxy(tmp_path, monkeypatch, peer, honoured):
    app = app_with(tmp_path, monkeypatch, BEHIND_PROXY="10.0.0.5")
    response = app.test_client().get("/login", headers={"X-Forwarded-Proto": "https"},
                                     environ_base={"REMOTE_ADDR": peer})
    assert ("Strict-Transport-Security" in response.headers) is honoured


def test_gunicorn_ignores_x_forwarded_proto_from_localhost_unless_told_it_is_the_proxy(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'cadence.db'}"
    app_with(tmp_path, monkeypatch, SQLALCHEMY_DATABASE_URI=database)
    env = {"CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_DATABASE_URL": database,
           "CADENCE_SECRET_KEY": "hosts-test-secret", "CADENCE_BEHIND_PROXY": ""}
    with CadenceServer(env, workers=1) as server:
        plain = requests.get(f"{server.url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=30)
        assert plain.status_code == 200 and "Strict-Transport-Security" not in plain.headers
        evil = requests.get(f"{server.url}/", headers={"Host": "evil.example"}, allow_redirects=False, timeout=30)
        assert evil.status_code == 400
    with CadenceServer({**env, "CADENCE_BEHIND_PROXY": "127.0.0.1"}, workers=1) as server:
        proxied = requests.get(f"{server.url}/login", headers={"X-Forwarded-Proto": "https"}, timeout=30)
        assert "Strict-Transport-Security" in proxied.headers
