"""A key result's history as a server-rendered SVG against the expected pace, with a text alternative."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from okr_app.extensions import db
from okr_app.models import CheckIn

MONDAY = date(2026, 3, 2)


@pytest.fixture
def kr(build, clock, auth):
    clock.pin(date(2026, 3, 23))  # 21 days into a 12-week cycle ending 2026-05-24 (83 days from the start)
    me = build.person(email="me@example.com")
    cycle = build.cycle(name="Q1", start=MONDAY, weeks=12)
    objective = build.objective(cycle, owner=me, title="Pipeline")
    kr = build.key_result(objective, title="Pipeline $", start=0, target=83000, unit="$")
    for day, value in ((date(2026, 3, 9), 5000), (date(2026, 3, 16), 12000), (date(2026, 3, 20), 30000)):
        db.session.add(CheckIn(key_result_id=kr.id, value=value, created_at=datetime(day.year, day.month, day.day, 9)))
    kr.current_value = 30000
    db.session.commit()
    auth.login(me.email)
    return kr


def test_the_key_result_page_draws_the_values_against_the_pace_line_without_javascript(client, kr):
    page = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True)
    svg = page.split('<svg class="kr-chart"')[1].split("</svg>")[0]
    assert 'role="img"' in svg and 'class="pace"' in svg and 'class="actual"' in svg
    assert svg.count('class="point"') == 3 and "2026-03-20: $30,000" in svg
    # the text alternative: the pace asks 0 + 21/83 × 83,000 = $21,000 today
    assert "3 check-ins: $5,000 on 2026-03-09, latest $30,000 on 2026-03-20." in page
    assert "($21,000 today)" in page
    assert "<script" not in svg


def test_the_pace_line_runs_from_start_on_day_one_to_target_on_the_due_date(client, kr):
    svg = client.get(f"/okrs/key-results/{kr.id}").get_data(as_text=True).split('class="pace" points="')[1]
    first, last = svg.split('"')[0].split()
    # x from 84 (day 0) to 624 (day 83); y from 210 (the lowest value, $0) to 14 (the highest, $83,000)
    assert first == "84.0,210.0" and last == "624.0,14.0"


def test_the_objective_page_shows_a_small_chart_per_key_result(client, kr, build):
    build.key_result(kr.objective, kind="milestone", title="Launch")
    page = client.get(f"/okrs/objectives/{kr.objective_id}").get_data(as_text=True)
    assert page.count('<svg class="kr-chart small"') == 2 and "History at a glance" in page


def test_a_rollup_has_no_chart_of_its_own(client, kr, build):
    rollup = build.key_result(kr.objective, kind="rollup", title="Everyone's pipelines")
    assert "kr-chart" not in client.get(f"/okrs/key-results/{rollup.id}").get_data(as_text=True)
