"""Roll-up through three levels: company ← team ← two people, as `ProgressBook` computes it and as
the objective page shows it; a check-in at the bottom moves every level above it."""
from __future__ import annotations

import pytest

from okr_app.okrs.progress import ProgressBook
from okr_app.okrs.services import check_in
from okr_app.policy import Actor


@pytest.fixture
def cascade(build):
    """Company objective (rollup KR + an undone milestone) ← team objective (rollup KR + an increase KR)
    ← Ana's and Ben's objectives with checked-in key results."""
    lead = build.person(role="leader")
    manager = build.person(role="manager", manager=lead)
    ana = build.person(manager=manager, name="Ana")
    ben = build.person(manager=manager, name="Ben")
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow lasting revenue")
    company_rollup = build.key_result(company, kind="rollup")
    build.key_result(company, kind="milestone")                                     # not done: 0
    team = build.objective(cycle, team=build.team("Sales"), aligned_to=company_rollup)
    team_rollup = build.key_result(team, kind="rollup")
    build.key_result(team, start=0, target=100, current=50)                         # 50 / 100 = 0.5
    ana_objective = build.objective(cycle, owner=ana, aligned_to=team_rollup)
    ana_kr = build.key_result(ana_objective, start=0, target=10, current=6)         # 6 / 10 = 0.6
    build.key_result(ana_objective, kind="milestone", current=1)                    # done: 1.0
    ben_objective = build.objective(cycle, owner=ben, aligned_to=team_rollup)
    build.key_result(ben_objective, kind="decrease", start=50, target=10, current=40, weight=3)  # -10/-40 = 0.25
    build.key_result(ben_objective, kind="stay_below", start=0, target=5, current=7)            # 7 > 5: 0
    return dict(cycle=cycle, company=company, team=team, ana=ana, ana_objective=ana_objective,
                ben_objective=ben_objective, ana_kr=ana_kr, team_rollup=team_rollup,
                company_rollup=company_rollup, lead=lead)


def test_progress_rolls_up_through_three_levels(cascade):
    book = ProgressBook.for_cycle(cascade["cycle"].id)
    # Ana: (0.6 + 1.0) / 2 = 0.8
    assert book.objective_progress(cascade["ana_objective"].id) == pytest.approx(0.8)
    # Ben: (3 × 0.25 + 1 × 0) / 4 = 0.1875
    assert book.objective_progress(cascade["ben_objective"].id) == pytest.approx(0.1875)
    # team rollup KR: mean(0.8, 0.1875) = 0.49375; team: (0.49375 + 0.5) / 2 = 0.496875
    assert book.kr_progress(cascade["team_rollup"].id) == pytest.approx(0.49375)
    assert book.objective_progress(cascade["team"].id) == pytest.approx(0.496875)
    # company rollup KR: mean(0.496875) = 0.496875; company: (0.496875 + 0) / 2 = 0.2484375
    assert book.kr_progress(cascade["company_rollup"].id) == pytest.approx(0.496875)
    assert book.objective_progress(cascade["company"].id) == pytest.approx(0.2484375)


def test_a_check_in_at_the_bottom_moves_every_level_above_it(cascade):
    check_in(Actor(cascade["ana"]), cascade["ana_kr"], 10)
    book = ProgressBook.for_cycle(cascade["cycle"].id)
    # Ana: (1.0 + 1.0) / 2 = 1.0; team rollup: (1.0 + 0.1875) / 2 = 0.59375; team: (0.59375 + 0.5) / 2 = 0.546875
    assert book.objective_progress(cascade["team"].id) == pytest.approx(0.546875)
    # company: (0.546875 + 0) / 2 = 0.2734375
    assert book.objective_progress(cascade["company"].id) == pytest.approx(0.2734375)


def test_the_objective_pages_show_the_rolled_up_numbers_and_their_formulas(client, auth, cascade):
    auth.login(cascade["lead"].email)
    company = client.get(f"/okrs/objectives/{cascade['company'].id}").get_data(as_text=True)
    # (1 × 0.50 + 1 × 0.00) / 2 = 0.25 (0.496875 and 0 shown to two decimals; 0.2484375 → 0.25)
    assert "(1 × 0.50 + 1 × 0.00) / 2 = 0.25" in company
    team_kr = client.get(f"/okrs/key-results/{cascade['team_rollup'].id}").get_data(as_text=True)
    assert "rollup: mean of 2 aligned objective(s) = (0.80 + 0.19) / 2 → 49%" in team_kr


def test_a_person_checking_in_on_their_key_result_page_moves_the_company_figure(client, auth, cascade):
    auth.login(cascade["ana"].email)
    response = client.post(f"/okrs/key-results/{cascade['ana_kr'].id}/check-ins",
                           data={"value": "10", "confidence": "on_track"})
    assert response.status_code == 302
    company = client.get(f"/okrs/objectives/{cascade['company'].id}").get_data(as_text=True)
    # team now 0.546875 → shown 0.55; company (0.546875 + 0) / 2 = 0.2734375 → 0.27
    assert "(1 × 0.55 + 1 × 0.00) / 2 = 0.27" in company
