"""Personal API tokens: hashed at rest, shown once, and refused (401 JSON) when missing, unknown,
expired or revoked. A browser session never authenticates the API."""
from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import check_bearer, create_token, revoke_tokens
from okr_app.extensions import db
from okr_app.models import ApiToken
from okr_app.clock import utcnow
from tests.builders.queries import counting_queries


def token_of(person, **kwargs) -> str:
    _, secret = create_token(person, **kwargs)
    db.session.commit()
    return secret


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def test_the_database_holds_only_the_sha256_of_a_token_never_the_secret(build):
    person = build.person()
    token, secret = create_token(person, name="CRM sync")
    db.session.commit()
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    row = db.session.execute(sa.select(ApiToken.__table__)).one()
    assert all(secret not in str(value) for value in row)
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3


def test_two_tokens_of_one_person_are_different_secrets(build):
    person = build.person()
    assert token_of(person) != token_of(person)


def test_a_valid_token_authenticates_as_its_owner(client, build):
    person = build.person(email="ana@example.com")
    response = client.get("/api/v1/me", headers=bearer(token_of(person)))
    assert response.status_code == 200
    assert response.get_json()["email"] == "ana@example.com"


@pytest.mark.parametrize("header", [
    None, "", "Bearer", "Bearer ", "Basic YW5hOnB3", "Token cad_whatever", "Bearer cad_not-a-real-token",
    "Bearer " + "x" * 5000, "Bearer caf\u00e9",
])
def test_a_missing_malformed_or_unknown_token_gets_401_json(client, build, header):
    build.person()
    headers = {"Authorization": header} if header is not None else {}
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["error"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_revoked_token_gets_401_and_says_so(client, build):
    person = build.person()
    secret = token_of(person)
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    assert revoke_tokens(person) == 1
    db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert "revoked" in response.get_json()["error"]


def test_an_expired_token_gets_401_and_says_so(client, build):
    person = build.person()
    secret = token_of(person, expires_at=utcnow() + timedelta(days=1))
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    db.session.execute(sa.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 401
    assert "expired" in response.get_json()["error"]


def test_a_deactivated_persons_token_gets_401(client, build):
    person = build.person()
    secret = token_of(person)
    person.active = False
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_revoking_ends_every_live_token_of_that_person_and_no_one_elses(build):
    ana, ben = build.person(), build.person()
    ana_tokens = [token_of(ana), token_of(ana)]
    ben_token = token_of(ben)
    assert revoke_tokens(ana) == 2
    db.session.commit()
    assert revoke_tokens(ana) == 0  # nothing left to revoke
    assert [check_bearer(f"Bearer {t}").actor for t in ana_tokens] == [None, None]
    assert check_bearer(f"Bearer {ben_token}").actor.id == ben.id


def test_a_token_cannot_expire_in_the_past(build):
    from okr_app.errors import InvalidInput

    with pytest.raises(InvalidInput):
        create_token(build.person(), expires_at=utcnow() - timedelta(minutes=1))


def test_a_signed_in_browser_session_does_not_authenticate_the_api(client, build, auth):
    build.person(email="ana@example.com")
    assert auth.login("ana@example.com").status_code == 302
    assert client.get("/").status_code == 200  # the session works for the web pages
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    created = client.post("/api/v1/weekly", json={"satisfaction": 4})
    assert created.status_code == 401


def test_a_call_records_when_the_token_was_last_used(client, build):
    person = build.person()
    secret = token_of(person)
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) is None
    before = utcnow().replace(microsecond=0)
    client.get("/api/v1/me", headers=bearer(secret))
    db.session.expire_all()
    assert db.session.scalar(sa.select(ApiToken.last_used_at)) >= before


def test_token_authentication_costs_at_most_two_queries(app, client, build):
    person = build.person()
    secret = token_of(person)
    with counting_queries(db.engine) as statements:
        response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200
    # one SELECT of the token joined to its owner, one UPDATE of last_used_at (a person with no
    # team or manager, so /me itself reads nothing more)
    assert len(statements) <= 2, statements


def test_the_openapi_document_needs_no_token(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.get_json()["openapi"].startswith("3.")
