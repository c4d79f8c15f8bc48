"""Getting a server going: `cadence init` writes the secret key once, readable only by its owner,
and `cadence serve` refuses to start before it, then hands over to gunicorn."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

# migrations/env.py is Flask-Migrate's template, which still calls Flask-SQLAlchemy's deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def run(tmp_path: Path, *args, **env_overrides):
    from cli import cli

    env = {"CADENCE_INSTANCE_PATH": str(tmp_path / "instance"),
           "CADENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'cadence.db'}",
           "CADENCE_SECRET_KEY": None, **env_overrides}
    return CliRunner().invoke(cli, list(args), env=env)


def key_file(tmp_path: Path) -> Path:
    return tmp_path / "instance" / "secret_key"


@pytest.fixture
def no_gunicorn(monkeypatch):
    """Record what `cadence serve` would exec instead of replacing the test process with gunicorn."""
    calls = []
    monkeypatch.setattr(os, "execv", lambda path, args: calls.append(args))
    return calls


def test_init_writes_a_secret_key_only_its_owner_can_read(tmp_path):
    result = run(tmp_path, "init")
    assert result.exit_code == 0, result.output
    assert "Generated a secret key" in result.output
    key = key_file(tmp_path)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert len(key.read_text().strip()) >= 64  # 48 random bytes, URL-safe base64


def test_a_second_init_keeps_the_key_exactly_as_it_was(tmp_path):
    assert run(tmp_path, "init").exit_code == 0
    key = key_file(tmp_path)
    first, first_stat = key.read_bytes(), key.stat()
    again = run(tmp_path, "init")
    assert again.exit_code == 0, again.output
    assert "Generated a secret key" not in again.output
    assert key.read_bytes() == first  # changing it would sign everyone out
    assert (key.stat().st_mtime_ns, stat.S_IMODE(key.stat().st_mode)) == (first_stat.st_mtime_ns, 0o600)


def test_each_installation_gets_its_own_key(tmp_path):
    assert run(tmp_path / "a", "init").exit_code == 0
    assert run(tmp_path / "b", "init").exit_code == 0
    assert key_file(tmp_path / "a").read_text() != key_file(tmp_path / "b").read_text()


def test_the_key_init_writes_is_the_one_the_app_signs_sessions_with(tmp_path, monkeypatch):
    from okr_app import create_app

    assert run(tmp_path, "init").exit_code == 0
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.delenv("CADENCE_SECRET_KEY", raising=False)
    monkeypatch.setenv("CADENCE_DATABASE_URL", f"sqlite:///{tmp_path / 'instance' / 'cadence.db'}")
    app = create_app()
    assert app.secret_key == key_file(tmp_path).read_text().strip()


def test_a_key_given_in_the_environment_means_no_key_file(tmp_path):
    result = run(tmp_path, "init", CADENCE_SECRET_KEY="from-the-environment-" + "x" * 40)
    assert result.exit_code == 0, result.output
    assert not key_file(tmp_path).exists()


def test_serve_before_init_says_to_run_init_and_starts_nothing(tmp_path, no_gunicorn):
    result = run(tmp_path, "serve")
    assert result.exit_code != 0
    assert "run `cadence init`" in result.output
    assert no_gunicorn == []


def test_serve_after_init_hands_over_to_gunicorn_on_the_chosen_address(tmp_path, no_gunicorn):
    assert run(tmp_path, "init").exit_code == 0
    result = run(tmp_path, "serve", "--host", "0.0.0.0", "--port", "8080", "--workers", "3")
    assert result.exit_code == 0, result.output
    assert "http://0.0.0.0:8080" in result.output
    [args] = no_gunicorn
    assert args[1:3] == ["-m", "gunicorn"]
    assert args[args.index("--bind") + 1] == "0.0.0.0:8080" and args[args.index("--workers") + 1] == "3"
    assert args[-1] == "okr_app.wsgi:app"
