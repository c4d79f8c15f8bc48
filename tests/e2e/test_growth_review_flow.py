"""In a real browser: a leader opens the growth review and a metric key result, and reads the numbers.

Deals: tests/builders/ledger.py. The cycle runs 2026-01-05 to 2026-03-29 and the clock is pinned to
2026-04-02, so every figure is measured on 2026-03-29 (the cycle's last day), with a 12-month window
from 2025-03-29. The company's NRR: cohort A1, A2, A3 = (1,200 + 1,600 + 0) / (1,000 + 2,000 + 500) = 0.80.
"""
from __future__ import annotations

from datetime import date

from playwright.sync_api import expect

from okr_app.extensions import db
from okr_app.okrs.services import add_key_result
from okr_app.payouts.imports import import_deals
from okr_app.policy import Actor
from tests.builders.ledger import DEALS, deals_file


def test_a_leader_reads_the_growth_review_and_a_metric_key_result_explained(app, build, clock, session):
    clock.pin(date(2026, 4, 2))
    sales = build.team("Sales")
    leader = build.person(role="leader", email="lea@example.com", name="Lea")
    finance = build.person(role="finance", email="fin@example.com")
    build.roster_rep("r1", build.person(name="Rita", email="rita@example.com", team=sales))
    cycle = build.cycle(name="Q1 2026", start=date(2026, 1, 5))
    objective = build.objective(cycle, company=True, title="Revenue that lasts")
    with app.app_context():
        import_deals(Actor(finance), deals_file(*DEALS), "deals.csv")
        kr = add_key_result(Actor(db.session.merge(leader)), db.session.merge(objective), "NRR at least 110%", "metric",
                            metric="net_revenue_retention", target=1.1, start=0.7)
        db.session.commit()
        kr_id = kr.id

    session.sign_in("lea@example.com")
    page = session.open(f"/cycles/{cycle.id}")
    page.get_by_role("button", name="Growth review").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="Growth review · Q1 2026")).to_be_visible()
    company = page.locator("#growth-company")
    # net new ARR in the cycle: D7 3,000 + D9 800 = 3,800
    expect(company).to_contain_text("net new ARR = new 3,800 + expansion 0 − contraction 0 − churn 0 = 3,800")
    expect(page.locator("#growth-sales")).to_contain_text("New ARR")

    page.get_by_role("link", name="NRR at least 110%").click()
    page.wait_for_load_state()
    expect(page.locator("#metric")).to_contain_text(
        "NRR = ARR on 2026-03-29 / ARR on 2025-03-29 over 3 accounts = 2,800 / 3,500 = 0.80")
    expect(page.locator("#check-in")).to_contain_text("Read-only")
    page.get_by_role("link", name="The accounts behind this value").click()
    page.wait_for_load_state()
    expect(page.get_by_role("cell", name="A2", exact=True)).to_be_visible()
    assert page.url.endswith(f"/okrs/key-results/{kr_id}/accounts")
