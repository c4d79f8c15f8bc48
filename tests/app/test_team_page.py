"""The team page: who has checked in this ISO week, each member's latest report (text only for those
allowed to read it), their objectives and at-risk key results, and managers' replies. A manager lands
on their own reports; anyone else on their team; the selector shows any team or pod."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import ReportReply
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of
from tests.builders.queries import counting_queries

pytestmark = pytest.mark.usefixtures("time_stands_still")


def this_week() -> str:
    return iso_week_of(today())


def last_week() -> str:
    return iso_week_of(today() - timedelta(days=7))


@pytest.fixture
def team(build):
    """Sales: a manager and three reps: Ana checked in this week, Ben only last week, Cy never."""
    sales = build.team("Sales")
    boss = build.person(role="manager", team=sales, name="Bo Boss", email="boss@example.com")
    ana = build.person(manager=boss, team=sales, name="Ana Alvarez", email="ana@example.com")
    ben = build.person(manager=boss, team=sales, name="Ben Brown", email="ben@example.com")
    cy = build.person(manager=boss, team=sales, name="Cy Chen", email="cy@example.com")
    build.weekly(boss, week=this_week())
    report = build.weekly(ana, week=this_week(), problems="Legal reviews take two weeks", satisfaction=2)
    build.weekly(ben, week=last_week(), problems="Ben's old problem")
    return {"team": sales, "boss": boss, "ana": ana, "ben": ben, "cy": cy, "report": report}


def member_block(page: str, person) -> str:
    return page.split(f'id="member-{person.id}"')[1].split("</article>")[0]


def test_the_page_flags_who_has_not_checked_in_this_iso_week(client, auth, team):
    auth.login("boss@example.com")
    page = client.get(f"/team?team={team['team'].id}").get_data(as_text=True)
    assert "2 of 4</strong> checked in this week" in page
    missing = page.split("Not checked in for")[1].split("</div>")[0]
    assert "Ben Brown" in missing and "Cy Chen" in missing and "Ana Alvarez" not in missing
    assert "not checked in this week" in member_block(page, team["ben"])
    assert "not checked in this week" not in member_block(page, team["ana"])
    assert f"Last report: {last_week()}" not in member_block(page, team["ben"])  # the boss reads it in full
    assert "Ben&#39;s old problem" in member_block(page, team["ben"])
    assert "No weekly report yet" in member_block(page, team["cy"])


def test_a_manager_lands_on_their_direct_reports_not_on_the_whole_team(client, build, auth, team):
    peer = build.person(team=team["team"], name="Pat Peer")  # on Sales, reporting to nobody here
    auth.login("boss@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "<h1>My reports</h1>" in page and "3 people reporting to you directly" in page
    assert "1 of 3</strong> checked in this week" in page  # Ana of Ana, Ben and Cy
    assert f'id="member-{peer.id}"' not in page and f'id="member-{team["boss"].id}"' not in page
    assert "employee · Sales" in member_block(page, team["ana"])  # the team each report is on
    assert "Legal reviews take two weeks" in page  # every card is readable: they all report to the boss
    assert "A weekly report itself is read by" not in page


def test_including_indirect_reports_shows_everyone_below_with_their_manager(client, build, auth, team):
    vp = build.person(role="leader", name="Vi President", email="vp@example.com")
    team["boss"].manager_id = vp.id
    db.session.commit()
    auth.login("vp@example.com")
    direct = client.get("/team").get_data(as_text=True)
    assert "<h1>My reports</h1>" in direct and f'id="member-{team["boss"].id}"' in direct
    assert f'id="member-{team["ana"].id}"' not in direct
    assert "My direct reports <small>(1)</small>" in direct
    assert 'href="/team?reports=all">Including indirect reports <small>(4)</small>' in direct
    everyone = client.get("/team?reports=all").get_data(as_text=True)
    assert "<h1>Everyone below me</h1>" in everyone and "4 people below you" in everyone
    assert "Sales · reports to Bo Boss" in member_block(everyone, team["ana"])
    assert "reports to" not in member_block(everyone, team["boss"])  # reports to me: said by the page
    assert 'aria-current="page">Including indirect reports' in everyone


def test_the_indirect_option_is_offered_only_to_someone_with_indirect_reports(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "My direct reports" in page and "Including indirect reports" not in page


def test_the_manager_reads_the_reports_and_a_peer_only_sees_who_checked_in(client, auth, team):
    auth.login("boss@example.com")
    assert "Legal reviews take two weeks" in client.get("/team").get_data(as_text=True)
    auth.logout()
    auth.login("ben@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "Legal reviews take two weeks" not in page
    assert "2/5" not in member_block(page, team["ana"])  # satisfaction is private too
    assert "checked in" in member_block(page, team["ana"])
    assert "Last report" not in member_block(page, team["ana"])  # the badge says it: this week
    assert page.count("A weekly report itself is read by") == 1  # said once, not on every card
    assert "My direct reports" not in page  # Ben has no reports


def test_a_leader_reads_every_teams_reports(client, build, auth, team):
    build.person(role="leader", email="vp@example.com")
    auth.login("vp@example.com")
    page = client.get(f"/team?team={team['team'].id}").get_data(as_text=True)
    assert "Legal reviews take two weeks" in page


def test_the_page_defaults_to_my_team_and_the_selector_shows_another(client, build, auth, team):
    marketing = build.team("Marketing")
    build.person(team=marketing, name="Mo Marketer")
    auth.login("ana@example.com")
    mine = client.get("/team").get_data(as_text=True)
    assert "<h1>Sales</h1>" in mine and "Ana Alvarez" in mine and "Team of 4 people" in mine
    other = client.get(f"/team?team={marketing.id}").get_data(as_text=True)
    assert "Mo Marketer" in other and "Ana Alvarez" not in other
    assert f'<option value="{marketing.id}" selected>Marketing</option>' in other


def test_the_selector_lists_teams_and_pods_apart_and_a_pod_says_so(client, build, auth, team):
    pod = build.team("Mid-market Pod", kind="pod")
    auth.login("boss@example.com")
    page = client.get(f"/team?team={pod.id}").get_data(as_text=True)
    teams = page.split('<optgroup label="Teams">')[1].split("</optgroup>")[0]
    pods = page.split('<optgroup label="Pods">')[1].split("</optgroup>")[0]
    assert "Sales" in teams and "Mid-market Pod" not in teams and "Mid-market Pod" in pods
    assert "Nobody is on this pod yet." in page
    mine = client.get("/team").get_data(as_text=True)  # on "My reports", no team is preselected
    assert '<option value="" selected>Pick a team or pod…</option>' in mine


def test_an_unknown_team_is_not_found_and_someone_without_a_team_is_asked_to_pick(client, build, auth, team):
    build.person(email="solo@example.com")
    auth.login("solo@example.com")
    assert "You are not on a team and nobody reports to you" in client.get("/team").get_data(as_text=True)
    assert client.get("/team?team=999").status_code == 404
    assert "Nobody reports to you in the org chart." in client.get("/team?reports=direct").get_data(as_text=True)


def test_members_objective_progress_and_at_risk_key_results_are_shown(client, build, auth, team):
    cycle = build.cycle()
    objective = build.objective(cycle, owner=team["ana"], title="Win the Nordics")
    build.key_result(objective, start=0, target=10, current=5, title="Close ten deals")  # 5 / 10 = 50%
    build.key_result(objective, start=0, target=4, current=0, title="Hire two reps", confidence="off_track")
    auth.login("boss@example.com")
    block = member_block(client.get("/team").get_data(as_text=True), team["ana"])
    assert "Win the Nordics" in block
    # (0.5 + 0) / 2 = 0.25: named for screen readers, and the exact value for tests
    assert 'data-progress="0.2500" aria-label="Win the Nordics: 25%"' in block
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


def test_a_peer_is_never_told_that_someone_with_a_hidden_objective_has_none(client, build, auth, team):
    """Ana's only objective is private; Cy has none. A peer may not know which is which, so both read
    'none you can see'; their manager sees Ana's and reads a plain 'none' for Cy."""
    cycle = build.cycle()
    build.objective(cycle, owner=team["ana"], title="Secret comp plan", private=True)
    auth.login("ben@example.com")
    page = client.get("/team").get_data(as_text=True)
    for person in (team["ana"], team["cy"]):
        assert "No personal objective you can see in this cycle." in member_block(page, person)
    assert "No personal objective in this cycle." in member_block(page, team["ben"])  # his own: he knows
    auth.logout()
    auth.login("boss@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert "Secret comp plan" in member_block(page, team["ana"])
    assert "No personal objective in this cycle." in member_block(page, team["cy"])
    assert "you can see" not in page


def test_a_report_on_the_page_opens_with_a_link_that_says_what_it_does(client, auth, team):
    auth.login("boss@example.com")
    block = member_block(client.get("/team").get_data(as_text=True), team["ana"])
    assert f'<a href="/team/reports/{team["report"].id}">Open report</a>' in block


def test_a_reply_posted_from_my_reports_leads_back_to_my_reports(client, auth, team):
    auth.login("boss@example.com")
    page = client.get("/team").get_data(as_text=True)
    assert '<input type="hidden" name="reports" value="direct">' in member_block(page, team["ana"])
    response = client.post(f"/team/reports/{team['report'].id}", data={"body": "On it.", "reports": "direct"})
    assert response.headers["Location"].endswith(f"/team?reports=direct#member-{team['ana'].id}")



def grow(build, manager, team, reports: int, each: int, cycle):
    """`reports` direct reports under `manager`, each managing `each` people; everyone has an
    objective with a key result and this week's report."""
    for _ in range(reports):
        lead = build.person(role="manager", manager=manager, team=team)
        for person in [lead] + [build.person(manager=lead, team=team) for _ in range(each)]:
            build.key_result(build.objective(cycle, owner=person), current=10)
            build.weekly(person)


@pytest.mark.parametrize("url", ["/team", "/team?reports=all"])
def test_my_reports_views_issue_the_same_number_of_queries_for_a_small_and_a_larger_org(client, build, auth,
                                                                                          team, url):
    cycle = build.cycle()
    auth.login("boss@example.com")
    counts = []
    for reports, each in ((1, 1), (4, 5)):
        grow(build, team["boss"], team["team"], reports, each, cycle)
        db.session.expire_all()
        with counting_queries(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(statements))
    # 15 before issue 10, + the unread count in the navigation, + who is below me (the nudge buttons)
    assert counts[0] == counts[1] <= 17, counts


def test_the_manager_replies_to_a_problem_and_the_reply_shows_under_the_report(client, auth, team):
    auth.login("boss@example.com")
    response = client.post(f"/team/reports/{team['report'].id}",
                           data={"body": "I will chase legal today.", "team": team["team"].id})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/team?team={team['team'].id}#member-{team['ana'].id}")
    block = member_block(client.get("/team").get_data(as_text=True), team["ana"])
    assert "I will chase legal today." in block and "Bo Boss" in block


def test_the_author_answers_in_their_own_thread_and_a_peer_may_not_read_it(client, auth, team):
    """Issue 10: a report's thread is for its author too (they answer their manager); peers see nothing."""
    url = f"/team/reports/{team['report'].id}"
    auth.login("ana@example.com")
    assert "Write in this thread" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"body": "Legal replied: Friday."}).status_code == 302
    auth.logout()
    auth.login("ben@example.com")
    assert client.get(url).status_code == 404
    assert client.post(url, data={"body": "Peer advice"}).status_code == 404
    assert db.session.scalars(sa.select(ReportReply.body)).all() == ["Legal replied: Friday."]


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
