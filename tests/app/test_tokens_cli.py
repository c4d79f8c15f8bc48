"""`cadence tokens create|list|revoke`: the token is printed once, alone on the last line, and works."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.models import ApiToken
from okr_app.clock import utcnow


@pytest.fixture
def cadence(app):
    """Run `cadence ...` against the test database, as an admin would on the server."""
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CADENCE_SECRET_KEY": app.config["SECRET_KEY"], "CADENCE_INSTANCE_PATH": app.instance_path}

    def run(*args: str):
        return CliRunner().invoke(cli, list(args), env=env)
    return run


def test_create_prints_the_token_alone_on_the_last_line_and_the_token_works(cadence, client, build):
    build.person(email="ana@example.com")
    result = cadence("tokens", "create", "ana@example.com", "--name", "CRM sync")
    assert result.exit_code == 0, result.output
    secret = result.output.rstrip("\n").splitlines()[-1]
    assert secret.startswith("cad_") and " " not in secret
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "ana@example.com"


def test_create_stores_the_name_and_the_expiry_but_not_the_secret(cadence, build):
    build.person(email="ana@example.com")
    result = cadence("tokens", "create", "ANA@example.com", "--name", "Billing", "--expires-days", "30")
    assert result.exit_code == 0, result.output
    secret = result.output.splitlines()[-1]
    token = db.session.scalar(sa.select(ApiToken))
    assert token.name == "Billing"
    assert timedelta(days=29, hours=23) < token.expires_at - utcnow() <= timedelta(days=30)
    assert secret not in (token.token_hash, token.prefix, token.name)


def test_create_for_an_unknown_email_fails_with_exit_2_and_creates_nothing(cadence, build):
    result = cadence("tokens", "create", "nobody@example.com")
    assert result.exit_code == 2
    assert "nobody@example.com" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_create_refuses_a_zero_day_expiry(cadence, build):
    build.person(email="ana@example.com")
    result = cadence("tokens", "create", "ana@example.com", "--expires-days", "0")
    assert result.exit_code == 2
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0


def test_revoke_ends_every_token_of_that_person_at_once(cadence, client, build):
    build.person(email="ana@example.com")
    build.person(email="ben@example.com")
    ana = [cadence("tokens", "create", "ana@example.com").output.splitlines()[-1] for _ in range(2)]
    ben = cadence("tokens", "create", "ben@example.com").output.splitlines()[-1]
    result = cadence("tokens", "revoke", "ana@example.com")
    assert result.exit_code == 0, result.output
    assert "Revoked 2 token(s)" in result.output
    for secret in ana:
        assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {ben}"}).status_code == 200


def test_list_shows_each_token_by_prefix_and_status_never_the_secret(cadence, build):
    build.person(email="ana@example.com")
    kept = cadence("tokens", "create", "ana@example.com", "--name", "CRM sync").output.splitlines()[-1]
    cadence("tokens", "revoke", "ana@example.com")
    fresh = cadence("tokens", "create", "ana@example.com", "--name", "Billing").output.splitlines()[-1]
    result = cadence("tokens", "list", "ana@example.com")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[:3] == ["TOKEN", "NAME", "STATUS"]
    assert any("CRM sync" in line and "revoked" in line for line in lines)
    assert any("Billing" in line and "active" in line for line in lines)
    assert kept not in result.output and fresh not in result.output
    assert fresh[:12] in result.output


def test_list_says_so_when_a_person_has_no_tokens(cadence, build):
    build.person(email="ana@example.com")
    result = cadence("tokens", "list", "ana@example.com")
    assert result.exit_code == 0
    assert "no API tokens" in result.output


def test_a_deactivated_person_gets_no_token(cadence, build):
    person = build.person(email="gone@example.com")
    person.active = False
    db.session.commit()
    result = cadence("tokens", "create", "gone@example.com")
    assert result.exit_code == 2
    assert "deactivated" in result.output
    assert db.session.scalar(sa.select(sa.func.count(ApiToken.id))) == 0
