"""In a real browser: sign in, read the cascade, submit the weekly check-in, watch the roll-up move;
expand/collapse and the status filter; a private objective stays hidden from a peer.

Every page is driven as a person would (labels, button names, link text); the only structural
selectors are the tree's `details`/`summary` (that *is* expand/collapse) and the progress label
`.pct` inside a summary, the one place the page prints an objective's percentage."""
from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from okr_app.extensions import db
from okr_app.models import CheckIn, WeeklyReport
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

COMPANY = "Grow revenue that lasts"
SALES = "Sales builds a pipeline that renews"
ALEX = "Open the mid-market segment"
BLAKE = "Ship the onboarding playbook"


def summary_of(page, title: str):
    """The summary line of the tree node whose title link reads `title` (nested nodes have their own)."""
    return page.locator("summary", has=page.get_by_role("link", name=title, exact=True))


def percentage_of(page, title: str) -> str:
    return summary_of(page, title).locator(".pct").inner_text().strip()


def seed_sales_cascade(build):
    """Company → Sales team → Alex, three levels of roll-up, and Alex's manager Sam.

    Company objective: KR "Sales objectives" (rollup of the Sales team objective) and KR "Net revenue
    retention" increase 90 → 110 %, now 97: (97 − 90) / (110 − 90) = 0.35.
    Sales team objective: one rollup KR of Alex's objective.
    Alex: "Qualified pipeline" increase 0 → 200 k, now 60: 60 / 200 = 0.30; "Publish the pricing
    page" milestone, not done: 0. Alex = (0.30 + 0) / 2 = 0.15; Sales = 0.15; company rollup KR =
    0.15; company = (0.15 + 0.35) / 2 = 0.25, shown 25%."""
    sales = build.team("Sales")
    leader = build.person("Maya Okafor", role="leader", email="maya@example.com")
    sam = build.person("Sam Rivera", role="manager", manager=leader, team=sales, email="sam@example.com")
    alex = build.person("Alex Chen", manager=sam, team=sales, email="alex@example.com")
    cycle = build.cycle(name="Q-test")
    company = build.objective(cycle, company=True, title=COMPANY)
    sales_kr = build.key_result(company, kind="rollup", title="Sales objectives")
    build.key_result(company, start=90, target=110, current=97, unit="%", title="Net revenue retention")
    team = build.objective(cycle, team=sales, title=SALES, aligned_to=sales_kr)
    people_kr = build.key_result(team, kind="rollup", title="Sellers' objectives")
    mine = build.objective(cycle, owner=alex, title=ALEX, aligned_to=people_kr)
    pipeline = build.key_result(mine, start=0, target=200, current=60, unit="k", title="Qualified pipeline")
    build.key_result(mine, kind="milestone", title="Publish the pricing page")
    return {"alex": alex, "sam": sam, "pipeline": pipeline}


def test_the_e2e_app_refuses_a_form_posted_without_its_csrf_token(app, build):
    """The browser tests run with CSRF on; without this the sign-in below would prove nothing about it."""
    build.person(email="nobody@example.com")
    response = app.test_client().post("/login", data={"email": "nobody@example.com",
                                                      "password": build.PASSWORD})
    assert response.status_code == 400
    assert "session" not in response.headers.get("Set-Cookie", "")


def test_a_weekly_check_in_with_a_key_result_update_moves_the_roll_up_on_the_tree(session, build):
    seeded = seed_sales_cascade(build)
    page = session.sign_in("alex@example.com")

    session.nav("Cascade")
    page.get_by_role("heading", name=re.compile("Cascade")).wait_for()
    # Before: Alex 0.15, Sales 0.15, company (0.15 + 0.35) / 2 = 0.25 (see seed_sales_cascade).
    assert percentage_of(page, ALEX) == "15%"
    assert percentage_of(page, SALES) == "15%"
    assert percentage_of(page, COMPANY) == "25%"

    session.nav("Check-in")
    pipeline = page.locator("article", has=page.get_by_role("link", name="Qualified pipeline"))
    pipeline.get_by_label("New value").fill("180")
    pipeline.get_by_label("Confidence").select_option(label="On track")
    pipeline.get_by_label("Note").fill("Two mid-market logos signed discovery calls")
    page.get_by_role("textbox", name=re.compile(r"^Progress")).fill("Booked four discovery calls.")
    page.get_by_role("textbox", name=re.compile(r"^Plans")).fill("Run the pricing review with finance.")
    page.get_by_role("textbox", name=re.compile(r"^Problems")).fill("Legal review of the MSA is slow.")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()

    week = iso_week_of(today())
    page.get_by_role("status").filter(has_text="1 key result updated").wait_for()
    assert f"report for {week} saved" in page.get_by_role("status").first.inner_text()

    session.nav("Cascade")
    # After: pipeline 180 / 200 = 0.90; Alex (0.90 + 0) / 2 = 0.45; Sales 0.45;
    # company (0.45 + 0.35) / 2 = 0.40.
    assert percentage_of(page, ALEX) == "45%"
    assert percentage_of(page, SALES) == "45%"
    assert percentage_of(page, COMPANY) == "40%"

    db.session.expire_all()
    report = db.session.scalar(sa.select(WeeklyReport).where(WeeklyReport.person_id == seeded["alex"].id))
    assert (report.iso_week, report.satisfaction) == (week, 4)
    assert (report.progress, report.plans, report.problems) == (
        "Booked four discovery calls.", "Run the pricing review with finance.", "Legal review of the MSA is slow.")
    latest = db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id == seeded["pipeline"].id)
                                .order_by(CheckIn.id.desc())).first()
    assert (latest.value, latest.note) == (180, "Two mid-market logos signed discovery calls")


def test_the_check_in_page_keeps_what_was_typed_when_a_value_is_not_a_number(session, build):
    seed_sales_cascade(build)
    page = session.sign_in("alex@example.com")
    session.nav("Check-in")
    pipeline = page.locator("article", has=page.get_by_role("link", name="Qualified pipeline"))
    pipeline.get_by_label("New value").fill("a lot")
    page.get_by_role("textbox", name=re.compile(r"^Progress")).fill("Kept this text.")
    page.get_by_role("button", name="Save check-in").click()

    page.get_by_role("alert").filter(has_text="Nothing was saved").wait_for()
    assert page.get_by_role("textbox", name=re.compile(r"^Progress")).input_value() == "Kept this text."
    session.nav("Cascade")
    assert percentage_of(page, COMPANY) == "25%"  # unchanged: 0.25 as seeded


def seed_two_sellers(build):
    """Sam manages Alex and Blake; both objectives align to the company's rollup KR.

    Alex's key result is at risk (confidence set by its owner); Blake's is on track."""
    sales = build.team("Sales")
    sam = build.person("Sam Rivera", role="manager", team=sales, email="sam@example.com")
    alex = build.person("Alex Chen", manager=sam, team=sales, email="alex@example.com")
    blake = build.person("Blake Ito", manager=sam, team=sales, email="blake@example.com")
    cycle = build.cycle(name="Q-test")
    company = build.objective(cycle, company=True, title=COMPANY)
    rollup = build.key_result(company, kind="rollup", title="Sellers' objectives")
    mine = build.objective(cycle, owner=alex, title=ALEX, aligned_to=rollup)
    build.key_result(mine, start=0, target=200, current=40, title="Qualified pipeline", confidence="at_risk")
    theirs = build.objective(cycle, owner=blake, title=BLAKE, aligned_to=rollup)
    build.key_result(theirs, start=0, target=10, current=5, title="Playbook chapters", confidence="on_track")
    return {"alex": alex, "blake": blake, "sam": sam, "cycle": cycle}


def test_collapse_all_expand_all_and_a_branch_toggle_work_in_the_browser(session, build):
    seed_two_sellers(build)
    page = session.sign_in("sam@example.com")
    session.nav("Cascade")
    chapters = page.get_by_role("link", name="Playbook chapters")
    expect(chapters).to_be_visible()  # every branch starts open

    page.get_by_role("link", name="Collapse all").click()
    page.wait_for_url(re.compile(r"collapsed=1"))
    expect(summary_of(page, COMPANY)).to_be_visible()
    expect(page.get_by_role("link", name="Sellers' objectives")).to_be_hidden()
    expect(chapters).to_be_hidden()

    summary_of(page, COMPANY).locator(".owner").click()  # opening one branch, not its children
    expect(page.get_by_role("link", name="Sellers' objectives")).to_be_visible()
    expect(summary_of(page, BLAKE)).to_be_visible()
    expect(chapters).to_be_hidden()

    page.get_by_role("link", name="Expand all").click()
    page.wait_for_url(lambda url: "collapsed" not in url)
    expect(chapters).to_be_visible()


def test_the_status_filter_keeps_only_at_risk_objectives_and_their_ancestors(session, build):
    seed_two_sellers(build)
    page = session.sign_in("sam@example.com")
    session.nav("Cascade")
    expect(summary_of(page, BLAKE)).to_be_visible()

    page.get_by_label("Status").select_option(label="At risk")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r"status=at_risk"))

    expect(summary_of(page, ALEX)).to_be_visible()
    expect(summary_of(page, COMPANY)).to_be_visible()  # kept as context above the match
    expect(summary_of(page, BLAKE)).to_have_count(0)
    assert page.get_by_label("Status").input_value() == "at_risk"  # the filter stays chosen


def test_a_private_objective_is_hidden_from_a_peer_but_shown_to_the_owners_manager(session, build):
    people = seed_two_sellers(build)
    secret = build.objective(people["cycle"], owner=people["alex"], title="Prepare the move to team lead",
                             private=True)
    build.key_result(secret, start=0, target=3, current=1, title="Shadow Sam's one-to-ones")

    page = session.sign_in("blake@example.com")
    session.nav("Cascade")
    expect(summary_of(page, ALEX)).to_be_visible()  # Alex's public objective is there...
    expect(page.get_by_text("Prepare the move to team lead")).to_have_count(0)  # ...the private one is not
    expect(page.get_by_text("Shadow Sam's one-to-ones")).to_have_count(0)
    response = page.goto(f"{session.base_url}/okrs/objectives/{secret.id}")  # even by its address
    assert response.status == 404
    expect(page.get_by_text("Prepare the move to team lead")).to_have_count(0)

    session.sign_out()
    page = session.sign_in("sam@example.com")
    session.nav("Cascade")
    private_line = summary_of(page, "Prepare the move to team lead")
    expect(private_line).to_be_visible()
    expect(private_line.get_by_text("private", exact=True)).to_be_visible()
