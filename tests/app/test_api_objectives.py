"""Objectives through the API: who may own what, the limits, and private objectives answering 404."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from okr_app.models import KeyResult, Objective


def bearer(person) -> dict:
    _, secret = create_token(person)
    db.session.commit()
    return {"Authorization": f"Bearer {secret}"}


def objective_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Objective.id)))


@pytest.fixture
def org(build):
    ceo = build.person(role="leader", email="ceo@example.com")
    sales = build.team("Sales")
    manager = build.person(role="manager", manager=ceo, team=sales, email="mia@example.com")
    rep = build.person(manager=manager, team=sales, email="rita@example.com", name="Rita Rep")
    peer = build.person(manager=manager, team=sales, email="pete@example.com")
    cycle = build.cycle()
    company = build.objective(cycle, company=True)
    rollup = build.key_result(company, kind="rollup")
    return {"ceo": ceo, "manager": manager, "rep": rep, "peer": peer, "cycle": cycle, "company": company,
            "rollup": rollup, "sales": sales}


def test_a_person_creates_their_own_objective_aligned_to_a_company_key_result(client, org):
    response = client.post("/api/v1/objectives", headers=bearer(org["rep"]), json={
        "cycle_id": org["cycle"].id, "title": "Open 20 qualified deals", "owner_email": "RITA@example.com",
        "aligned_to": org["rollup"].id})
    assert response.status_code == 201
    body = response.get_json()
    assert list(body) == ["id"]
    assert response.headers["Location"].endswith(f"/api/v1/objectives/{body['id']}")
    objective = db.session.get(Objective, body["id"])
    assert (objective.owner_type, objective.owner_person_id, objective.aligned_kr_id, objective.private) == (
        "person", org["rep"].id, org["rollup"].id, False)


def test_a_leader_creates_a_team_objective_by_team_name_and_a_company_one(client, org):
    headers = bearer(org["ceo"])
    team = client.post("/api/v1/objectives", headers=headers,
                       json={"cycle_id": org["cycle"].id, "title": "Win the mid-market", "team": "sales"})
    company = client.post("/api/v1/objectives", headers=headers,
                          json={"cycle_id": org["cycle"].id, "title": "Keep customers", "company": True})
    assert (team.status_code, company.status_code) == (201, 201)
    assert db.session.get(Objective, team.get_json()["id"]).team_id == org["sales"].id
    assert db.session.get(Objective, company.get_json()["id"]).owner_type == "company"


def test_a_manager_sets_a_private_objective_for_someone_below_them(client, org):
    response = client.post("/api/v1/objectives", headers=bearer(org["manager"]), json={
        "cycle_id": org["cycle"].id, "title": "Grow as a closer", "owner_email": "rita@example.com",
        "private": True})
    assert response.status_code == 201
    assert db.session.get(Objective, response.get_json()["id"]).private is True


@pytest.mark.parametrize(("who", "payload"), [
    ("rep", {"company": True}),
    ("rep", {"team": "Sales"}),
    ("rep", {"owner_email": "pete@example.com"}),
    ("manager", {"owner_email": "ceo@example.com"}),
])
def test_owning_what_you_may_not_own_is_403_and_saves_nothing(client, org, who, payload):
    before = objective_count()
    response = client.post("/api/v1/objectives", headers=bearer(org[who]),
                           json={"cycle_id": org["cycle"].id, "title": "Mine now", **payload})
    assert response.status_code == 403
    assert objective_count() == before


@pytest.mark.parametrize(("payload", "expected"), [
    ({"owner_email": "rita@example.com", "team": "Sales"}, "exactly one owner"),
    ({"owner_email": "rita@example.com", "company": True}, "exactly one owner"),
    ({}, "exactly one owner"),
    ({"company": False}, "exactly one owner"),
    ({"owner_email": "nobody@example.com"}, "owner_email:"),
    ({"team": "Astronauts"}, "team:"),
    ({"owner_email": "rita@example.com", "cycle_id": 999}, "cycle_id:"),
    ({"owner_email": "rita@example.com", "cycle_id": "1"}, "cycle_id:"),
    ({"owner_email": "rita@example.com", "cycle_id": -4}, "cycle_id:"),
    ({"owner_email": "rita@example.com", "cycle_id": 2**64}, "cycle_id:"),
    ({"owner_email": "rita@example.com", "aligned_to": 999}, "999"),
    ({"owner_email": "rita@example.com", "aligned_to": 2**70}, "aligned_to:"),
    ({"owner_email": "rita@example.com", "private": "yes"}, "private:"),
    ({"owner_email": "rita@example.com", "company": 1}, "company:"),
    ({"owner_email": "rita@example.com", "title": ""}, "title:"),
    ({"owner_email": "rita@example.com", "title": "x" * 201}, "title:"),
    ({"owner_email": "rita@example.com", "title": "x" * 2_000_000}, "title:"),
    ({"owner_email": "rita@example.com", "title": None}, "title:"),
    ({"owner_email": "rita@example.com", "title": "nul\u0000byte"}, "title:"),
    ({"owner_email": "rita@example.com", "title": "lone \ud800 surrogate"}, "title:"),
    ({"owner_email": ["rita@example.com"]}, "owner_email:"),
])
def test_a_bad_objective_is_a_422_naming_the_problem_and_saves_nothing(client, org, payload, expected):
    before = objective_count()
    body = {"cycle_id": org["cycle"].id, "title": "Open 20 qualified deals", **payload}
    response = client.post("/api/v1/objectives", headers=bearer(org["ceo"]), json=body)
    assert response.status_code == 422
    assert expected in response.get_json()["error"]
    assert objective_count() == before


def test_a_second_personal_objective_in_a_cycle_is_over_the_limit(client, org, build):
    build.objective(org["cycle"], owner=org["rep"])
    before = objective_count()
    response = client.post("/api/v1/objectives", headers=bearer(org["rep"]), json={
        "cycle_id": org["cycle"].id, "title": "A second one", "owner_email": "rita@example.com"})
    assert response.status_code == 422
    assert "limit" in response.get_json()["error"]
    assert objective_count() == before


def test_a_closed_cycle_takes_no_new_objectives(client, org, build):
    closed = build.cycle(state="closed")
    response = client.post("/api/v1/objectives", headers=bearer(org["ceo"]),
                           json={"cycle_id": closed.id, "title": "Too late", "company": True})
    assert response.status_code == 422
    assert "closed" in response.get_json()["error"]


def test_unicode_titles_round_trip(client, org):
    title = "Gagner la confiance des clients — 顧客 🚀"
    created = client.post("/api/v1/objectives", headers=bearer(org["rep"]), json={
        "cycle_id": org["cycle"].id, "title": title, "owner_email": "rita@example.com"}).get_json()
    fetched = client.get(f"/api/v1/objectives/{created['id']}", headers=bearer(org["rep"])).get_json()
    assert fetched["title"] == title


# --- reading -----------------------------------------------------------------------------------

def test_an_objective_reads_with_its_key_results_weighted_progress_and_aligned_children(client, org, build):
    mine = build.objective(org["cycle"], owner=org["rep"], aligned_to=org["rollup"], title="Open deals")
    build.key_result(mine, start=0, target=20, current=5, weight=1, title="Deals")       # 0.25
    build.key_result(mine, kind="milestone", current=1, weight=3, title="Playbook")      # 1.0
    response = client.get(f"/api/v1/objectives/{mine.id}", headers=bearer(org["peer"]))
    assert response.status_code == 200
    body = response.get_json()
    # (1 × 0.25 + 3 × 1.0) / (1 + 3) = 3.25 / 4 = 0.8125
    assert body["progress"] == 0.8125
    assert (body["id"], body["title"], body["cycle_id"], body["aligned_to"], body["private"]) == (
        mine.id, "Open deals", org["cycle"].id, org["rollup"].id, False)
    assert (body["owner"], body["owner_email"], body["owner_type"]) == ("Rita Rep", "rita@example.com", "person")
    deals, playbook = body["key_results"]
    assert (deals["title"], deals["kind"], deals["current"], deals["progress"]) == ("Deals", "increase", 5, 0.25)
    assert (playbook["kind"], playbook["current"], playbook["progress"]) == ("milestone", 1, 1.0)
    assert {"confidence", "pace", "expected", "due", "weight", "objectives"} <= set(deals)
    company = client.get(f"/api/v1/objectives/{org['company'].id}", headers=bearer(org["peer"])).get_json()
    assert company["key_results"][0]["objectives"][0]["id"] == mine.id
    assert company["progress"] == 0.8125  # rollup = mean(0.8125)


def test_another_persons_private_objective_is_404_exactly_like_a_missing_one(client, org, build):
    secret = build.objective(org["cycle"], owner=org["rep"], private=True)
    hidden = client.get(f"/api/v1/objectives/{secret.id}", headers=bearer(org["peer"]))
    missing = client.get("/api/v1/objectives/987654", headers=bearer(org["peer"]))
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_json() == missing.get_json()
    assert client.get(f"/api/v1/objectives/{secret.id}", headers=bearer(org["rep"])).status_code == 200
    assert client.get(f"/api/v1/objectives/{secret.id}", headers=bearer(org["manager"])).status_code == 200


def test_aligning_to_a_key_result_of_someone_elses_private_objective_reveals_nothing(client, org, build):
    secret = build.objective(org["cycle"], owner=org["peer"], private=True)
    hidden_kr = build.key_result(secret)
    response = client.post("/api/v1/objectives", headers=bearer(org["rep"]), json={
        "cycle_id": org["cycle"].id, "title": "Piggyback", "owner_email": "rita@example.com",
        "aligned_to": hidden_kr.id})
    assert response.status_code == 422
    assert "does not exist" in response.get_json()["error"]


def test_objective_ids_that_cannot_exist_are_404(client, org):
    headers = bearer(org["rep"])
    for path in ("/api/v1/objectives/x", "/api/v1/objectives/-1", "/api/v1/objectives/0",
                 f"/api/v1/objectives/{2**31}", f"/api/v1/objectives/{2**63}", f"/api/v1/objectives/{10**40}"):
        response = client.get(path, headers=headers)
        assert response.status_code == 404, path
        assert response.is_json
    assert db.session.scalar(sa.select(sa.func.count(KeyResult.id))) == 1
