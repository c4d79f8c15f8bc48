"""The team page: who has checked in this ISO week, each member's latest report (text only for those
allowed to read it), their objectives and at-risk key results, and managers' replies."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import ReportReply
from okr_app.timeutil import iso_week_of, today

WEEK = iso_week_of(today())
LAST_WEEK = iso_week_of(today() - timedelta(days=7))


@pytest.fixture
def team(build):
    """Sales: a manager and three reps: Ana checked in this week, Ben only last week, Cy never."""
    sales = build.team("Sales")
    boss = build.person(role="manager", team=sales, name="Bo Boss", email="boss@example.com")
    ana = build.person(manager=boss, team=sales, name="Ana Alvarez", email="ana@example.com")
    ben = build.person(manager=boss, team=sales, name="Ben Brown", email="ben@example.com")
    cy = build.person(manager=boss, team=sales, name="Cy Chen", email="cy@example.com")
    build.weekly(boss, week=WEEK)
    report = build.weekly(ana, week=WEEK, problems="Legal reviews take two weeks", satisfaction=2)
    build.weekly(ben, week=LAST_WEEK, problems="Ben's old problem")
    return {"team": sales, "boss": boss, "ana": ana, "ben": ben, "cy": cy, "report": report}


def member_block(page: str, person) -> str:
    return page.split(f'id="member-{person.id}"')[1].split("</article>")[0]


def test_the_page_flags_who_has_not_checked_in_this_iso_week(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "2 of 4</strong> checked in this week" in page
    missing = page.split("Not checked in for")[1].split("</div>")[0]
    assert "Ben Brown" in missing and "Cy Chen" in missing and "Ana Alvarez" not in missing
    assert "not checked in this week" in member_block(page, team["ben"])
    assert "not checked in this week" not in member_block(page, team["ana"])
    assert f"Last report: {LAST_WEEK}" not in member_block(page, team["ben"])  # the boss reads it in full
    assert "Ben&#39;s old problem" in member_block(page, team["ben"])
    assert "No weekly report yet" in member_block(page, team["cy"])


def test_the_manager_reads_the_reports_and_a_peer_only_sees_who_checked_in(client, auth, team):
    auth.login("boss@example.com")
    assert "Legal reviews take two weeks" in client.get("/team").get_data(as_text=True)
    auth.logout()
    auth.login("ben@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "Legal reviews take two weeks" not in page
    assert "2/5" not in member_block(page, team["ana"])  # satisfaction is private too
    assert "checked in" in member_block(page, team["ana"])
    assert f"Last report: {WEEK} (only their managers and leaders read it)" in member_block(page, team["ana"])


def test_a_leader_reads_every_teams_reports(client, build, auth, team):
    build.person(role="leader", email="vp@example.com")
    auth.login("vp@example.com")
    page = client.get(f"/team?team={team['team'].id}").get_data(as_text=True)
    assert "Legal reviews take two weeks" in page


def test_the_page_defaults_to_my_team_and_the_selector_shows_another(client, build, auth, team):
    marketing = build.team("Marketing")
    build.person(team=marketing, name="Mo Marketer")
    auth.login("ana@example.com")
    assert "Ana Alvarez" in client.get("/team").get_data(as_text=True)
    other = client.get(f"/team?team={marketing.id}").get_data(as_text=True)
    assert "Mo Marketer" in other and "Ana Alvarez" not in other
    assert f'<option value="{marketing.id}" selected>Marketing</option>' in other


def test_an_unknown_team_is_not_found_and_someone_without_a_team_is_asked_to_pick(client, build, auth, team):
    build.person(email="solo@example.com")
    auth.login("solo@example.com")
    assert "You are not on a team" in client.get("/team").get_data(as_text=True)
    assert client.get("/team?team=999").status_code == 404


def test_members_objective_progress_and_at_risk_key_results_are_shown(client, build, auth, team):
    cycle = build.cycle()
    objective = build.objective(cycle, owner=team["ana"], title="Win the Nordics")
    build.key_result(objective, start=0, target=10, current=5, title="Close ten deals")  # 5 / 10 = 50%
    build.key_result(objective, start=0, target=4, current=0, title="Hire two reps", confidence="off_track")
    auth.login("boss@example.com")
    block = member_block(client.get("/team").get_data(as_text=True), team["ana"])
    assert "Win the Nordics" in block
    assert 'title="25%"' in block  # (0.5 + 0) / 2 = 0.25
    assert "Hire two reps" in block and "conf-off_track" in block
    assert "Close ten deals" not in block  # on track: not listed among the risks


def test_a_private_objective_of_a_member_is_hidden_from_a_peer(client, build, auth, team):
    cycle = build.cycle()
    build.objective(cycle, owner=team["ana"], title="Secret comp plan", private=True)
    auth.login("ben@example.com")
    assert "Secret comp plan" not in client.get("/team").get_data(as_text=True)
    auth.logout()
    auth.login("boss@example.com")
    assert "Secret comp plan" in client.get("/team").get_data(as_text=True)


def test_the_manager_replies_to_a_problem_and_the_reply_shows_under_the_report(client, auth, team):
    auth.login("boss@example.com")
    response = client.post(f"/team/reports/{team['report'].id}",
                           data={"body": "I will chase legal today.", "team": team["team"].id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/team?team={team['team'].id}#member-{team['ana'].id}")
    block = member_block(client.get("/team").get_data(as_text=True), team["ana"])
    assert "I will chase legal today." in block and "Bo Boss" in block


def test_only_someone_above_the_author_may_reply(client, auth, team):
    url = f"/team/reports/{team['report'].id}"
    auth.login("ana@example.com")
    assert "Reply to" not in client.get(url).get_data(as_text=True)  # no form on my own report
    assert client.post(url, data={"body": "Talking to myself"}).status_code == 403
    auth.logout()
    auth.login("ben@example.com")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"body": "Peer advice"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count(ReportReply.id))) == 0


def test_an_empty_reply_re_renders_the_report_with_the_message(client, auth, team):
    auth.login("boss@example.com")
    response = client.post(f"/team/reports/{team['report'].id}", data={"body": "  "})
    assert response.status_code == 422 and "A reply needs some text." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(ReportReply.id))) == 0


def test_one_report_shows_its_text_and_replies_to_its_readers(client, build, auth, team):
    db.session.add(ReportReply(report_id=team["report"].id, author_id=team["boss"].id, body="On it."))
    db.session.commit()
    auth.login("boss@example.com")
    page = client.get(f"/team/reports/{team['report'].id}").get_data(as_text=True)
    assert "<h1>Ana Alvarez's report</h1>" in page and "Legal reviews take two weeks" in page and "On it." in page
    assert client.get("/team/reports/9999").status_code == 404
