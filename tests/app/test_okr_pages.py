"""The OKR pages through the test client: My OKRs, objective and key-result forms and pages,
the inline check-in, and the limits as a person meets them in the form."""
from __future__ import annotations

import re

from datetime import date, timedelta

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


KR_FORM = {"title": "Grow net revenue retention", "kind": "increase", "start": "100", "target": "120",
           "unit": "%", "weight": "1", "leads_to_action": "yes", "reproducible": "yes", "about_buyers": "yes"}


# --- My OKRs ------------------------------------------------------------------------------------

def test_my_okrs_shows_my_objective_with_its_key_results_numbers_and_badges(client, build, auth):
    ana = build.person(name="Ana Ruiz")
    cycle = build.cycle()
    objective = build.objective(cycle, owner=ana, title="Make onboarding effortless")
    build.key_result(objective, title="Activated accounts", start=0, target=200, current=50, unit="accounts",
                     confidence="at_risk")
    vain = build.key_result(objective, title="Page views", start=0, target=10, current=10)
    vain.about_buyers = False
    db.session.commit()
    auth.sign_in(ana)
    page = client.get("/okrs/mine").get_data(as_text=True)
    assert "Make onboarding effortless" in page
    assert "50 accounts" in page and "200 accounts" in page
    assert "conf-at_risk" in page
    # Activated accounts: 50 / 200 = 0.25 after 3 of 12 weeks (expected 21 / 83 ≈ 0.25): pace badge shows
    assert "pace-ahead" in page or "pace-behind" in page
    assert page.count("vanity risk") == 1
    # objective: (0.25 + 1.0) / 2 = 0.625 → 63% (Jinja rounds half to even: 62.5 → 62)
    assert "62%" in page or "63%" in page


def test_my_okrs_offers_add_an_objective_until_the_personal_limit_is_reached(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    auth.sign_in(ana)
    assert "Add an objective" in client.get("/okrs/mine").get_data(as_text=True)
    build.objective(cycle, owner=ana)
    page = client.get("/okrs/mine").get_data(as_text=True)
    assert "Add an objective" not in page
    assert "limit of 1 objective per person" in page


def test_the_cycle_selector_shows_another_cycles_objectives(client, build, auth):
    ana = build.person()
    old = build.cycle(name="Old cycle", start=build.cycle().start - timedelta(weeks=12), state="closed")
    build.objective(old, owner=ana, title="Last quarter goal")
    auth.sign_in(ana)
    assert "Last quarter goal" not in client.get("/okrs/mine").get_data(as_text=True)
    page = client.get(f"/okrs/mine?cycle={old.id}").get_data(as_text=True)
    assert "Last quarter goal" in page
    assert "is closed" in page


# --- objectives ---------------------------------------------------------------------------------

def test_a_person_creates_their_objective_through_the_form(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    auth.sign_in(ana)
    form = client.get(f"/okrs/objectives/new?cycle={cycle.id}").get_data(as_text=True)
    assert f'<option selected value="person:{ana.id}">Me (' in form
    response = client.post(f"/okrs/objectives/new?cycle={cycle.id}",
                           data={"owner": f"person:{ana.id}", "title": "Win the mid-market", "aligned_kr": ""})
    assert response.status_code == 302
    objective = db.session.scalar(sa.select(Objective).where(Objective.title == "Win the mid-market"))
    assert objective.owner_person_id == ana.id and objective.cycle_id == cycle.id and not objective.private
    assert response.headers["Location"].endswith(f"/okrs/objectives/{objective.id}")


def test_a_second_personal_objective_is_refused_in_the_form_and_nothing_is_saved(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    build.objective(cycle, owner=ana)
    auth.sign_in(ana)
    response = client.post(f"/okrs/objectives/new?cycle={cycle.id}",
                           data={"owner": f"person:{ana.id}", "title": "One too many"})
    assert response.status_code == 422
    assert "the limit is 1 per person per cycle" in response.get_data(as_text=True)
    assert count(Objective) == 1


def test_an_objective_without_a_title_is_refused_with_the_reason(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    auth.sign_in(ana)
    response = client.post(f"/okrs/objectives/new?cycle={cycle.id}", data={"owner": f"person:{ana.id}", "title": " "})
    assert response.status_code == 422
    assert "An objective needs a title." in response.get_data(as_text=True)
    assert count(Objective) == 0


def test_the_alignment_select_groups_key_results_by_objective_and_saves_the_choice(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow lasting revenue")
    kr = build.key_result(company, kind="rollup", title="Net revenue retention above 110%")
    auth.sign_in(ana)
    form = client.get(f"/okrs/objectives/new?cycle={cycle.id}").get_data(as_text=True)
    assert '<optgroup label="Company: Grow lasting revenue">' in form
    assert "Net revenue retention above 110%" in form
    response = client.post(f"/okrs/objectives/new?cycle={cycle.id}",
                           data={"owner": f"person:{ana.id}", "title": "Expand my accounts", "aligned_kr": str(kr.id)})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(Objective.aligned_kr_id).where(Objective.title == "Expand my accounts")) == kr.id


def test_find_narrows_the_alignment_picker_without_javascript_keeping_what_was_typed(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow lasting revenue")
    nrr = build.key_result(company, kind="rollup", title="Net revenue retention above 110%")
    build.key_result(company, kind="rollup", title="Ship the partner portal")
    sales = build.objective(cycle, team=build.team("Sales"), title="Fill the pipeline")
    pipeline = build.key_result(sales, kind="rollup", title="Pipeline of 3x quota")
    auth.sign_in(ana)
    url = f"/okrs/objectives/new?cycle={cycle.id}"
    typed = {"owner": f"person:{ana.id}", "title": "Expand my accounts", "description": "Because.", "find": "Find"}
    response = client.post(url, data={**typed, "align_search": "sales  PIPELINE"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and count(Objective) == 2  # Find saves nothing: the two built above
    assert "1 key result matches \u201csales PIPELINE\u201d." in page
    assert "Pipeline of 3x quota" in page and "Net revenue retention" not in page and "partner portal" not in page
    assert 'value="Expand my accounts"' in page and "Because.</textarea>" in page  # what was typed is kept
    # the group (objective and owner) counts as words too: "lasting" matches both company key results
    both = client.post(url, data={**typed, "align_search": "lasting"}).get_data(as_text=True)
    assert "2 key results match" in both and "Pipeline of 3x quota" not in both
    # the key result already picked stays in the list whatever the words, so Find never drops a choice
    kept = client.post(url, data={**typed, "align_search": "portal", "aligned_kr": str(nrr.id)}).get_data(as_text=True)
    assert "Net revenue retention above 110%" in kept and "1 key result matches" in kept
    saved = client.post(url, data={"owner": f"person:{ana.id}", "title": "Expand my accounts",
                                   "aligned_kr": str(pipeline.id), "align_search": "pipeline"})
    assert saved.status_code == 302  # Save with words still in the box saves as usual
    assert db.session.scalar(sa.select(Objective.aligned_kr_id).where(Objective.owner_person_id == ana.id)) == pipeline.id


def test_the_objective_page_shows_the_cascade_above_the_explanation_and_the_objectives_below(client, build, auth):
    boss = build.person(role="manager")
    ana = build.person(manager=boss)
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow lasting revenue")
    company_kr = build.key_result(company, kind="rollup", title="Retention rolls up")
    team = build.objective(cycle, team=build.team("Sales"), title="Sell to retain", aligned_to=company_kr)
    team_kr = build.key_result(team, kind="rollup", title="Reps' retention")
    mine = build.objective(cycle, owner=ana, title="Renew every account", aligned_to=team_kr)
    build.key_result(mine, start=0, target=10, current=4, weight=1)   # 0.4
    build.key_result(mine, kind="milestone", current=1, weight=3)     # 1.0
    auth.sign_in(boss)
    page = client.get(f"/okrs/objectives/{team.id}").get_data(as_text=True)
    assert page.index("Grow lasting revenue") < page.index("Retention rolls up") < page.index("<h1>Sell to retain")
    # team KR = mean(ana's objective) = (1 × 0.4 + 3 × 1.0) / 4 = 3.4 / 4 = 0.85; team objective = 0.85
    assert "(1 × 0.85) / 1 = 0.85" in page
    assert "Renew every account" in page and f"/okrs/objectives/{mine.id}" in page
    mine_page = client.get(f"/okrs/objectives/{mine.id}").get_data(as_text=True)
    assert "(1 × 0.40 + 3 × 1.00) / 4 = 0.85" in mine_page


def test_editing_an_objective_saves_title_privacy_and_alignment(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    company = build.objective(cycle, company=True)
    kr = build.key_result(company, kind="rollup")
    objective = build.objective(cycle, owner=ana, title="Old title")
    auth.sign_in(ana)
    assert 'value="Old title"' in client.get(f"/okrs/objectives/{objective.id}/edit").get_data(as_text=True)
    response = client.post(f"/okrs/objectives/{objective.id}/edit",
                           data={"title": "New title", "aligned_kr": str(kr.id), "private": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(Objective, objective.id)
    assert (saved.title, saved.aligned_kr_id, saved.private) == ("New title", kr.id, True)


def test_deleting_an_objective_asks_first_and_then_removes_it_with_its_key_results(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    objective = build.objective(cycle, owner=ana, title="Short-lived")
    build.key_result(objective, current=5)
    auth.sign_in(ana)
    confirm = client.get(f"/okrs/objectives/{objective.id}/delete")
    assert confirm.status_code == 200 and "Delete this objective?" in confirm.get_data(as_text=True)
    assert count(Objective) == 1
    assert client.post(f"/okrs/objectives/{objective.id}/delete").status_code == 302
    assert (count(Objective), count(KeyResult), count(CheckIn)) == (0, 0, 0)


# --- key results --------------------------------------------------------------------------------

def test_a_key_result_is_added_through_the_form_with_the_vanity_answers(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    objective = build.objective(cycle, owner=ana)
    auth.sign_in(ana)
    form = client.get(f"/okrs/objectives/{objective.id}/key-results/new").get_data(as_text=True)
    for question in ("Does it lead to action that grows revenue?", "Can we reproduce the result on purpose?",
                     "Does it tell us about buyers rather than about ourselves?"):
        assert question in form
    assert "ignored for milestones and roll-ups" in form
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new",
                           data={**KR_FORM, "reproducible": "no"})
    assert response.status_code == 302
    kr = db.session.scalar(sa.select(KeyResult))
    assert (kr.kind, kr.start_value, kr.target_value, kr.unit, kr.reproducible) == ("increase", 100, 120, "%", False)
    assert kr.vanity_risk


def test_a_vanity_risk_badge_shows_wherever_the_key_result_appears(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    objective = build.objective(cycle, owner=ana)
    auth.sign_in(ana)
    client.post(f"/okrs/objectives/{objective.id}/key-results/new", data={**KR_FORM, "about_buyers": "no"})
    kr = db.session.scalar(sa.select(KeyResult))
    for url in ("/okrs/mine", f"/okrs/objectives/{objective.id}", f"/okrs/key-results/{kr.id}",
                f"/cycles/{cycle.id}/grades"):
        assert 'class="badge vanity"' in client.get(url).get_data(as_text=True), url


def test_the_vanity_questions_must_be_answered(client, build, auth):
    ana = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    auth.sign_in(ana)
    data = {key: value for key, value in KR_FORM.items() if key != "leads_to_action"}
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new", data=data)
    assert response.status_code == 422
    assert "Answer yes or no: does it lead to action that grows revenue?" in response.get_data(as_text=True)
    assert count(KeyResult) == 0


def test_a_quantitative_key_result_needs_start_and_target_but_a_milestone_ignores_them(client, build, auth):
    ana = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    auth.sign_in(ana)
    url = f"/okrs/objectives/{objective.id}/key-results/new"
    response = client.post(url, data={**KR_FORM, "kind": "stay_above", "target": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "stay_above" not in page.split("<form")[0]  # no internal names in what people read
    target = page.split('id="target"')[1].split("</label>")[0]
    assert "A “stay above” key result needs a start and a target." in target  # said beside the empty field
    [tag] = re.findall(r'<input[^>]*id="target"[^>]*>', page)
    assert 'aria-describedby="target-error target-help"' in tag and 'aria-invalid="true"' in tag
    assert count(KeyResult) == 0
    assert client.post(url, data={**KR_FORM, "kind": "milestone", "title": "Launch"}).status_code == 302
    kr = db.session.scalar(sa.select(KeyResult))
    assert (kr.kind, kr.start_value, kr.target_value) == ("milestone", None, None)


def test_a_due_date_outside_the_cycle_is_refused(client, build, auth):
    ana = build.person()
    cycle = build.cycle()
    objective = build.objective(cycle, owner=ana)
    auth.sign_in(ana)
    late = (cycle.end + timedelta(days=1)).isoformat()
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new", data={**KR_FORM, "due": late})
    assert response.status_code == 422
    assert "The due date must be inside the cycle" in response.get_data(as_text=True)
    assert count(KeyResult) == 0


def test_a_sixth_key_result_is_refused_in_the_form_and_nothing_is_saved(client, build, auth):
    ana = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    for _ in range(5):
        build.key_result(objective)
    auth.sign_in(ana)
    assert "Add a key result" not in client.get(f"/okrs/objectives/{objective.id}").get_data(as_text=True)
    response = client.post(f"/okrs/objectives/{objective.id}/key-results/new", data=KR_FORM)
    assert response.status_code == 422
    assert "already has 5 key results; the limit is 5" in response.get_data(as_text=True)
    assert count(KeyResult) == 5


def test_the_key_result_page_shows_history_the_filled_in_formula_and_the_expected_value_today(client, build, auth,
                                                                                             clock):
    start = date(2026, 3, 2)  # a Monday
    clock.pin(start + timedelta(days=21))
    ana = build.person(name="Ana Ruiz")
    cycle = build.cycle(start=start)
    objective = build.objective(cycle, owner=ana)
    kr = build.key_result(objective, title="Qualified pipeline", start=100, target=200, unit="deals")
    auth.sign_in(ana)
    url = f"/okrs/key-results/{kr.id}/check-ins"
    client.post(url, data={"value": "120", "confidence": "on_track", "note": "Webinar"})
    client.post(url, data={"value": "130", "confidence": "at_risk", "note": "Slow week"})
    page = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)
    assert "increase: (130 − 100) / (200 − 100) = 0.30 → 30%" in page
    assert page.index("Slow week") < page.index("Webinar")  # newest first
    assert page.count("Ana Ruiz") >= 2 and "120 deals" in page and "130 deals" in page
    # 21 of 83 days in: expected 100 + 21/83 × 100 = 125.3 → 125 deals, 25% of the way; 0.30 ≥ 0.25 → ahead
    assert "125 deals (25% of the way)" in page
    assert "pace-ahead" in page


def test_a_check_in_through_the_key_result_page_becomes_the_current_value(client, build, auth):
    ana = build.person()
    kr = build.key_result(build.objective(build.cycle(), owner=ana), start=0, target=10)
    auth.sign_in(ana)
    response = client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "7", "confidence": "at_risk"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(KeyResult, kr.id)
    assert (saved.current_value, saved.confidence, len(saved.check_ins)) == (7, "at_risk", 1)


def test_a_check_in_that_is_not_a_number_is_refused_and_nothing_is_saved(client, build, auth):
    ana = build.person()
    kr = build.key_result(build.objective(build.cycle(), owner=ana), kind="milestone")
    auth.sign_in(ana)
    response = client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "lots", "confidence": "on_track"})
    assert response.status_code == 422
    response = client.post(f"/okrs/key-results/{kr.id}/check-ins", data={"value": "0.5", "confidence": "on_track"})
    assert response.status_code == 422
    assert "A milestone takes 1 (done) or 0 (not done yet)." in response.get_data(as_text=True)
    assert count(CheckIn) == 0


def test_editing_a_key_result_saves_its_numbers_and_answers(client, build, auth):
    ana = build.person()
    kr = build.key_result(build.objective(build.cycle(), owner=ana), start=0, target=10)
    auth.sign_in(ana)
    assert 'value="10"' in client.get(f"/okrs/key-results/{kr.id}/edit").get_data(as_text=True)
    response = client.post(f"/okrs/key-results/{kr.id}/edit", data={
        "title": "Sharper", "start": "0", "target": "25", "unit": "logos", "weight": "2",
        "leads_to_action": "no", "reproducible": "yes", "about_buyers": "yes"})
    assert response.status_code == 302
    db.session.expire_all()
    saved = db.session.get(KeyResult, kr.id)
    assert (saved.title, saved.target_value, saved.unit, saved.weight, saved.vanity_risk) == (
        "Sharper", 25, "logos", 2, True)


def test_deleting_a_key_result_asks_first_then_removes_it_and_its_history(client, build, auth):
    ana = build.person()
    objective = build.objective(build.cycle(), owner=ana)
    kr = build.key_result(objective, current=3)
    auth.sign_in(ana)
    assert "Delete this key result?" in client.get(f"/okrs/key-results/{kr.id}/delete").get_data(as_text=True)
    response = client.post(f"/okrs/key-results/{kr.id}/delete")
    assert response.headers["Location"].endswith(f"/okrs/objectives/{objective.id}")
    assert (count(KeyResult), count(CheckIn)) == (0, 0)


def test_a_rollup_key_result_page_lists_its_aligned_objectives_and_offers_no_check_in(client, build, auth):
    lead = build.person(role="leader")
    cycle = build.cycle()
    company = build.objective(cycle, company=True)
    rollup = build.key_result(company, kind="rollup", title="Everyone's progress")
    child = build.objective(cycle, owner=build.person(manager=lead), title="Child objective", aligned_to=rollup)
    build.key_result(child, start=0, target=4, current=1)  # 1 / 4 = 0.25
    auth.sign_in(lead)
    page = client.get(f"/okrs/key-results/{rollup.id}").get_data(as_text=True)
    assert "Child objective" in page
    assert "rollup: mean of 1 aligned objective(s) = (0.25) / 1 → 25%" in page
    assert 'name="value"' not in page


def test_the_align_link_on_a_key_result_preselects_it_in_the_new_objective_form(client, build, auth):
    ana = build.person()
    peer = build.person()
    cycle = build.cycle()
    peer_kr = build.key_result(build.objective(cycle, owner=peer), title="Peer's pipeline")
    auth.sign_in(ana)
    kr_page = client.get(f"/okrs/key-results/{peer_kr.id}").get_data(as_text=True)
    link = f"/okrs/objectives/new?cycle={cycle.id}&amp;aligned_to={peer_kr.id}"
    assert link in kr_page
    form = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert f'<option selected value="{peer_kr.id}">' in form
