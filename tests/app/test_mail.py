"""The one mail module: SMTP against a real server (aiosmtpd), the outbox without one, exactly once per key."""
from __future__ import annotations

import stat
import threading
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.mail.services import compose, send
from okr_app.models import SentMail
from tests.builders import Builders
from tests.builders.smtp import SmtpServer, free_port
from tests.builders.apps import make_app


@pytest.fixture
def mail_app(tmp_path, monkeypatch):
    """An app factory on one SQLite file: `mail_app(SMTP_URL=...)`; every app made shares the database."""
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    made = []

    def factory(**overrides):
        app = make_app(tmp_path, BASE_URL="https://okr.example.com", MAIL_FROM="Cadence <okr@example.com>",
                       **overrides)
        with app.app_context():
            db.create_all()
        made.append(app)
        return app

    yield factory
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def invitation(person, link="https://okr.example.com/welcome/abc"):
    return compose("invitation", person, "You are invited to Cadence", "invitation", inviter="Ada Admin",
                   link=link, valid_for="7 days")


def test_a_message_goes_through_smtp_with_a_text_and_an_html_part_after_the_commit(mail_app, smtp_server):
    app = mail_app(SMTP_URL=smtp_server.url)
    with app.app_context():
        person = Builders().person(name="Eve Example", email="eve@example.com")
        row = send(invitation(person), period_key="first")
        assert smtp_server.mailbox.messages == []  # nothing leaves before the transaction commits
        db.session.commit()
        [message] = smtp_server.mailbox.wait_for(1)
        assert smtp_server.mailbox.received[0][0] == ["eve@example.com"]
        assert message["To"] == "Eve Example <eve@example.com>"
        assert message["From"] == "Cadence <okr@example.com>"
        assert message["Subject"] == "You are invited to Cadence"
        assert message["List-Unsubscribe"] is None  # invitations cannot be unsubscribed from
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "https://okr.example.com/welcome/abc" in text and 'href="https://okr.example.com/welcome/abc"' in html
        stored = db.session.get(SentMail, row.id)
        assert (stored.state, stored.transport, stored.address) == ("sent", "smtp", "eve@example.com")
        assert stored.sent_at is not None


def test_a_second_send_with_the_same_key_sends_nothing_even_from_another_app(mail_app, smtp_server):
    first, second = mail_app(SMTP_URL=smtp_server.url), mail_app(SMTP_URL=smtp_server.url)
    with first.app_context():
        person_id = Builders().person().id
    for app in (first, second, first):
        with app.app_context():
            person = db.session.get(type(Builders().person()), person_id)
            send(invitation(person), period_key="2026-W49")
            db.session.commit()
    assert len(smtp_server.mailbox.wait_for(1)) == 1
    with first.app_context():
        rows = db.session.scalars(sa.select(SentMail).where(SentMail.period_key == "2026-W49")).all()
        assert [row.state for row in rows] == ["sent"]


def test_two_transactions_racing_for_one_key_send_one_message(mail_app, smtp_server):
    """The second claim waits for the first transaction and then finds the key taken."""
    apps = [mail_app(SMTP_URL=smtp_server.url) for _ in range(2)]
    with apps[0].app_context():
        person_id = Builders().person().id
    claimed, results = threading.Event(), {}

    def first():
        with apps[0].app_context():
            from okr_app.models import Person
            results["first"] = send(invitation(db.session.get(Person, person_id)), "race") is not None
            claimed.set()
            threading.Event().wait(0.5)  # hold the claim, uncommitted, while the second tries
            db.session.commit()

    def second():
        claimed.wait()
        with apps[1].app_context():
            from okr_app.models import Person
            results["second"] = send(invitation(db.session.get(Person, person_id)), "race") is not None
            db.session.commit()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert results == {"first": True, "second": False}
    assert len(smtp_server.mailbox.wait_for(1)) == 1


def test_a_rolled_back_transaction_sends_nothing_and_keeps_no_claim(mail_app, smtp_server):
    app = mail_app(SMTP_URL=smtp_server.url)
    with app.app_context():
        person = Builders().person()
        send(invitation(person), "rolled-back")
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(SentMail.id))) == 0
        person = db.session.merge(person)
        assert send(invitation(person), "rolled-back") is not None  # the key is free again
        db.session.commit()
    assert len(smtp_server.mailbox.wait_for(1)) == 1


def test_without_smtp_each_message_is_an_eml_file_in_the_outbox_readable_by_its_owner_only(mail_app, tmp_path):
    app = mail_app()
    with app.app_context():
        person = Builders().person(email="olli@example.com")
        row_id = send(invitation(person, link="https://okr.example.com/welcome/xyz"), "outbox").id
        db.session.commit()
        assert db.session.get(SentMail, row_id).transport == "outbox"
    [path] = (tmp_path / "instance" / "outbox").glob("*.eml")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert message["To"].addresses[0].addr_spec == "olli@example.com"
    assert "https://okr.example.com/welcome/xyz" in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None


def test_a_failed_delivery_is_recorded_and_a_later_attempt_with_the_same_key_sends_it(mail_app, smtp_server):
    dead = mail_app(SMTP_URL=f"smtp://127.0.0.1:{free_port()}")  # nobody listens there
    with dead.app_context():
        person_id = Builders().person().id
        from okr_app.models import Person
        row_id = send(invitation(db.session.get(Person, person_id)), "retry").id
        db.session.commit()
        failed = db.session.get(SentMail, row_id)
        assert failed.state == "failed" and "ConnectionRefusedError" in failed.error
    alive = mail_app(SMTP_URL=smtp_server.url)
    with alive.app_context():
        assert send(invitation(db.session.get(Person, person_id)), "retry").id == row_id
        db.session.commit()
        assert db.session.get(SentMail, row_id).state == "sent"
    assert len(smtp_server.mailbox.wait_for(1)) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # loopback only
def test_smtp_with_a_user_and_password_signs_in_to_the_relay(mail_app):
    with SmtpServer(login=("cadence", "s3cret@relay")) as server:
        url = f"smtp://cadence:s3cret%40relay@127.0.0.1:{server.port}"  # the @ in the password percent-encoded
        good_app = mail_app(SMTP_URL=url)
        with good_app.app_context():
            from okr_app.models import Person
            person_id = Builders().person().id
            good = send(invitation(db.session.get(Person, person_id)), "auth-good").id
            db.session.commit()
            assert db.session.get(SentMail, good).state == "sent"
        assert len(server.mailbox.wait_for(1)) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")  # SMTPS: TLS all along
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_relay_over_starttls_or_smtps_gets_the_mail_when_its_authority_is_trusted(mail_app, tmp_path, security):
    """smtp+starttls:// upgrades before AUTH (the server refuses mail on a plain connection) and smtps:// is TLS
    from the first byte; both check the relay's certificate against CADENCE_SMTP_CA_FILE."""
    with SmtpServer(login=("cadence", "relay-pass"), security=security, ca_dir=tmp_path) as server:
        app = mail_app(SMTP_URL=server.url, SMTP_CA_FILE=server.ca_file)
        with app.app_context():
            from okr_app.models import Person
            person = db.session.get(Person, Builders().person(email="ana@example.com").id)
            sent = send(invitation(person), f"tls-{security}").id
            db.session.commit()
            assert (db.session.get(SentMail, sent).state, db.session.get(SentMail, sent).transport) == ("sent", "smtp")
        [(recipients, message)] = server.mailbox.received
        assert recipients == ["ana@example.com"] and "welcome/abc" in message.get_body(("plain",)).get_content()


@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_relay_whose_certificate_is_not_trusted_gets_nothing_and_the_row_says_why(mail_app, security):
    with SmtpServer(security=security) as server:
        app = mail_app(SMTP_URL=server.url)  # no CA file: the test authority is not among the system's
        with app.app_context():
            from okr_app.models import Person
            person = db.session.get(Person, Builders().person().id)
            sent = send(invitation(person), f"untrusted-{security}").id
            db.session.commit()
            row = db.session.get(SentMail, sent)
            assert row.state == "failed" and "CERTIFICATE_VERIFY_FAILED" in row.error
        assert server.mailbox.received == []


def test_a_header_cannot_be_injected_through_a_name(mail_app, smtp_server):
    app = mail_app(SMTP_URL=smtp_server.url)
    with app.app_context():
        person = Builders().person(name="Eve\r\nBcc: victim@example.com")
        send(compose("invitation", person, "Hi\nBcc: x@example.com", "invitation", inviter="A", link="x",
                     valid_for="1 day"), "inject")
        address = person.email
        db.session.commit()
    [message] = smtp_server.mailbox.wait_for(1)
    assert message["Bcc"] is None
    assert smtp_server.mailbox.received[0][0] == [address]


def test_one_click_unsubscribe_stops_that_kind_of_message_for_that_person(mail_app, smtp_server):
    app = mail_app(SMTP_URL=smtp_server.url)
    client = app.test_client()
    with app.app_context():
        person = Builders().person()
        letter = compose("checkin_reminder", person, "Check in", "invitation", unsubscribe=True, inviter="A",
                         link="x", valid_for="1 day")
        header = letter.message["List-Unsubscribe"]
        assert letter.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert header.startswith("<https://okr.example.com/mail/unsubscribe/")
        path = header.strip("<>").removeprefix("https://okr.example.com")
        assert client.get(path).status_code == 200  # a link scanner's GET unsubscribes nobody
        assert send(letter, "2026-W49") is not None
        db.session.commit()
        assert client.post(path).status_code == 200
        assert client.post(path).status_code == 200  # a second click is harmless
        assert send(letter, "2026-W50") is None
        tampered = path[:-3] + ("aaa" if not path.endswith("aaa") else "bbb")
        assert client.post(tampered).status_code == 404
    assert len(smtp_server.mailbox.wait_for(1)) == 1
