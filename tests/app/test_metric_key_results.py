"""Metric key results: computed from the imported deals at each scope, recomputed by every deals import
(one check-in per changed value, none when nothing changed), never updated by hand.

The deals (the same ledger as tests/unit/comp_engine/test_revenue.py):
  A1: D1 new 1,000 (r1, 2025-01-10, marketing), D4 expansion 200 (2025-06-01), D8 renewal 1,200 (2026-01-10)
  A2: D2 new 2,000 split r1 50 / r2 50 (2025-02-10), D5 contraction 400 (2025-07-01)
  A3: D3 new 500 (r3, 2025-03-01, marketing), D6 churn 500 (2025-08-01)
  A4: D7 new 3,000 (r1, 2026-01-15, marketing)
  A5: D9 new 800 (r5, the new hire, 2026-02-02)
The cycle runs 2026-01-05 to 2026-03-29; the clock is pinned to 2026-04-02, so the measuring day is the cycle's
last day E = 2026-03-29 and a 12-month window starts S = 2025-03-29.
  ARR(S): A1 1,000, A2 2,000, A3 500.   ARR(E): A1 1,200, A2 1,600, A3 0, A4 3,000, A5 800.
People: Rita is r1 (team North), Pete is r2 (team South), Nick is r5 (team South, new hire).
"""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult
from okr_app.okrs.services import add_key_result, check_in
from okr_app.payouts.imports import import_deals
from okr_app.policy import Actor
from tests.builders.ledger import DEALS, deals_file


@pytest.fixture
def org(build, clock):
    clock.pin(date(2026, 4, 2))
    north, south = build.team("North"), build.team("South")
    leader = build.person(role="leader", email="lea@example.com")
    finance = build.person(role="finance", email="fin@example.com")
    rita = build.person(name="Rita", email="rita@example.com", team=north)
    pete = build.person(name="Pete", email="pete@example.com", team=south)
    nick = build.person(name="Nick", email="nick@example.com", team=south)
    for rep_id, person in (("r1", rita), ("r2", pete), ("r5", nick)):
        build.roster_rep(rep_id, person)
    cycle = build.cycle(start=date(2026, 1, 5))
    return {"leader": leader, "finance": finance, "rita": rita, "pete": pete, "nick": nick, "north": north,
            "south": south, "cycle": cycle, "build": build,
            "company": build.objective(cycle, company=True, title="Revenue that lasts"),
            "north_objective": build.objective(cycle, team=north), "south_objective": build.objective(cycle, team=south)}


def metric_kr(org, objective, metric: str, target: float = 1.1, **extra) -> KeyResult:
    owner = org["leader"] if objective.owner_type != "person" else objective.owner_person
    kr = add_key_result(Actor(owner), objective, metric, "metric", metric=metric, target=target, **extra)
    db.session.commit()
    return kr


def imported(org, *rows: str, name: str = "deals.csv", replace: bool = False):
    outcome = import_deals(Actor(org["finance"]), deals_file(*rows), name, replace=replace)
    db.session.commit()
    return outcome


def check_ins_of(kr: KeyResult) -> list[float]:
    return list(db.session.scalars(sa.select(CheckIn.value).where(CheckIn.key_result_id == kr.id).order_by(CheckIn.id)))


def test_company_metrics_count_every_deal_and_account(org):
    imported(org, *DEALS)
    # new ARR in the cycle: D7 3,000 + D9 800 = 3,800
    assert metric_kr(org, org["company"], "new_arr", target=5000).current_value == 3800
    # NRR = (1,200 + 1,600 + 0) / (1,000 + 2,000 + 500) = 2,800 / 3,500 = 0.8
    nrr = metric_kr(org, org["company"], "net_revenue_retention")
    assert (nrr.current_value, nrr.measured_on) == (0.8, date(2026, 3, 29))
    # GRR = (1,000 + 1,600 + 0) / 3,500 = 0.742857 -> 0.7429 (stored to 4 decimals)
    assert metric_kr(org, org["company"], "gross_revenue_retention", target=0.9).current_value == 0.7429


def test_team_metrics_count_members_credits_and_a_split_deal_counts_for_both_teams_by_share(org):
    imported(org, *DEALS)
    # North = {Rita: r1}; South = {Pete: r2, Nick: r5}; D2 is split between them 50/50.
    # North's book: A1 (1) + A2 (0.5): NRR = (1,200 + 800) / (1,000 + 1,000) = 1.0
    assert metric_kr(org, org["north_objective"], "net_revenue_retention").current_value == 1.0
    # South's book: A2 (0.5, Pete) and A5 (Nick, not paying at S): NRR = 0.5 x 1,600 / (0.5 x 2,000) = 0.8
    assert metric_kr(org, org["south_objective"], "net_revenue_retention").current_value == 0.8
    # new ARR in the cycle: North D7 3,000; South D9 800 (Nick); together the company's 3,800
    assert metric_kr(org, org["north_objective"], "new_arr", target=5000).current_value == 3000
    assert metric_kr(org, org["south_objective"], "new_arr", target=5000).current_value == 800


def test_a_person_metric_is_their_credits_and_a_new_hire_has_no_cohort_yet(org, client, auth):
    imported(org, *DEALS)
    rita_objective = org["build"].objective(org["cycle"], owner=org["rita"])
    nick_objective = org["build"].objective(org["cycle"], owner=org["nick"])
    # Rita's marketing-sourced new ARR in the cycle: D7 3,000
    assert metric_kr(org, rita_objective, "sourced_new_arr:marketing", target=4000).current_value == 3000
    # Rita's originated book: A1 (weight 1), A2 (her 0.5 of D2), A4 (not paying at S):
    # NRR = (1,200 + 0.5 x 1,600) / (1,000 + 0.5 x 2,000) = 2,000 / 2,000 = 1.0
    assert metric_kr(org, rita_objective, "net_revenue_retention").current_value == 1.0
    # Nick's book: A5 only, not paying on 2025-03-29: no cohort, no value (not 0), no check-in
    nick_nrr = metric_kr(org, nick_objective, "net_revenue_retention")
    assert nick_nrr.current_value is None and check_ins_of(nick_nrr) == []
    auth.login("nick@example.com")
    page = client.get(f"/okrs/key-results/{nick_nrr.id}").get_data(as_text=True)
    assert "no cohort yet" in page


def test_each_import_records_one_check_in_per_changed_value_and_none_when_nothing_changed(org):
    imported(org, *DEALS[:6])  # before D7, D8, D9: the cycle has no new deal yet
    new_arr = metric_kr(org, org["company"], "new_arr", target=5000)
    nrr = metric_kr(org, org["company"], "net_revenue_retention")
    assert check_ins_of(new_arr) == [0.0] and check_ins_of(nrr) == [0.8]
    outcome = imported(org, *DEALS[6:], name="january.csv")
    # new ARR 0 -> 3,800 changes; NRR is still 2,800 / 3,500 = 0.8 (D8 is a renewal, A4 and A5 are not in the cohort)
    assert outcome.metric_check_ins == 1
    assert check_ins_of(new_arr) == [0.0, 3800.0] and check_ins_of(nrr) == [0.8]
    entry = db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id == new_arr.id)
                               .order_by(CheckIn.id.desc())).first()
    assert entry.import_id == outcome.batch.id and "january.csv" in entry.note and entry.author_id is None
    again = imported(org, *DEALS[6:], name="january-again.csv", replace=True)
    assert again.metric_check_ins == 0 and check_ins_of(new_arr) == [0.0, 3800.0]


def test_a_closed_cycle_is_not_recomputed(org):
    imported(org, *DEALS[:6])
    new_arr = metric_kr(org, org["company"], "new_arr", target=5000)
    org["cycle"].state = "closed"
    db.session.commit()
    assert imported(org, *DEALS[6:]).metric_check_ins == 0
    assert check_ins_of(new_arr) == [0.0]


def test_a_metric_key_result_cannot_be_updated_by_hand(org, client, auth):
    imported(org, *DEALS)
    nrr = metric_kr(org, org["company"], "net_revenue_retention")
    with pytest.raises(InvalidInput, match="cannot be updated by hand"):
        check_in(Actor(org["leader"]), nrr, 1.5)
    _, secret = create_token(org["leader"])
    db.session.commit()
    response = client.post(f"/api/v1/key-results/{nrr.id}/check-ins", headers={"Authorization": f"Bearer {secret}"},
                           json={"value": 1.5})
    assert response.status_code == 422 and "cannot be updated by hand" in response.get_json()["error"]
    auth.login("lea@example.com")
    page = client.get(f"/okrs/key-results/{nrr.id}").get_data(as_text=True)
    assert 'name="value"' not in page and "deals.csv" in page
    assert check_ins_of(nrr) == [0.8]


def test_the_api_creates_a_metric_key_result_and_shows_its_computed_value(org, client):
    imported(org, *DEALS)
    _, secret = create_token(org["leader"])
    db.session.commit()
    headers = {"Authorization": f"Bearer {secret}"}
    response = client.post(f"/api/v1/objectives/{org['company'].id}/key-results", headers=headers, json={
        "title": "NRR at least 110%", "kind": "metric", "metric": "net_revenue_retention", "target": 1.1, "start": 0.7})
    assert response.status_code == 201
    body = client.get(f"/api/v1/objectives/{org['company'].id}", headers=headers).get_json()
    kr = body["key_results"][0]
    # NRR 0.8; progress by the increase rule (0.8 - 0.7) / (1.1 - 0.7) = 0.25
    assert (kr["kind"], kr["metric"], kr["current"], kr["progress"]) == ("metric", "net_revenue_retention", 0.8, 0.25)
    refused = client.post(f"/api/v1/objectives/{org['company'].id}/key-results", headers=headers, json={
        "title": "Bookings", "kind": "metric", "metric": "bookings", "target": 1})
    assert refused.status_code == 422 and "not a revenue metric" in refused.get_json()["error"]


def test_the_key_result_page_explains_the_value_with_its_numbers(org, client, auth):
    imported(org, *DEALS)
    nrr = metric_kr(org, org["company"], "net_revenue_retention")
    auth.login("lea@example.com")
    page = client.get(f"/okrs/key-results/{nrr.id}").get_data(as_text=True)
    # cohort A1, A2, A3: (1,200 + 1,600 + 0) / (1,000 + 2,000 + 500)
    assert "NRR = ARR on 2026-03-29 / ARR on 2025-03-29 over 3 accounts = 2,800 / 3,500 = 0.80" in page
    assert f"/okrs/key-results/{nrr.id}/accounts" in page
    accounts = client.get(f"/okrs/key-results/{nrr.id}/accounts").get_data(as_text=True)
    assert all(f"<td>{account}</td>" in accounts for account in ("A1", "A2", "A3")) and "<td>A4</td>" not in accounts


def test_the_accounts_behind_a_value_are_for_finance_leaders_and_the_rep_themselves(org, client, auth):
    imported(org, *DEALS)
    rita_objective = org["build"].objective(org["cycle"], owner=org["rita"])
    company_kr = metric_kr(org, org["company"], "new_arr", target=5000)
    rita_kr = metric_kr(org, rita_objective, "new_arr", target=5000)
    seen = {}
    for email in ("fin@example.com", "lea@example.com", "rita@example.com", "pete@example.com"):
        auth.login(email)
        seen[email] = [client.get(f"/okrs/key-results/{kr.id}/accounts").status_code for kr in (company_kr, rita_kr)]
        auth.logout()
    assert seen == {"fin@example.com": [200, 200], "lea@example.com": [200, 403],
                    "rita@example.com": [403, 200], "pete@example.com": [403, 403]}


def test_the_web_form_offers_metric_key_results(org, client, auth):
    imported(org, *DEALS)
    auth.login("lea@example.com")
    form = client.get(f"/okrs/objectives/{org['company'].id}/key-results/new").get_data(as_text=True)
    assert 'value="sourced_new_arr:marketing"' in form and 'value="metric"' in form
    response = client.post(f"/okrs/objectives/{org['company'].id}/key-results/new", data={
        "title": "Churn down", "kind": "metric", "metric": "churned_arr", "target": "100", "weight": "1",
        "leads_to_action": "yes", "reproducible": "yes", "about_buyers": "yes"})
    assert response.status_code == 302
    kr = db.session.scalar(sa.select(KeyResult).where(KeyResult.title == "Churn down"))
    # no churn closed in the cycle (D6 was in 2025): 0
    assert (kr.kind, kr.metric, kr.window_months, kr.current_value) == ("metric", "churned_arr", 12, 0.0)


def test_the_deals_import_command_recomputes_and_says_how_many_values_changed(org, app, tmp_path):
    from click.testing import CliRunner

    from cli import cli

    imported(org, *DEALS[:6])
    new_arr = metric_kr(org, org["company"], "new_arr", target=5000)
    path = tmp_path / "january.csv"
    path.write_bytes(deals_file(*DEALS[6:]))
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_USER": "fin@example.com"}
    result = CliRunner().invoke(cli, ["deals", "import", str(path)], env=env)
    assert result.exit_code == 0, result.output
    # new ARR 0 -> 3,800 (D7 3,000 + D9 800): one value changed
    assert "Metric key results: 1 value changed, each recorded as a check-in." in result.output
    db.session.expire_all()
    assert check_ins_of(new_arr) == [0.0, 3800.0]


def test_the_weekly_check_in_does_not_ask_for_a_metric_key_result(org, client, auth):
    imported(org, *DEALS)
    rita_objective = org["build"].objective(org["cycle"], owner=org["rita"])
    computed = metric_kr(org, rita_objective, "new_arr", target=5000)
    typed = org["build"].key_result(rita_objective, title="Discovery calls", target=20)
    auth.login("rita@example.com")
    page = client.get("/check-in").get_data(as_text=True)
    assert typed.title in page and computed.title not in page


def test_a_deals_upload_in_the_web_recomputes_like_the_command(org, client, auth):
    import io

    imported(org, *DEALS[:6])
    new_arr = metric_kr(org, org["company"], "new_arr", target=5000)
    auth.login("lea@example.com")
    assert client.get("/pay/deals/import").status_code == 403
    auth.logout()
    auth.login("fin@example.com")
    response = client.post("/pay/deals/import", data={"file": (io.BytesIO(deals_file(*DEALS[6:])), "january.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    # new ARR 0 -> 3,800: one check-in, from the upload
    assert check_ins_of(new_arr) == [0.0, 3800.0]
    refused = client.post("/pay/deals/import", data={"file": (io.BytesIO(deals_file(*DEALS[6:])), "again.csv")},
                          content_type="multipart/form-data")
    assert refused.status_code == 422 and "was already imported" in refused.get_data(as_text=True)
