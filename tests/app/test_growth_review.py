"""The growth review: the three teams' revenue figures from the deals, worked out by hand, beside their key
results; its PDF; and the plan back-test page for finance.

Deals: tests/builders/ledger.py. The cycle runs 2026-01-05 to 2026-03-29 (12 weeks); the clock is pinned to
2026-04-02, so figures are measured on E = 2026-03-29 and shown beside week 6 (2026-02-15).
Teams: Sales = {Rita r1, Pete r2}; Customer Success = {Carla r3}; Marketing has nobody on a roster.
"""
from __future__ import annotations

from datetime import date

import pytest

from okr_app.extensions import db
from okr_app.payouts.imports import import_deals
from okr_app.policy import Actor
from tests.builders.ledger import DEALS, deals_file


@pytest.fixture
def review_org(build, clock):
    clock.pin(date(2026, 4, 2))
    marketing, sales, success = build.team("Marketing"), build.team("Sales"), build.team("Customer Success")
    build.person(role="leader", email="lea@example.com")
    finance = build.person(role="finance", email="fin@example.com")
    build.person(email="eve@example.com", team=marketing)
    for rep_id, name, team in (("r1", "Rita", sales), ("r2", "Pete", sales), ("r3", "Carla", success)):
        build.roster_rep(rep_id, build.person(name=name, email=f"{name.lower()}@example.com", team=team))
    cycle = build.cycle(start=date(2026, 1, 5))
    objective = build.objective(cycle, team=sales, title="Sell revenue that sticks")
    kr = build.key_result(objective, title="Demos booked", target=40, current=30)
    kr.about_buyers = False
    db.session.commit()
    import_deals(Actor(finance), deals_file(*DEALS), "deals.csv")
    db.session.commit()
    return cycle


def test_the_growth_review_shows_each_teams_revenue_with_its_numbers(review_org, client, auth):
    auth.login("lea@example.com")
    response = client.get(f"/growth/cycles/{review_org.id}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    # Marketing: sourced new ARR in the cycle D7 3,000, all still live (A4 is at 3,000 on 2026-03-29)
    assert "marketing-sourced new ARR = sum of 1 new deal from marketing closed 2026-01-05 to 2026-03-29 = 3,000" in page
    assert "still live on 2026-03-29 = 3,000 of 3,000" in page
    # ... and of the marketing deals reaching 12 months since 2025-03-29: D1 kept 1,000, D3 kept 0 (A3 churned)
    assert "1,000 still live of 1,500 sold" in page
    # Sales = r1 + r2: new ARR D7 3,000; GRR of their book A1 (1) + A2 (0.5 + 0.5): (1,000 + 1,600) / 3,000 = 0.87
    assert "= 2,600 / 3,000 = 0.87" in page
    # Customer success renews A3 (its latest new or renewal deal credited r3): NRR 0 / 500 = 0.00
    assert "= 0 / 500 = 0.00" in page
    # The company: net new ARR in the cycle = 3,000 + 800 = 3,800
    assert "net new ARR = new 3,800 + expansion 0 − contraction 0 − churn 0 = 3,800" in page
    # week 6 beside now: at 2026-02-15 marketing's new ARR was already 3,000
    assert "week 6: 3,000" in page
    assert "Demos booked" in page and "vanity risk" in page.lower()


def test_the_growth_review_is_for_leaders_and_finance_and_has_a_pdf(review_org, client, auth):
    auth.login("eve@example.com")
    assert client.get(f"/growth/cycles/{review_org.id}").status_code == 403
    auth.logout()
    auth.login("fin@example.com")
    pdf = client.get(f"/growth/cycles/{review_org.id}/review.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_finance_compares_plans_on_the_imported_data_with_svg_charts(app, build, client, auth, tmp_path):
    from pathlib import Path

    from okr_app.payouts.imports import import_quotas, import_roster

    root = Path(__file__).resolve().parents[2]
    finance = build.person(role="finance", email="fin@example.com")
    actor = Actor(finance)
    import_deals(actor, (root / "examples/deals.csv").read_bytes(), "deals.csv")
    import_roster(actor, (root / "examples/roster.csv").read_bytes(), "roster.csv", "2025-Q4", root / "plans")
    import_quotas(actor, (root / "examples/quotas.csv").read_bytes(), "quotas.csv")
    db.session.commit()
    app.config["PLANS_DIR"] = str(root / "plans")
    auth.login("fin@example.com")
    page = client.get("/growth/compare?from=2025-Q4&to=2025-Q4&plan=ae-80-20&plan=ae-50-50").get_data(as_text=True)
    # the same totals `cadence payout compare` writes for 2025-Q4 (tests/app/test_payout_compare.py checks those
    # against `cadence payout run`)
    assert "110,680.37" in page and "139,838.75" in page
    assert page.count("<svg") == 2 and "cannot show how people would have sold" in page
