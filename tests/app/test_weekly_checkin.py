"""The weekly check-in page: one page, one submit, all saved or nothing."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, WeeklyReport
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

pytestmark = pytest.mark.usefixtures("time_stands_still")


def this_week() -> str:
    return iso_week_of(today())


def last_week() -> str:
    return iso_week_of(today() - timedelta(days=7))


@pytest.fixture
def mine(build, auth):
    """I own an objective aligned to the company's roll-up, with a numeric, a milestone and a roll-up KR."""
    lead = build.person(role="leader")
    me = build.person(manager=lead, email="me@example.com", name="Maya Rep")
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    build.key_result(company, kind="rollup")
    objective = build.objective(cycle, owner=me, title="Open the Nordics")
    deals = build.key_result(objective, start=0, target=10, current=2, unit="deals", title="Close ten deals")
    launch = build.key_result(objective, kind="milestone", title="Launch the Oslo office")
    rollup = build.key_result(objective, kind="rollup", title="Partners' objectives")
    auth.login("me@example.com")
    return {"me": me, "deals": deals, "launch": launch, "rollup": rollup, "objective": objective}


def post(client, mine, **fields):
    data = {"week": this_week(), "progress": "Two demos", "plans": "Close Acme", "problems": "", "satisfaction": "4",
            f"kr_{mine['deals'].id}_value": "2", f"kr_{mine['deals'].id}_confidence": "on_track",
            f"kr_{mine['launch'].id}_value": "0", f"kr_{mine['launch'].id}_confidence": "on_track"}
    data.update(fields)
    return client.post("/check-in", data=data)


def saved_check_ins() -> list[tuple[int, float]]:
    return [(c.key_result_id, c.value) for c in db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id))]


def test_the_page_asks_for_each_of_my_key_results_prefilled_but_not_for_rollups(client, mine):
    page = client.get("/check-in").get_data(as_text=True)
    assert f'name="kr_{mine["deals"].id}_value"' in page and 'value="2"' in page
    assert f'<select id="kr_{mine["launch"].id}_value"' in page and "Not done yet" in page
    assert f'kr_{mine["rollup"].id}_value' not in page
    assert "Close ten deals" in page and "Open the Nordics" in page
    assert f'name="week" type="hidden" value="{this_week()}"' in page


def test_the_page_shows_last_weeks_plans_and_prefills_this_weeks_report(client, build, mine):
    build.weekly(mine["me"], week=last_week(), plans="Book the Oslo venue")
    build.weekly(mine["me"], week=this_week(), progress="Venue booked", satisfaction=5)
    page = client.get("/check-in").get_data(as_text=True)
    assert "Book the Oslo venue" in page and last_week() in page
    assert "Venue booked</textarea>" in page
    assert 'checked id="satisfaction-4" name="satisfaction" type="radio" value="5"' in page


def test_a_submit_saves_the_updates_and_the_report_then_says_so(client, mine):
    response = post(client, mine, **{f"kr_{mine['deals'].id}_value": "5",
                                     f"kr_{mine['deals'].id}_note": "Acme signed",
                                     f"kr_{mine['launch'].id}_value": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/check-in")
    assert f"2 key results updated, report for {this_week()} saved" in client.get("/check-in").get_data(as_text=True)
    assert saved_check_ins()[-2:] == [(mine["deals"].id, 5.0), (mine["launch"].id, 1.0)]
    last = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id.desc())).first()
    assert last.author_id == mine["me"].id
    report = db.session.scalar(sa.select(WeeklyReport))
    assert (report.person_id, report.iso_week, report.satisfaction) == (mine["me"].id, this_week(), 4)


@pytest.mark.parametrize("typed, stored", [("1,250", 1250.0), ("$500,000", 500000.0), ("12.5 %", 12.5)])
def test_a_value_typed_the_way_cadence_prints_values_is_stored_as_its_number(client, mine, typed, stored):
    assert post(client, mine, **{f"kr_{mine['deals'].id}_value": typed}).status_code == 302
    assert saved_check_ins()[-1] == (mine["deals"].id, stored)


def test_submitting_twice_in_a_week_updates_the_one_report(client, mine):
    post(client, mine)
    post(client, mine, progress="Three demos", satisfaction="2")
    reports = list(db.session.scalars(sa.select(WeeklyReport)))
    assert [(r.iso_week, r.progress, r.satisfaction) for r in reports] == [(this_week(), "Three demos", 2)]


def test_an_untouched_page_records_no_key_result_update(client, mine):
    post(client, mine)
    assert saved_check_ins() == [(mine["deals"].id, 2.0)]  # the builder's first check-in only
    assert f"No key result changed; report for {this_week()} saved" in client.get("/check-in").get_data(as_text=True)


@pytest.mark.parametrize("field, value, message", [
    ("deals", "lots", "is not a number"),
    ("deals", "inf", "is not a number"),
    ("deals", "€1.2k", "uses shorthand; write the full number, like 1200"),
    ("launch", "2", "A milestone takes 1 (done) or 0"),
    ("satisfaction", "0", "Satisfaction is a whole number from 1"),
    ("satisfaction", "6", "Satisfaction is a whole number from 1"),
])
def test_a_bad_value_re_renders_the_page_with_the_message_and_saves_nothing(client, mine, field, value, message):
    fields = {f"kr_{mine['deals'].id}_value": "7", "progress": "Kept this text"}
    if field == "satisfaction":
        fields["satisfaction"] = value
    else:
        fields[f"kr_{mine[field].id}_value"] = value
    response = post(client, mine, **fields)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing was saved" in page and message in page
    assert "Kept this text</textarea>" in page  # what I typed is still there to fix
    assert saved_check_ins() == [(mine["deals"].id, 2.0)]
    assert db.session.get(KeyResult, mine["deals"].id).current_value == 2.0
    assert db.session.scalar(sa.select(sa.func.count(WeeklyReport.id))) == 0


def test_the_field_with_the_bad_value_carries_the_message(client, mine):
    page = post(client, mine, **{f"kr_{mine['deals'].id}_value": "ten"}).get_data(as_text=True)
    field_html = page.split(f'id="kr_{mine["deals"].id}_value"')[1].split("</label>")[0]
    assert "field-error" in field_html and "Close ten deals: “ten” is not a number" in field_html


def test_a_page_opened_last_week_is_refused_and_offered_again_for_this_week(client, mine):
    response = post(client, mine, week=last_week())
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and f"Week {last_week()} is not this week" in page
    assert f'name="week" type="hidden" value="{this_week()}"' in page
    assert db.session.scalar(sa.select(sa.func.count(WeeklyReport.id))) == 0


def test_a_key_result_that_is_not_mine_is_not_on_the_form_and_a_forged_field_is_ignored(client, build, mine):
    other = build.person()
    theirs = build.key_result(build.objective(mine["objective"].cycle, owner=other), start=0, target=10)
    assert f"kr_{theirs.id}_value" not in client.get("/check-in").get_data(as_text=True)
    post(client, mine, **{f"kr_{theirs.id}_value": "9"})
    assert db.session.get(KeyResult, theirs.id).current_value is None


def test_with_no_cycle_the_page_still_takes_the_weekly_report(client, build, auth):
    build.person(email="new@example.com")
    auth.login("new@example.com")
    assert "There is no cycle yet" in client.get("/check-in").get_data(as_text=True)
    response = client.post("/check-in", data={"week": this_week(), "progress": "Onboarding", "satisfaction": "5"})
    assert response.status_code == 302
    assert db.session.scalar(sa.select(WeeklyReport.progress)) == "Onboarding"


def test_signing_in_is_required(client):
    response = client.get("/check-in")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_every_refused_field_is_marked_at_once(client, mine):
    page = post(client, mine, satisfaction="", **{f"kr_{mine['deals'].id}_value": "ten",
                                                  f"kr_{mine['launch'].id}_value": "5"}).get_data(as_text=True)
    assert page.count('class="field-error"') == 3  # the two values and the satisfaction group
    assert "Satisfaction is missing: choose how satisfied you are" in page


def test_a_missing_satisfaction_marks_the_radio_group_in_plain_words(client, mine):
    response = post(client, mine, satisfaction="")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    group = page.split('id="satisfaction-group"')[1].split("</fieldset>")[0]
    assert 'aria-invalid="true"' in group and 'aria-describedby="satisfaction-error"' in group
    assert "Satisfaction is missing: choose how satisfied you are" in group


def test_an_over_long_report_is_refused_beside_its_field_and_never_cut(client, mine):
    long_text = "x" * 10_001
    response = post(client, mine, problems=long_text)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    field = page.split('id="problems"')[1].split("</label>")[0]
    assert "maxlength" not in field and long_text in field  # kept whole, to shorten
    assert 'class="field-error" id="problems-error"' in field and "longer than the 10000 characters" in field
