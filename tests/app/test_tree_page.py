"""The cascade page (/tree) and the home page (/): nesting, filters, private objectives, expand and
collapse without JavaScript, the counts on top, and who has not checked in this week."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from okr_app.extensions import db
from okr_app.clock import today, utcnow
from okr_app.domain.weeks import iso_week_of

pytestmark = pytest.mark.usefixtures("time_stands_still")


def this_week() -> str:
    return iso_week_of(today())


@pytest.fixture
def org(build):
    """Company → Sales team objective → two reps' objectives, plus a Marketing rep on her own."""
    sales, marketing = build.team("Sales"), build.team("Marketing")
    ceo = build.person(role="leader", name="Cleo Ceo", email="ceo@example.com")
    boss = build.person(role="manager", manager=ceo, team=sales, name="Bo Boss", email="boss@example.com")
    ana = build.person(manager=boss, team=sales, name="Ana Alvarez", email="ana@example.com")
    ben = build.person(manager=boss, team=sales, name="Ben Brown", email="ben@example.com")
    mia = build.person(manager=ceo, team=marketing, name="Mia Marketing", email="mia@example.com")
    cycle = build.cycle(name="FY Q3")
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    company_kr = build.key_result(company, kind="rollup", title="Teams deliver")
    team_obj = build.objective(cycle, team=sales, title="Sales wins the Nordics", aligned_to=company_kr)
    team_kr = build.key_result(team_obj, kind="rollup", title="Reps deliver")
    ana_obj = build.objective(cycle, owner=ana, title="Ana closes Acme", aligned_to=team_kr)
    build.key_result(ana_obj, start=0, target=10, current=8, title="Close ten deals", unit="deals")
    ben_obj = build.objective(cycle, owner=ben, title="Ben opens Oslo", aligned_to=team_kr)
    ben_kr = build.key_result(ben_obj, start=0, target=4, current=0, title="Hire four reps", confidence="at_risk")
    mia_obj = build.objective(cycle, owner=mia, title="Mia fills the funnel")
    build.key_result(mia_obj, start=100, target=200, current=150, title="Grow leads")
    build.weekly(ana)
    return {"cycle": cycle, "sales": sales, "marketing": marketing, "ceo": ceo, "boss": boss, "ana": ana,
            "ben": ben, "mia": mia, "company": company, "team_obj": team_obj, "ana_obj": ana_obj,
            "ben_obj": ben_obj, "mia_obj": mia_obj, "ben_kr": ben_kr}


def shown_objectives(page: str) -> list[int]:
    return [int(chunk.split('"')[0]) for chunk in page.split('id="objective-')[1:]]


def test_the_tree_nests_each_aligned_objective_under_the_key_result_it_aligns_to(client, auth, org):
    auth.login("ana@example.com")
    page = client.get("/tree").get_data(as_text=True)
    company_kr_block = page.split('class="kr" id="kr-')[1]
    assert "Teams deliver" in company_kr_block.split("</div>")[0]
    assert f'id="objective-{org["team_obj"].id}"' in company_kr_block
    ids = shown_objectives(page)
    assert ids.index(org["company"].id) < ids.index(org["team_obj"].id) < ids.index(org["ana_obj"].id)
    assert "8 deals / 10 deals" in page and "Hire four reps" in page
    assert "pace-" in page and "conf-at_risk" in page


def test_the_top_shows_the_overall_progress_and_the_counts(client, auth, org):
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert '<strong class="count-objectives">5</strong>' in page
    assert '<strong class="count-at-risk">1</strong>' in page  # Ben's key result is at risk
    # Ana 0.8, Ben 0 → Sales rollup 0.4 → company 0.4; Mia (150 - 100) / (200 - 100) = 0.5;
    # the headline is the company objectives' mean (0.4); Mia's unaligned 0.5 does not dilute it
    summary = page.split('class="tree-summary')[1].split("</section>")[0]
    assert 'title="40%"' in summary


def test_the_team_filter_keeps_the_teams_objectives_and_their_ancestors(client, auth, org):
    auth.login("ceo@example.com")
    ids = shown_objectives(client.get(f"/tree?team={org['marketing'].id}").get_data(as_text=True))
    assert ids == [org["mia_obj"].id]
    ids = shown_objectives(client.get(f"/tree?team={org['sales'].id}").get_data(as_text=True))
    assert org["mia_obj"].id not in ids
    assert {org["company"].id, org["team_obj"].id, org["ana_obj"].id, org["ben_obj"].id} == set(ids)


def test_the_at_risk_filter_shows_only_risky_objectives_with_their_ancestors(client, auth, org):
    auth.login("ceo@example.com")
    ids = shown_objectives(client.get("/tree?status=at_risk").get_data(as_text=True))
    assert ids == [org["company"].id, org["team_obj"].id, org["ben_obj"].id]


def test_the_stale_filter_finds_objectives_without_a_check_in_for_two_weeks(client, auth, org):
    kr = db.session.get(type(org["ben_kr"]), org["ben_kr"].id)
    kr.last_checkin_at = utcnow() - timedelta(days=20)
    for other in (org["ana_obj"], org["mia_obj"]):
        for k in db.session.get(type(other), other.id).key_results:
            k.last_checkin_at = utcnow() - timedelta(days=20)
    db.session.commit()
    auth.login("ceo@example.com")
    ids = shown_objectives(client.get("/tree?status=stale").get_data(as_text=True))
    # Ben and Mia went 20 days without a check-in; Ana wrote this week's report, which counts.
    assert org["ben_obj"].id in ids and org["mia_obj"].id in ids
    assert org["ana_obj"].id not in ids


def test_the_behind_filter_and_an_unknown_status(client, auth, org):
    auth.login("ceo@example.com")
    behind = shown_objectives(client.get("/tree?status=behind").get_data(as_text=True))
    assert org["ben_obj"].id in behind  # 0 of 4 three weeks into twelve is behind the line
    everything = shown_objectives(client.get("/tree?status=bogus").get_data(as_text=True))
    assert len(everything) == 5


def test_a_private_objective_is_shown_to_the_owners_manager_but_not_to_a_peer(client, build, auth, org):
    secret = build.objective(org["cycle"], owner=org["ana"], title="Ana's stretch bonus goal", private=True)
    auth.login("ben@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert "stretch bonus goal" not in page and f'id="objective-{secret.id}"' not in page
    auth.logout()
    auth.login("boss@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert f'id="objective-{secret.id}"' in page and 'badge private' in page


def test_collapse_all_renders_every_branch_closed_and_expand_all_opens_them(client, auth, org):
    auth.login("ana@example.com")
    opened = client.get(f"/tree?team={org['sales'].id}").get_data(as_text=True)
    nodes = [chunk.split(">")[0] for chunk in opened.split('<details class="node')[1:]]
    assert nodes and all(node.endswith(" open") for node in nodes)
    assert f'href="/tree?collapsed=1&amp;cycle={org["cycle"].id}&amp;team={org["sales"].id}"' in opened
    closed = client.get(f"/tree?collapsed=1&team={org['sales'].id}").get_data(as_text=True)
    nodes = [chunk.split(">")[0] for chunk in closed.split('<details class="node')[1:]]
    assert nodes and not any(node.endswith(" open") for node in nodes)
    assert f'href="/tree?cycle={org["cycle"].id}&amp;team={org["sales"].id}" id="expand-all"' in closed


def test_the_page_lists_who_has_not_checked_in_this_week(client, auth, org):
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    missing = page.split('class="not-checked-in"')[1]
    assert f"not checked in for {this_week()}" in missing
    assert "Ben Brown" in missing and "Mia Marketing" in missing and "Ana Alvarez" not in missing
    team_only = client.get(f"/tree?team={org['marketing'].id}").get_data(as_text=True)
    assert "Ben Brown" not in team_only.split('class="not-checked-in"')[1]


def test_the_cycle_selector_shows_another_cycle_and_an_unknown_cycle_is_not_found(client, build, auth, org):
    old = build.cycle(name="FY Q2", start=org["cycle"].start - timedelta(weeks=12), state="closed")
    build.objective(old, company=True, title="Last quarter's bet")
    auth.login("ana@example.com")
    page = client.get(f"/tree?cycle={old.id}").get_data(as_text=True)
    assert "Last quarter&#39;s bet" in page and "Grow revenue that lasts" not in page
    assert f'<option value="{old.id}" selected>FY Q2 (closed)</option>' in page
    assert client.get("/tree?cycle=999").status_code == 404


def test_with_no_cycle_the_tree_page_says_so(client, build, auth):
    build.person(email="first@example.com")
    auth.login("first@example.com")
    assert "There is no cycle yet" in client.get("/tree").get_data(as_text=True)


# --- the home page -----------------------------------------------------------------------------

def test_home_shows_my_objective_with_each_key_results_pace_and_my_check_in_status(client, auth, org):
    auth.login("ben@example.com")
    page = client.get("/").get_data(as_text=True)
    assert "Ben opens Oslo" in page and "Hire four reps" in page and "pace-behind" in page
    assert "You have not checked in for" in page and 'href="/check-in" role="button"' in page
    assert "1 of 3</strong> checked in" in page  # Sales: Bo, Ana and Ben; only Ana reported


def test_home_tells_me_when_i_have_checked_in(client, auth, org):
    auth.login("ana@example.com")
    assert f"You have checked in for {this_week()}" in client.get("/").get_data(as_text=True)


def test_home_lists_a_managers_reports_who_are_behind(client, build, auth, org):
    build.person(manager=org["boss"], name="Noa New")  # no objective yet
    auth.login("boss@example.com")
    behind = client.get("/").get_data(as_text=True).split("People below you who are behind")[1]
    assert "Ben Brown" in behind and "1 at risk" in behind
    assert "Noa New" in behind and "no objective in FY Q3 yet" in behind
    assert "Ana Alvarez" not in behind  # 8 of 10 is ahead of the line and she checked in


def test_home_does_not_show_the_behind_list_to_someone_without_reports(client, auth, org):
    auth.login("ana@example.com")
    assert "People below you who are behind" not in client.get("/").get_data(as_text=True)


def test_home_shows_the_company_objectives_my_work_rolls_up_to(client, auth, org):
    auth.login("mia@example.com")
    company = client.get("/").get_data(as_text=True).split("Company objectives")[1].split("</section>")[0]
    assert "Grow revenue that lasts" in company and 'title="40%"' in company  # Sales rollup (0.8 + 0) / 2


def test_a_roll_up_key_result_shows_its_pace_but_no_confidence_nobody_set(client, auth, org):
    """A roll-up's confidence is the default 'on track' nobody chose: beside a 'behind' it would
    contradict the figures, so the line shows the pace alone; a key result its owner updates keeps both."""
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    rollup_line = page.split("Teams deliver</a>")[1].split("</div>")[0]
    assert "pace-" in rollup_line and "conf-" not in rollup_line
    hire_line = page.split("Hire four reps</a>")[1].split("</div>")[0]
    assert "conf-at_risk" in hire_line and "pace-" in hire_line


def test_every_progress_bar_is_named_for_screen_readers_and_carries_its_value(client, auth, org):
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert 'data-progress="0.8000" aria-label="Ana closes Acme: 80%"' in page  # 8 of 10 deals
    assert 'data-progress="0.8000" aria-label="Close ten deals: 80%"' in page
    assert 'aria-label="Company progress: 40%"' in page  # (0.8 + 0) / 2, see the counts test
    bars = re.findall(r"<progress[^>]*>", page)
    assert len(bars) > 10 and all("aria-label=" in bar and "data-progress=" in bar for bar in bars)
    home = client.get("/").get_data(as_text=True)
    assert 'aria-label="Grow revenue that lasts: 40%"' in home


def test_home_shows_no_confidence_for_a_roll_up_key_result_of_mine(client, build, auth, org):
    build.key_result(org["ana_obj"], kind="rollup", title="My mentees deliver")
    auth.login("ana@example.com")
    page = client.get("/").get_data(as_text=True)
    row = page.split("My mentees deliver</a>")[1].split("</tr>")[0]
    assert "conf-" not in row and '<small class="muted">computed</small>' in row and "pace-" in row
