"""`GET /api/v1/cycles/<id>/tree`: the cascade, nested by alignment, rolled up, filtered, private-aware."""
from __future__ import annotations

import pytest

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import Cycle, KeyResult, Person
from tests.builders.queries import counting_queries


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def org(build):
    """Company → team → person, three levels of alignment, and a private objective."""
    ceo = build.person(role="leader", name="Cleo CEO")
    sales = build.team("Sales")
    manager = build.person(role="manager", manager=ceo, team=sales)
    rep = build.person(manager=manager, team=sales, name="Rita Rep")
    peer = build.person(manager=manager, team=sales)
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    company_rollup = build.key_result(company, kind="rollup", title="Teams deliver")
    team = build.objective(cycle, team=sales, aligned_to=company_rollup, title="Sell to the right buyers")
    team_rollup = build.key_result(team, kind="rollup", title="Reps deliver")
    build.key_result(team, kind="milestone", current=1, title="Pricing page live")
    mine = build.objective(cycle, owner=rep, aligned_to=team_rollup, title="Open 20 qualified deals")
    build.key_result(mine, start=0, target=20, current=5, title="Qualified deals", confidence="at_risk")
    secret = build.objective(cycle, owner=peer, private=True, title="Private plan")
    return {"ceo": ceo, "manager": manager, "rep": rep, "peer": peer, "cycle": cycle, "company": company,
            "team": team, "mine": mine, "secret": secret, "sales": sales}


def test_the_tree_nests_each_aligned_objective_under_its_key_result_with_rolled_up_progress(client, org):
    response = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree", headers=bearer(org["ceo"]))
    assert response.status_code == 200
    tree = response.get_json()
    assert tree["cycle"]["id"] == org["cycle"].id
    [company] = [o for o in tree["objectives"] if o["owner_type"] == "company"]
    team = company["key_results"][0]["objectives"][0]
    mine = team["key_results"][0]["objectives"][0]
    assert (company["id"], team["id"], mine["id"]) == (org["company"].id, org["team"].id, org["mine"].id)
    # mine: (5 - 0) / (20 - 0) = 0.25
    # team: rollup = mean(0.25) = 0.25; milestone done = 1; weighted (1 × 0.25 + 1 × 1) / 2 = 0.625
    # company: rollup = mean(0.625) = 0.625 → objective 0.625
    assert mine["progress"] == 0.25
    assert team["progress"] == 0.625
    assert company["progress"] == 0.625
    kr = mine["key_results"][0]
    assert {"id", "title", "kind", "current", "progress", "confidence", "pace", "due", "start", "target"} <= set(kr)
    assert kr["current"] == 5 and kr["confidence"] == "at_risk"
    assert mine["owner"] == "Rita Rep" and mine["team"] == "Sales"


def test_a_private_objective_is_absent_for_a_peer_and_present_for_the_owners_manager(client, org):
    path = f"/api/v1/cycles/{org['cycle'].id}/tree"

    def ids(tree):
        found = []

        def walk(objectives):
            for objective in objectives:
                found.append(objective["id"])
                for kr in objective["key_results"]:
                    walk(kr["objectives"])
        walk(tree["objectives"])
        return found

    assert org["secret"].id not in ids(client.get(path, headers=bearer(org["rep"])).get_json())
    assert org["secret"].id in ids(client.get(path, headers=bearer(org["manager"])).get_json())


def test_the_status_filter_keeps_the_at_risk_objective_and_its_ancestors(client, org):
    tree = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree?status=at_risk", headers=bearer(org["ceo"])).get_json()
    [company] = tree["objectives"]
    assert company["key_results"][0]["objectives"][0]["key_results"][0]["objectives"][0]["id"] == org["mine"].id


@pytest.mark.parametrize(("query", "field"), [
    ("status=late", "status"), ("team=sales", "team"), ("team=0", "team"), ("colour=red", "colour"),
])
def test_a_bad_filter_is_a_422_naming_it(client, org, query, field):
    response = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree?{query}", headers=bearer(org["ceo"]))
    assert response.status_code == 422
    assert response.get_json()["error"].startswith(f"{field}: ")


def test_the_team_filter_keeps_that_teams_objectives(client, org):
    response = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree?team={org['sales'].id}",
                          headers=bearer(org["ceo"]))
    assert response.status_code == 200
    company = response.get_json()["objectives"][0]
    assert company["key_results"][0]["objectives"][0]["id"] == org["team"].id


def _queries_for_tree(app, client, headers, cycle_id) -> int:
    with counting_queries(db.engine) as statements:
        assert client.get(f"/api/v1/cycles/{cycle_id}/tree", headers=headers).status_code == 200
    return len(statements)


def test_the_tree_costs_the_same_number_of_queries_for_a_bigger_org(app, client, build):
    ceo = build.person(role="leader")
    headers = bearer(ceo)
    cycle = build.cycle()
    rollup = build.key_result(build.objective(cycle, company=True), kind="rollup")
    ids = {"ceo": ceo.id, "cycle": cycle.id, "rollup": rollup.id}

    def add_people(n):
        for _ in range(n):
            person = build.person(manager=db.session.get(Person, ids["ceo"]))
            objective = build.objective(db.session.get(Cycle, ids["cycle"]), owner=person, private=True,
                                        aligned_to=db.session.get(KeyResult, ids["rollup"]))
            build.key_result(objective, current=3)
        db.session.expunge_all()  # nothing cached: every figure comes from the queries counted

    client.get("/api/v1/me", headers=headers)  # the token's first use also records last_used_at
    add_people(3)
    small = _queries_for_tree(app, client, headers, ids["cycle"])
    add_people(30)
    large = _queries_for_tree(app, client, headers, ids["cycle"])
    assert small == large <= 15


def test_the_tree_as_returned_is_exactly_what_its_schema_describes(client, org):
    """The cascade is returned as `cycle_tree().to_dict()` builds it; dumping it through the
    documented schema must change nothing (no missing, extra or differently typed field)."""
    from okr_app.api.schemas import ObjectiveSchema, TreeSchema

    headers = bearer(org["ceo"])
    tree = client.get(f"/api/v1/cycles/{org['cycle'].id}/tree", headers=headers).get_json()
    assert TreeSchema().dump(tree) == tree
    objective = client.get(f"/api/v1/objectives/{org['company'].id}", headers=headers).get_json()
    assert ObjectiveSchema().dump(objective) == objective
