"""Reminders, digests and nudges against a real SMTP server (aiosmtpd): who gets them, exactly once (also with
two `cadence` processes at the same moment), what the digest says, and the unsubscribe link."""
from __future__ import annotations

import os
import subprocess
from datetime import date, datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.models import MailOptOut, Notification, SentMail
from tests.builders.processes import CADENCE, ROOT
from tests.builders.smtp import free_port

WEDNESDAY = date(2026, 3, 11)  # in 2026-W11; the last completed week is 2026-W10


@pytest.fixture
def cadence(app, tmp_path, smtp_server):
    """`cadence ...` in-process against the test database, mailing through the test SMTP server."""
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": app.config["SECRET_KEY"],
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_SMTP_URL": smtp_server.url,
           "CADENCE_BASE_URL": "https://okr.example.com"}

    def run(*args: str):
        result = CliRunner().invoke(cli, list(args), env=env)
        db.session.expire_all()
        return result

    run.env = env
    return run


def addressees(server) -> list[str]:
    return sorted(recipient for recipients, _ in server.mailbox.received for recipient in recipients)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


# --- reminders ----------------------------------------------------------------------------------

def test_the_reminder_reaches_exactly_the_people_without_this_weeks_report_who_want_it(
        cadence, build, smtp_server, clock):
    clock.pin(WEDNESDAY)
    done = build.person(email="done@example.com")
    build.weekly(done, week="2026-W11")
    build.weekly(build.person(email="lastweek@example.com"), week="2026-W10")  # last week does not count
    build.person(email="todo@example.com")
    no_thanks = build.person(email="nothanks@example.com")
    db.session.add(MailOptOut(person_id=no_thanks.id, kind="checkin_reminder"))
    gone = build.person(email="gone@example.com")
    gone.active = False
    db.session.commit()

    result = cadence("reminders", "send")

    assert result.exit_code == 0, result.output
    assert "Sent 2 check-in reminder(s) for 2026-W11." in result.output
    assert addressees(smtp_server) == ["lastweek@example.com", "todo@example.com"]
    message = smtp_server.mailbox.messages[0]
    assert message["Subject"] == "Your weekly check-in for 2026-W11"
    assert "https://okr.example.com/check-in" in text_of(message)
    assert 'href="https://okr.example.com/check-in"' in html_of(message)
    assert message["List-Unsubscribe"].startswith("<https://okr.example.com/mail/unsubscribe/")


def test_a_second_reminder_run_in_the_same_week_sends_nothing(cadence, build, smtp_server, clock):
    clock.pin(WEDNESDAY)
    build.person(email="todo@example.com")
    assert "Sent 1 " in cadence("reminders", "send").output
    again = cadence("reminders", "send")
    assert again.exit_code == 0 and "Sent 0 check-in reminder(s) for 2026-W11." in again.output
    assert addressees(smtp_server) == ["todo@example.com"]
    clock.pin(date(2026, 3, 18))  # next week: a new reminder is due
    assert "Sent 1 check-in reminder(s) for 2026-W12." in cadence("reminders", "send").output
    assert len(smtp_server.mailbox.messages) == 2


def test_unsubscribing_from_the_reminder_link_stops_the_next_weeks_reminder(cadence, build, client, smtp_server,
                                                                            clock):
    clock.pin(WEDNESDAY)
    build.person(email="todo@example.com")
    cadence("reminders", "send")
    [message] = smtp_server.mailbox.messages
    link = message["List-Unsubscribe"].strip("<>")
    assert link in text_of(message)  # the plain-text part carries the link too
    assert client.post(link.removeprefix("https://okr.example.com")).status_code == 200
    clock.pin(date(2026, 3, 18))
    assert "Sent 0 " in cadence("reminders", "send").output
    assert len(smtp_server.mailbox.messages) == 1


def test_two_reminder_processes_at_once_send_each_message_once(cadence, build, smtp_server):
    """Two real `cadence reminders send` processes started together: every key is claimed by one of them.
    (The processes read the real clock; whichever week that is, both remind for the same one.)"""
    people = [build.person(email=f"p{n}@example.com") for n in range(6)]
    env = {**os.environ, **cadence.env, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([CADENCE, "reminders", "send"], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    sent = [int(out.split("Sent ")[1].split()[0]) for out, _ in outputs]
    assert sum(sent) == len(people), outputs  # e.g. 6 + 0, or 4 + 2: never more than one each
    assert addressees(smtp_server) == sorted(p.email for p in people)
    rows = db.session.scalars(sa.select(SentMail).where(SentMail.kind == "checkin_reminder")).all()
    assert len(rows) == len(people) and {r.state for r in rows} == {"sent"} and len({r.period_key for r in rows}) == 1


# --- digests ------------------------------------------------------------------------------------------

@pytest.fixture
def org(build, clock):
    """Max manages Ana (checked in last week, one KR behind pace) and Ben (no check-in); Ben manages Cy
    (checked in). Max is two levels above Cy, so Cy is an indirect report of Max."""
    clock.pin(WEDNESDAY)
    cycle = build.cycle(name="2026 Q1", start=date(2026, 1, 5), weeks=12)
    boss = build.person(name="Max Manager", email="max@example.com", role="manager")
    ana = build.person(name="Ana Analyst", email="ana@example.com", manager=boss)
    ben = build.person(name="Ben Builder", email="ben@example.com", manager=boss, role="manager")
    cy = build.person(name="Cy Closer", email="cy@example.com", manager=ben)
    objective = build.objective(cycle, owner=ana, title="Ana's pipeline")
    # Sunday of W10 is 2026-03-08, 62 days into an 83-day span: expected 62/83 ≈ 75%; 10 of 100 is 10%
    build.key_result(objective, title="Qualified leads 100", start=0, target=100, current=10)
    build.key_result(build.objective(cycle, owner=cy), title="Renewals at risk", confidence="at_risk", current=90)
    build.weekly(ana, week="2026-W10", satisfaction=2, progress="Ran the webinar", plans="Call the 12 leads",
                 problems="Legal still blocks the pilot contract")
    build.weekly(cy, week="2026-W10", satisfaction=5, progress="Closed Acme", plans="Close Globex",
                 problems="")
    build.weekly(ana, week="2026-W11")  # this week's report is not last week's
    return {"boss": boss, "ana": ana, "ben": ben, "cy": cy}


def test_the_digest_names_who_did_not_check_in_and_carries_each_reports_ppp(cadence, org, smtp_server):
    result = cadence("digest", "send")
    assert result.exit_code == 0, result.output
    assert "Sent 2 digest(s) for 2026-W10." in result.output  # Max and Ben manage someone
    by_to = {recipients[0]: message for recipients, message in smtp_server.mailbox.received}
    assert set(by_to) == {"max@example.com", "ben@example.com"}
    maxs = by_to["max@example.com"]
    assert maxs["Subject"] == "Your team's week 2026-W10: 2 of 3 checked in"
    text = text_of(maxs)
    missing = text.split("DID NOT CHECK IN (1)")[1].split("==")[0]
    assert "Ben Builder" in missing and "Ana" not in missing
    for phrase in ("Ran the webinar", "Call the 12 leads", "Legal still blocks the pilot contract",
                   "Closed Acme", "Close Globex", "Cy Closer (reports to Ben Builder)"):
        assert phrase in text
    assert "Qualified leads 100: behind pace: 10% against 75% expected" in text
    assert "Renewals at risk: at risk" in text
    assert "mean satisfaction 3.5 / 5" in text  # (2 + 5) / 2
    assert "Legal still blocks the pilot contract" in html_of(maxs)
    bens = text_of(by_to["ben@example.com"])
    assert "Cy Closer" in bens and "Ana Analyst" not in bens  # only the people below Ben


def test_a_second_digest_run_sends_nothing_and_an_opted_out_manager_gets_none(cadence, org, smtp_server):
    db.session.add(MailOptOut(person_id=org["ben"].id, kind="digest"))
    db.session.commit()
    assert "Sent 1 digest(s)" in cadence("digest", "send").output
    assert "Sent 0 digest(s)" in cadence("digest", "send").output
    assert addressees(smtp_server) == ["max@example.com"]


def test_the_account_page_turns_digests_and_reminders_off_and_on(client, auth, build, clock):
    clock.pin(WEDNESDAY)
    me = build.person(email="me@example.com")
    auth.login(me.email)
    assert 'name="digest" checked' in client.get("/account/mail").get_data(as_text=True)
    assert client.post("/account/mail", data={"checkin_reminder": "on"}).status_code == 302
    kinds = set(db.session.scalars(sa.select(MailOptOut.kind).where(MailOptOut.person_id == me.id)))
    assert kinds == {"digest", "notification"}
    client.post("/account/mail", data={"checkin_reminder": "on", "digest": "on", "notification": "on"})
    assert db.session.scalars(sa.select(MailOptOut.kind).where(MailOptOut.person_id == me.id)).all() == []


# --- nudges -------------------------------------------------------------------------------------------

@pytest.fixture
def mailing_app(app, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, BASE_URL="https://okr.example.com")
    return app


def test_a_manager_nudges_someone_who_has_not_checked_in_once_a_day(mailing_app, client, auth, org, smtp_server,
                                                                    clock):
    auth.login("max@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert f'action="/team/nudge/{org["ben"].id}"' in page
    assert f'action="/team/nudge/{org["ana"].id}"' not in page  # Ana checked in this week
    assert client.post(f"/team/nudge/{org['ben'].id}", data={"reports": "direct"}).status_code == 302
    again = client.post(f"/team/nudge/{org['ben'].id}", follow_redirects=True)
    assert "already nudged today" in again.get_data(as_text=True)
    [message] = smtp_server.mailbox.wait_for(1)
    assert message["To"] == "Ben Builder <ben@example.com>"
    assert "Max Manager is looking forward to your weekly check-in for 2026-W11" in text_of(message)
    notes = db.session.scalars(sa.select(Notification).where(Notification.person_id == org["ben"].id)).all()
    assert [(n.text, n.link) for n in notes] == [("Max Manager nudged you to check in for 2026-W11.", "/check-in")]
    clock.pin(date(2026, 3, 12))  # the next day, one more nudge is allowed
    auth.login("max@example.com")  # a day later the idle session has ended
    assert client.post(f"/team/nudge/{org['ben'].id}").status_code == 302
    assert len(smtp_server.mailbox.wait_for(2)) == 2


def test_nobody_nudges_a_peer_or_someone_above_them(mailing_app, client, auth, org, smtp_server):
    auth.login("ana@example.com")
    assert client.post(f"/team/nudge/{org['ben'].id}").status_code == 403
    assert client.post(f"/team/nudge/{org['boss'].id}").status_code == 403
    assert smtp_server.mailbox.messages == []


# --- the schedule ------------------------------------------------------------------------------------

def test_cadence_schedule_once_sends_what_is_due_and_nothing_before(cadence, build, smtp_server, clock):
    build.person(email="todo@example.com")
    cadence.env.update(CADENCE_REMINDERS_AT="friday 10", CADENCE_DIGEST_AT="monday 8")
    clock.pin(datetime(2026, 3, 12, 18, 0))  # Thursday: reminders are not due yet; no manager, no digest
    assert "Nothing was due." in cadence("schedule", "--once").output
    clock.pin(datetime(2026, 3, 13, 10, 5))  # Friday 10:05
    assert "Sent 1 check-in reminder(s) for 2026-W11." in cadence("schedule", "--once").output
    assert "Nothing was due." in cadence("schedule", "--once").output  # already sent this week
    assert addressees(smtp_server) == ["todo@example.com"]


def test_cadence_serve_sends_due_reminders_by_itself(cadence, build, smtp_server, tmp_path):
    """A real `cadence serve` (gunicorn): its schedule process sends the reminder without any cron."""
    build.person(email="todo@example.com")
    port = free_port()
    env = {**os.environ, **cadence.env, "PYTHONPATH": str(ROOT), "CADENCE_REMINDERS_AT": "monday 0"}  # always due
    server = subprocess.Popen([CADENCE, "serve", "--port", str(port), "--workers", "1"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        messages = smtp_server.mailbox.wait_for(1, timeout=60)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert [m["To"].addresses[0].addr_spec for m in messages] == ["todo@example.com"], output
    assert "Weekly messages: reminders Monday 00:00" in output
