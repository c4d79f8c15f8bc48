"""A closed cycle has no pace anywhere (the grade speaks then): the tree page, its counts and its
'behind' filter, the API tree, the home page and the team page all ask `okr_app.okrs.pace`."""
from __future__ import annotations

from datetime import timedelta

import pytest

from okr_app.api.tokens import create_token
from okr_app.clock import today
from okr_app.domain.weeks import monday_of
from okr_app.extensions import db


@pytest.fixture
def closed(build):
    """A 6-week cycle that ended last week with Ana at 1 of 10 deals: far behind the line, if it had one."""
    ceo = build.person(role="leader", name="Cleo Ceo", email="ceo@example.com")
    ana = build.person(manager=ceo, name="Ana Alvarez", email="ana@example.com")
    cycle = build.cycle(start=monday_of(today()) - timedelta(weeks=7), weeks=6, state="closed")
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    rollup = build.key_result(company, kind="rollup", title="People deliver")
    mine = build.objective(cycle, owner=ana, title="Ana closes Acme", aligned_to=rollup)
    build.key_result(mine, start=0, target=10, current=1, title="Close ten deals")
    _, token = create_token(ceo)
    db.session.commit()
    return {"cycle": cycle, "token": token}


def test_the_tree_page_shows_no_pace_counts_none_behind_and_filters_none(client, auth, closed):
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert "Close ten deals" in page and "pace-" not in page
    assert '<strong class="count-behind">0</strong>' in page
    behind = client.get("/tree?status=behind").get_data(as_text=True)
    assert 'id="objective-' not in behind


def test_the_api_tree_has_a_null_pace_on_every_key_result(client, closed):
    response = client.get(f"/api/v1/cycles/{closed['cycle'].id}/tree",
                          headers={"Authorization": f"Bearer {closed['token']}"})
    company = response.get_json()["objectives"][0]
    ana = company["key_results"][0]["objectives"][0]
    assert [kr["pace"] for kr in company["key_results"] + ana["key_results"]] == [None, None]


def test_home_and_the_team_page_show_no_pace_for_a_closed_cycle(client, auth, closed):
    auth.login("ana@example.com")
    home = client.get("/").get_data(as_text=True)
    assert "Close ten deals" in home and "pace-" not in home
    auth.logout()
    auth.login("ceo@example.com")
    home = client.get("/").get_data(as_text=True)
    # Ana at 1 of 10 after the last day would be "1 key result behind pace" in an open cycle.
    assert "Nobody below you is behind pace, at risk or missing check-ins." in home
    assert "key result behind pace" not in home
    team = client.get("/team").get_data(as_text=True)
    assert "pace-" not in team
