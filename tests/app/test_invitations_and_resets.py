"""Invitations and password resets, end to end through a real SMTP server (aiosmtpd): the e-mailed link,
the page behind it, single use, expiry (clock pinned), hashed storage, and no hint whether an address exists."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.models import AccountToken, AuditEvent, Person
from tests.builders import Builders
from tests.builders.apps import make_app

BASE = "https://okr.example.com"
GOOD = "plum orchard tugboat 77"
START = datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def mail_app(tmp_path, monkeypatch, smtp_server):
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    app = make_app(tmp_path, SMTP_URL=smtp_server.url, BASE_URL=BASE)
    with app.app_context():
        db.create_all()
        Builders().person(email="admin@example.com", name="Ada Admin", role="admin")
        Builders().person(email="ana@example.com", name="Ana Alder")
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def sign_in(app, email, password=Builders.PASSWORD):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    return client, response.status_code


def link_in(message, path: str) -> str:
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    [link] = re.findall(rf"{re.escape(BASE)}{path}[A-Za-z0-9_\-]+", text)
    assert f'href="{link}"' in html
    return link.removeprefix(BASE)


def choose(client, path, password=GOOD):
    return client.post(path, data={"new_password": password, "confirm": password})


def test_an_admin_adds_a_person_with_an_invitation_who_chooses_a_password_once(mail_app, smtp_server):
    admin, _ = sign_in(mail_app, "admin@example.com")
    response = admin.post("/people/new", data={"name": "Nia New", "email": "nia@example.com", "role": "employee",
                                                "manager_id": "0", "team_id": "0", "invite": "y"})
    assert response.status_code == 302
    [message] = smtp_server.mailbox.wait_for(1)
    assert smtp_server.mailbox.received[0][0] == ["nia@example.com"]
    assert message["Subject"] == "You are invited to Cadence"
    assert "Ada Admin invited you" in message.get_body(("plain",)).get_content()
    path = link_in(message, "/welcome/")
    visitor = mail_app.test_client()
    assert visitor.get(path).status_code == 200
    weak = choose(visitor, path, "nia@example.com-2026")
    assert weak.status_code == 422 and "may not contain your email" in weak.get_data(as_text=True)
    assert choose(visitor, path).status_code == 302
    assert sign_in(mail_app, "nia@example.com", GOOD)[1] == 302
    # Used once: the same link is dead now, for viewing and for setting.
    assert visitor.get(path).status_code == 410
    assert choose(visitor, path, "another fine passphrase 9").status_code == 410
    assert sign_in(mail_app, "nia@example.com", "another fine passphrase 9")[1] == 401


def test_an_invitation_expires_after_seven_days(mail_app, smtp_server, clock):
    clock.pin(START)
    admin, _ = sign_in(mail_app, "admin@example.com")
    with mail_app.app_context():
        ana_id = db.session.scalar(sa.select(Person.id).where(Person.email == "ana@example.com"))
    assert admin.post(f"/people/{ana_id}/invite").status_code == 302
    path = link_in(smtp_server.mailbox.wait_for(1)[0], "/welcome/")
    visitor = mail_app.test_client()
    clock.pin(START + timedelta(days=7) - timedelta(minutes=1))
    assert visitor.get(path).status_code == 200
    clock.pin(START + timedelta(days=7))
    assert visitor.get(path).status_code == 410
    assert choose(visitor, path).status_code == 410


def test_forgot_password_mails_a_one_hour_single_use_link_and_ends_every_session(mail_app, smtp_server, clock):
    clock.pin(START)
    signed_in_elsewhere, _ = sign_in(mail_app, "ana@example.com")
    visitor = mail_app.test_client()
    assert 'href="/forgot-password"' in visitor.get("/login").get_data(as_text=True)
    assert visitor.post("/forgot-password", data={"email": "ANA@example.com"}).status_code == 200
    [message] = smtp_server.mailbox.wait_for(1)
    assert message["Subject"] == "Reset your Cadence password"
    path = link_in(message, "/reset-password/")
    clock.pin(START + timedelta(minutes=59))
    assert choose(visitor, path).status_code == 302
    assert signed_in_elsewhere.get("/okrs/mine").status_code == 302  # its session ended
    assert sign_in(mail_app, "ana@example.com", Builders.PASSWORD)[1] == 401
    assert sign_in(mail_app, "ana@example.com", GOOD)[1] == 302
    assert choose(visitor, path, "another fine passphrase 9").status_code == 410
    with mail_app.app_context():
        actions = set(db.session.scalars(sa.select(AuditEvent.action)))
        assert {"auth.reset_requested", "auth.password_reset"} <= actions


def test_a_reset_link_expires_after_one_hour(mail_app, smtp_server, clock):
    clock.pin(START)
    visitor = mail_app.test_client()
    visitor.post("/forgot-password", data={"email": "ana@example.com"})
    path = link_in(smtp_server.mailbox.wait_for(1)[0], "/reset-password/")
    clock.pin(START + timedelta(hours=1))
    assert visitor.get(path).status_code == 410
    assert choose(visitor, path).status_code == 410
    assert sign_in(mail_app, "ana@example.com", GOOD)[1] == 401


def test_a_new_reset_request_ends_the_earlier_link(mail_app, smtp_server):
    visitor = mail_app.test_client()
    visitor.post("/forgot-password", data={"email": "ana@example.com"})
    visitor.post("/forgot-password", data={"email": "ana@example.com"})
    first, second = (link_in(m, "/reset-password/") for m in smtp_server.mailbox.wait_for(2))
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200


def test_forgot_password_answers_the_same_for_an_unknown_or_deactivated_address_and_mails_nobody(
        mail_app, smtp_server):
    with mail_app.app_context():
        Builders().person(email="gone@example.com").active = False
        db.session.commit()
    visitor = mail_app.test_client()
    pages = {}
    for email in ("ana@example.com", "nobody@example.com", "gone@example.com"):
        response = visitor.post("/forgot-password", data={"email": email})
        pages[email] = (response.status_code, response.get_data(as_text=True).replace(email, "EMAIL"))
    assert pages["ana@example.com"] == pages["nobody@example.com"] == pages["gone@example.com"]
    assert len(smtp_server.mailbox.wait_for(1)) == 1
    assert [rcpts for rcpts, _ in smtp_server.mailbox.received] == [["ana@example.com"]]


def test_only_the_sha256_of_a_link_is_stored(mail_app, smtp_server):
    mail_app.test_client().post("/forgot-password", data={"email": "ana@example.com"})
    secret = link_in(smtp_server.mailbox.wait_for(1)[0], "/reset-password/").rsplit("/", 1)[1]
    with mail_app.app_context():
        [stored] = db.session.scalars(sa.select(AccountToken.token_hash))
    assert stored == hashlib.sha256(secret.encode()).hexdigest() and secret not in stored


def test_without_smtp_the_cli_puts_the_invitation_in_the_outbox_and_prints_the_link(app, build, tmp_path):
    build.person(email="ana@example.com", name="Ana Alder")
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_BASE_URL": BASE, "CADENCE_SMTP_URL": ""}
    result = CliRunner().invoke(cli, ["users", "invite", "ana@example.com"], env=env)
    assert result.exit_code == 0, result.output
    [link] = re.findall(rf"{re.escape(BASE)}/welcome/\S+", result.output)
    [eml] = (tmp_path / "instance" / "outbox").glob("*.eml")
    assert link in eml.read_text()


def test_a_csv_import_from_the_cli_can_invite_everyone_it_adds(app, build, tmp_path, smtp_server):
    people = tmp_path / "people.csv"
    people.write_text("email,name,role,manager_email,team\nnia@example.com,Nia New,employee,,\n"
                      "oli@example.com,Oli Other,employee,,\n")
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_BASE_URL": BASE,
           "CADENCE_SMTP_URL": smtp_server.url}
    result = CliRunner().invoke(cli, ["users", "import", str(people), "--invite"], env=env)
    assert result.exit_code == 0, result.output
    assert "Invitation e-mailed to nia@example.com." in result.output
    assert sorted(r[0][0] for r in smtp_server.mailbox.received) == ["nia@example.com", "oli@example.com"]
