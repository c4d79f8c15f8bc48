"""A rollup key result explains itself without showing what its reader may not see: a private aligned
objective counts in the mean but reads "1 private objective", with no title and no value."""
from __future__ import annotations

import pytest

from okr_app.api.tokens import create_token
from okr_app.extensions import db
from tests.builders import Builders


@pytest.fixture
def rollup(build):
    """Company KR 'Pipeline coverage' rolls up three objectives: Ana's 0.84 and Bo's 0.50 (public) and Cy's
    private 0.70. Mean = (0.84 + 0.50 + 0.70) / 3 = 2.04 / 3 = 0.68 → 68%."""
    admin = build.person(email="admin@example.com", role="admin")
    dee = build.person(email="dee@example.com")  # nobody's manager: may not see Cy's private objective
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow")
    kr = build.key_result(company, kind="rollup", title="Pipeline coverage")
    for email, current, private, title in (("ana@example.com", 84, False, "Ana's public plan"),
                                           ("bo@example.com", 50, False, "Bo's public plan"),
                                           ("cy@example.com", 70, True, "Cy's secret reorg")):
        owner = build.person(email=email)
        objective = build.objective(cycle, owner=owner, aligned_to=kr, private=private, title=title)
        build.key_result(objective, current=current)
    return {"kr": kr.id, "admin": admin, "dee": dee}


def page_for(app, email, kr_id):
    client = app.test_client()
    client.post("/login", data={"email": email, "password": Builders.PASSWORD})
    return client.get(f"/okrs/key-results/{kr_id}").get_data(as_text=True)


def test_a_reader_who_may_not_see_the_private_objective_reads_one_private_objective(app, rollup):
    page = page_for(app, "dee@example.com", rollup["kr"])
    assert "(0.84 + 0.50 + 1 private objective) / 3 → 68%" in page
    assert "0.70" not in page and "Cy&#39;s secret reorg" not in page and "secret reorg" not in page


def test_a_reader_who_may_see_it_reads_its_value(app, rollup):
    page = page_for(app, "admin@example.com", rollup["kr"])
    assert "(0.84 + 0.50 + 0.70) / 3 → 68%" in page


def test_the_api_explanation_hides_it_the_same_way(app, rollup, client):
    token = create_token(rollup["dee"], name="t")[1]
    db.session.commit()
    body = client.get(f"/api/v1/key-results/{rollup['kr']}", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["explanation"] == "rollup: mean of 3 aligned objective(s) = (0.84 + 0.50 + 1 private objective) / 3 → 68%"
