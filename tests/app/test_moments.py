"""The rules that depend on the date, at the moments that break naive code: a Sunday a minute before midnight
UTC, the Monday just after, a New Year's Day inside ISO week 53, and a company timezone west of UTC.

Every test pins the clock (`clock.pin`), builds its cycle with an explicit start, and goes through the door a
person uses (the web page or the API), so it also proves each door reads "now" from `okr_app.clock`."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa

from okr_app.api.tokens import create_token
from okr_app.clock import today
from okr_app.cycles.pages import when_label
from okr_app.cycles.services import snapshot_due
from okr_app.domain.weeks import iso_week_of
from okr_app.extensions import db
from okr_app.models import WeeklyReport

SUNDAY_LATE = datetime(2026, 11, 29, 23, 59)   # Sunday of 2026-W48, UTC
MONDAY_EARLY = datetime(2026, 11, 30, 0, 1)    # Monday of 2026-W49, UTC
NEW_YEAR = datetime(2027, 1, 1, 9, 0)          # a Friday, still ISO week 2026-W53
CYCLE_START = date(2026, 10, 5)                # a Monday: 12 weeks run to 2026-12-27

REPORT = {"progress": "Closed two pilots", "plans": "Ship the import", "problems": "", "satisfaction": "4"}


@pytest.mark.parametrize("moment, week", [(SUNDAY_LATE, "2026-W48"), (MONDAY_EARLY, "2026-W49"),
                                          (NEW_YEAR, "2026-W53")])
def test_the_weekly_check_in_saves_into_the_iso_week_of_the_moment_it_is_sent(client, build, auth, clock,
                                                                               moment, week):
    clock.pin(moment)
    ana = build.person()
    auth.sign_in(ana)
    assert week in client.get("/check-in").get_data(as_text=True)
    assert client.post("/check-in", data=REPORT).status_code == 302
    assert db.session.scalars(sa.select(WeeklyReport.iso_week)).all() == [week]


def test_a_report_opened_on_sunday_night_and_sent_on_monday_morning_lands_in_the_new_week(client, build, auth,
                                                                                          clock):
    clock.pin(SUNDAY_LATE)
    ana = build.person()
    auth.sign_in(ana)
    assert "2026-W48" in client.get("/check-in").get_data(as_text=True)
    clock.pin(MONDAY_EARLY)
    # The page carried week 48 in its hidden field; the service refuses last week's report, the page says so.
    refused = client.post("/check-in", data={**REPORT, "week": "2026-W48"})
    assert refused.status_code == 422 and "is not this week (2026-W49)" in refused.get_data(as_text=True)
    assert client.post("/check-in", data={**REPORT, "week": "2026-W49"}).status_code == 302
    assert db.session.scalars(sa.select(WeeklyReport.iso_week)).all() == ["2026-W49"]


def test_the_company_timezone_decides_the_week_a_sunday_evening_in_new_york_belongs_to(app, client, build, auth,
                                                                                        clock):
    app.config["TIMEZONE"] = "America/New_York"
    clock.pin(MONDAY_EARLY)  # 00:01 UTC on Monday is 19:01 on Sunday in New York (UTC−5 in November)
    ana = build.person()
    auth.sign_in(ana)
    assert today() == date(2026, 11, 29)
    assert client.post("/check-in", data=REPORT).status_code == 302
    assert db.session.scalars(sa.select(WeeklyReport.iso_week)).all() == ["2026-W48"]


def test_the_api_takes_this_weeks_report_in_week_53_on_new_years_day(client, build, clock):
    clock.pin(NEW_YEAR)
    ana = build.person()
    secret = create_token(ana, name="test")[1]
    db.session.commit()
    response = client.post("/api/v1/weekly", headers={"Authorization": f"Bearer {secret}"},
                           json={"progress": "p", "plans": "q", "problems": "", "satisfaction": 3})
    assert response.status_code in (200, 201), response.get_json()
    assert response.get_json()["week"] == "2026-W53"


@pytest.mark.parametrize("moment, label", [
    (SUNDAY_LATE, "week 8 of 12"),    # 2026-11-29 − 2026-10-05 = 55 days → 55 // 7 + 1 = 8
    (MONDAY_EARLY, "week 9 of 12"),   # 56 days → 9
    (NEW_YEAR, "ended 2026-12-27, not closed yet"),   # past the last day, 2026-10-05 + 83 days
])
def test_the_cycle_week_number_turns_at_midnight_between_sunday_and_monday(build, clock, moment, label):
    clock.pin(moment)
    cycle = build.cycle(start=CYCLE_START)
    assert when_label(cycle, today()) == label


def test_the_mid_cycle_snapshot_falls_due_on_the_monday_after_week_6(build, clock):
    cycle = build.cycle(start=CYCLE_START)  # week 6 ends Sunday 2026-11-15 (start + 41 days)
    clock.pin(datetime(2026, 11, 15, 23, 59))
    assert cycle.midpoint == date(2026, 11, 15) and not snapshot_due(cycle, today())
    clock.pin(datetime(2026, 11, 16, 0, 1))
    assert snapshot_due(cycle, today())


def test_pace_and_the_expected_value_on_the_key_result_page_follow_the_pinned_day(client, build, auth, clock):
    ana = build.person()
    cycle = build.cycle(start=CYCLE_START)
    kr = build.key_result(build.objective(cycle, owner=ana), start=0, target=830, current=300, unit="calls")
    clock.pin(SUNDAY_LATE)
    auth.sign_in(ana)  # at each moment: a session cookie from the future, or 31 days old, is void
    # 55 of 83 days: expected 830 × 55/83 = 550 calls (66% of the way); 300 / 830 = 0.36 < 0.66 → behind
    page = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)
    assert "550 calls (66% of the way)" in page and "pace-behind" in page
    clock.pin(datetime(2026, 10, 12, 12, 0))
    auth.sign_in(ana)
    # 7 of 83 days: expected 830 × 7/83 = 70 calls (8% of the way); 0.36 ≥ 0.08 → ahead
    page = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)
    assert "70 calls (8% of the way)" in page and "pace-ahead" in page


def test_no_check_in_for_two_weeks_flags_the_objective_only_after_fourteen_whole_days(client, build, auth, clock):
    lead = build.person(role="leader")
    ana = build.person(name="Ana Stale")
    cycle = build.cycle(start=CYCLE_START)
    objective = build.objective(cycle, owner=ana, title="Tidy the funnel")
    last = datetime(2026, 11, 2, 9, 0)
    clock.pin(last)
    build.key_result(objective, current=10)  # checked in at `last`
    clock.pin(last + timedelta(days=14))  # exactly 14 days: not yet "2+ weeks"
    auth.sign_in(lead)  # at each moment: sessions expire after 12 idle hours
    assert "Tidy the funnel" not in client.get(f"/tree?cycle={cycle.id}&status=stale").get_data(as_text=True)
    clock.pin(last + timedelta(days=14, minutes=1))
    assert "Tidy the funnel" in client.get(f"/tree?cycle={cycle.id}&status=stale").get_data(as_text=True)


def test_iso_week_53_and_week_1_meet_across_new_year():
    assert [iso_week_of(date(2026, 12, 28)), iso_week_of(date(2027, 1, 3)), iso_week_of(date(2027, 1, 4))] == [
        "2026-W53", "2026-W53", "2027-W01"]
