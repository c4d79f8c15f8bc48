"""The cascade in pieces: the tree page opens the company and team levels and links deeper subtrees
(a page of their own without JavaScript, an HTML fragment with it); the API tree takes a root and a
depth; filters apply to the whole cycle either way."""
from __future__ import annotations

import pytest

from okr_app.api.schemas import TreeSchema
from okr_app.api.tokens import create_token
from okr_app.dashboard import pages as dashboard
from okr_app.extensions import db


@pytest.fixture
def org(build):
    """Company → Sales team objective → Ana's and Ben's objectives → Cy's, aligned to Ana's."""
    sales = build.team("Sales")
    ceo = build.person(role="leader", name="Cleo Ceo", email="ceo@example.com")
    ana = build.person(manager=ceo, team=sales, name="Ana Alvarez", email="ana@example.com")
    ben = build.person(manager=ceo, team=sales, name="Ben Brown", email="ben@example.com")
    cy = build.person(manager=ana, team=sales, name="Cy Clark", email="cy@example.com")
    cycle = build.cycle(name="FY Q3")
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    company_kr = build.key_result(company, kind="rollup", title="Teams deliver")
    team = build.objective(cycle, team=sales, title="Sales wins the Nordics", aligned_to=company_kr)
    team_kr = build.key_result(team, kind="rollup", title="Reps deliver")
    ana_obj = build.objective(cycle, owner=ana, title="Ana closes Acme", aligned_to=team_kr)
    ana_kr = build.key_result(ana_obj, kind="rollup", title="Her report delivers")
    ben_obj = build.objective(cycle, owner=ben, title="Ben opens Oslo", aligned_to=team_kr)
    build.key_result(ben_obj, start=0, target=4, current=0, title="Hire four reps", confidence="at_risk")
    cy_obj = build.objective(cycle, owner=cy, title="Cy books demos", aligned_to=ana_kr)
    build.key_result(cy_obj, start=0, target=10, current=5, title="Book ten demos")
    _, token = create_token(ceo)
    db.session.commit()
    return {"cycle": cycle, "company": company, "team": team, "ana_obj": ana_obj, "ben_obj": ben_obj,
            "cy_obj": cy_obj, "token": token, "team_kr": team_kr}


def shown(page: str) -> list[int]:
    return [int(chunk.split('"')[0]) for chunk in page.split('id="objective-')[1:]]


@pytest.fixture
def small_pages(monkeypatch):
    """Pages that open at most 2 objectives, so five are already 'a big company'."""
    monkeypatch.setattr(dashboard, "PAGE_OBJECTIVES", 2)


def test_the_tree_page_opens_the_company_and_team_levels_and_links_the_rest(client, auth, org, small_pages):
    auth.login("ceo@example.com")
    page = client.get("/tree").get_data(as_text=True)
    assert shown(page) == [org["company"].id, org["team"].id]
    team = org["team"].id
    # Ana's and Ben's objectives are aligned to the team's key result: 2 below it, Cy's further down.
    assert (f'<a href="/tree/objectives/{team}" data-fragment="/tree/objectives/{team}/fragment">'
            "Show the 2 objectives aligned below</a>") in " ".join(page.split())
    assert '<strong class="count-objectives">5</strong>' in page, "the counts cover the whole cycle"
    assert 'src="/static/tree.js"' in page


def test_the_subtree_page_shows_one_level_below_without_javascript(client, auth, org, small_pages):
    auth.login("ceo@example.com")
    response = client.get(f"/tree/objectives/{org['team'].id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" in page
    assert shown(page) == [org["team"].id, org["ana_obj"].id, org["ben_obj"].id]
    assert f'href="/tree/objectives/{org["ana_obj"].id}"' in page, "Cy's objective is one more link down"
    assert f'href="/tree/objectives/{org["company"].id}">Up one level</a>' in page


def test_the_fragment_is_the_same_subtree_as_one_details_element(client, auth, org, small_pages):
    auth.login("ceo@example.com")
    response = client.get(f"/tree/objectives/{org['team'].id}/fragment")
    fragment = response.get_data(as_text=True).strip()
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert fragment.startswith(f'<details class="node node-team" id="objective-{org["team"].id}"')
    assert fragment.endswith("</details>") and "<html" not in fragment
    assert shown(fragment) == [org["team"].id, org["ana_obj"].id, org["ben_obj"].id]


def test_filters_carry_into_the_subtree_and_apply_to_the_whole_cycle(client, auth, org, small_pages):
    """Only Ben's key result is at risk: the subtree keeps him and the team above him, not Ana."""
    auth.login("ceo@example.com")
    page = client.get("/tree?status=at_risk").get_data(as_text=True)
    assert '<strong class="count-objectives">3</strong>' in page  # company, team, Ben
    assert f'href="/tree/objectives/{org["team"].id}?status=at_risk"' in page
    fragment = client.get(f"/tree/objectives/{org['team'].id}/fragment?status=at_risk").get_data(as_text=True)
    assert shown(fragment) == [org["team"].id, org["ben_obj"].id]


def test_a_subtree_the_reader_may_not_see_or_that_does_not_exist_is_not_found(client, auth, build, org):
    build.person(name="Pia Peer", email="pia@example.com")
    secret = build.objective(org["cycle"], owner=build.person(name="Sam Secret"), private=True)
    auth.login("pia@example.com")
    assert client.get(f"/tree/objectives/{secret.id}").status_code == 404
    assert client.get(f"/tree/objectives/{secret.id}/fragment").status_code == 404
    assert client.get("/tree/objectives/999999").status_code == 404


def test_every_level_at_once_on_request(client, auth, org, small_pages):
    auth.login("ceo@example.com")
    page = client.get("/tree?depth=all").get_data(as_text=True)
    assert sorted(shown(page)) == sorted(org[k].id for k in ("company", "team", "ana_obj", "ben_obj", "cy_obj"))
    assert "data-fragment" not in page


# --- the API's root and depth --------------------------------------------------------------------

def api(client, org, query: str = ""):
    response = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree{query}",
                          headers={"Authorization": f"Bearer {org['token']}"})
    return response.status_code, response.get_json()


def walk(objectives):
    for objective in objectives:
        yield objective
        for kr in objective["key_results"]:
            yield from walk(kr["objectives"])


def test_the_api_tree_from_a_root_down_to_a_depth_says_what_it_left_out(client, org):
    status, tree = api(client, org, f"?root={org['team'].id}&depth=1")
    assert status == 200
    assert [o["id"] for o in walk(tree["objectives"])] == [org["team"].id, org["ana_obj"].id, org["ben_obj"].id]
    ana = tree["objectives"][0]["key_results"][0]["objectives"][0]
    assert ana["key_results"][0]["objectives"] == [] and ana["key_results"][0]["objectives_not_shown"] == 1
    assert TreeSchema().validate(tree) == {}


def test_depth_zero_is_the_root_alone_and_no_depth_is_the_whole_subtree(client, org):
    _, alone = api(client, org, f"?root={org['team'].id}&depth=0")
    assert [o["id"] for o in walk(alone["objectives"])] == [org["team"].id]
    assert alone["objectives"][0]["key_results"][0]["objectives_not_shown"] == 2
    _, whole = api(client, org, f"?root={org['team'].id}")
    assert len(list(walk(whole["objectives"]))) == 4


def test_the_full_form_is_unchanged_for_integrations(client, org):
    _, tree = api(client, org)
    assert len(list(walk(tree["objectives"]))) == 5
    assert "objectives_not_shown" not in str(tree)
    assert TreeSchema().validate(tree) == {}


@pytest.mark.parametrize("query, status", [("?root=999999", 404), ("?depth=-1", 422), ("?depth=x", 422),
                                           ("?root=0", 422)])
def test_a_bad_root_or_depth_is_refused(client, org, query, status):
    assert api(client, org, query)[0] == status


def test_a_root_filtered_out_is_not_found(client, org):
    assert api(client, org, f"?status=at_risk&root={org['cy_obj'].id}")[0] == 404
    assert api(client, org, f"?status=at_risk&root={org['ben_obj'].id}")[0] == 200
