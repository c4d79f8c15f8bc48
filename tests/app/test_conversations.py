"""Threads on weekly reports and key results, @mentions, and the in-app notifications list with its
unread count in the navigation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import KeyResultComment, Notification
from okr_app.ritual.threads import mentioned_people


@pytest.fixture
def org(build):
    cycle = build.cycle(name="Q1")
    boss = build.person(name="Bo Boss", email="bo@example.com", role="manager")
    ana = build.person(name="Ana Author", email="ana@example.com", manager=boss)
    eve = build.person(name="Eve Example", email="eve@example.com")
    evelyn = build.person(name="Eve Examplesson", email="evelyn@example.com")
    kr = build.key_result(build.objective(cycle, owner=ana, title="Ana's plan"), title="Ten pilots")
    private_kr = build.key_result(build.objective(cycle, owner=ana, private=True), title="Secret")
    report = build.weekly(ana, problems="Legal blocks the pilot contract")
    return {"boss": boss, "ana": ana, "eve": eve, "evelyn": evelyn, "kr": kr, "private_kr": private_kr,
            "report": report}


def notes_of(person) -> list[str]:
    return [n.text for n in db.session.scalars(
        sa.select(Notification).where(Notification.person_id == person.id).order_by(Notification.id))]


def test_a_mention_finds_the_longest_full_name_case_insensitively(org):
    assert [p.name for p in mentioned_people("thanks @eve example!")] == ["Eve Example"]
    assert [p.name for p in mentioned_people("cc @Eve Examplesson, please")] == ["Eve Examplesson"]
    assert mentioned_people("mail eve@example.com or @Nobody Here") == []


def test_the_manager_replies_the_author_hears_of_it_and_answers_back(client, auth, org):
    url = f"/team/reports/{org['report'].id}"
    auth.sign_in("bo@example.com")
    assert client.post(url, data={"body": "I will call legal."}).status_code == 302
    assert notes_of(org["ana"]) == [f"Bo Boss replied on your report for {org['report'].iso_week}: "
                                    "“I will call legal.”"]
    auth.sign_in("ana@example.com")
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="1 unread"' in home  # the count beside Notifications in the navigation
    listing = client.get("/notifications/").get_data(as_text=True)
    assert "Bo Boss replied on your report" in listing and f'href="/team/reports/{org["report"].id}#thread"' in listing
    assert client.post(url, data={"body": "Thanks, they answered."}).status_code == 302
    assert notes_of(org["boss"])[-1].startswith("Ana Author replied on Ana Author's report")  # in the thread before
    assert 'aria-label="1 unread"' not in client.get("/").get_data(as_text=True)  # opening the list read it


def test_a_mention_in_a_report_thread_never_reaches_someone_who_may_not_read_the_report(client, auth, org):
    auth.sign_in("bo@example.com")
    client.post(f"/team/reports/{org['report'].id}", data={"body": "@Eve Example do you know legal?"})
    assert notes_of(org["eve"]) == []  # Eve is no manager of Ana's: she cannot open the thread


def test_anyone_who_sees_the_objective_writes_in_a_key_results_thread_and_mentions_notify(client, auth, org):
    auth.sign_in("eve@example.com")
    response = client.post(f"/okrs/key-results/{org['kr'].id}/thread",
                           data={"body": "Which pilots? @Eve Examplesson knows Acme."})
    assert response.status_code == 302 and response.headers["Location"].endswith("#thread")
    assert notes_of(org["ana"]) == ["Eve Example replied on your key result “Ten pilots”: "
                                    "“Which pilots? @Eve Examplesson knows Acme.”"]
    assert [text.split(" the key result")[0] for text in notes_of(org["evelyn"])] == ["Eve Example mentioned you on"]
    assert notes_of(org["eve"]) == []  # never the writer
    page = client.get(f"/okrs/key-results/{org['kr'].id}").get_data(as_text=True)
    assert "Which pilots?" in page and 'id="thread"' in page


def test_a_private_key_results_thread_is_closed_to_those_who_cannot_see_it(client, auth, org):
    auth.sign_in("eve@example.com")
    assert client.post(f"/okrs/key-results/{org['private_kr'].id}/thread", data={"body": "Hi"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(KeyResultComment.id))) == 0


def test_an_empty_message_is_refused_and_nothing_is_saved(client, auth, org):
    auth.sign_in("eve@example.com")
    page = client.post(f"/okrs/key-results/{org['kr'].id}/thread", data={"body": "   "}, follow_redirects=True)
    assert "A message needs some text." in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(KeyResultComment.id))) == 0
    assert notes_of(org["ana"]) == []


def test_replies_are_mailed_to_those_who_want_it(app, client, auth, org, smtp_server):
    app.config.update(SMTP_URL=smtp_server.url, BASE_URL="https://okr.example.com")
    auth.sign_in("bo@example.com")
    client.post(f"/team/reports/{org['report'].id}", data={"body": "Call me."})
    [message] = smtp_server.mailbox.wait_for(1)
    assert message["To"] == "Ana Author <ana@example.com>"
    assert f"https://okr.example.com/team/reports/{org['report'].id}#thread" in \
        message.get_body(("plain",)).get_content()
