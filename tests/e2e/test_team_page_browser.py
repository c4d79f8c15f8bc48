"""In a real browser: a manager's team page opens on their own reports, widens to indirect reports and
switches to a team or pod with the selector; progress bars are named for screen readers."""
from __future__ import annotations

import re

from playwright.sync_api import expect


def seed_org(build):
    """Maya leads Sam; Sam manages Alex (Sales) and Blake (the Mid-market pod); Pat is on Sales but
    reports to Maya directly. Alex's objective: 60 of 200 = 30%."""
    sales, pod = build.team("Sales"), build.team("Mid-market Pod", kind="pod")
    maya = build.person("Maya Okafor", role="leader", email="maya@example.com")
    sam = build.person("Sam Rivera", role="manager", manager=maya, team=sales, email="sam@example.com")
    alex = build.person("Alex Chen", manager=sam, team=sales, email="alex@example.com")
    build.person("Blake Ito", manager=sam, team=pod, email="blake@example.com")
    build.person("Pat Peer", manager=maya, team=sales, email="pat@example.com")
    cycle = build.cycle(name="Q-test")
    objective = build.objective(cycle, owner=alex, title="Open the mid-market segment")
    build.key_result(objective, start=0, target=200, current=60, title="Qualified pipeline")
    build.weekly(alex, problems="Legal review of the MSA is slow.")


def member_names(page) -> list[str]:
    return [name.strip() for name in page.locator("article.member header strong").all_inner_texts()]


def test_a_manager_starts_on_their_reports_then_widens_and_picks_a_team(session, build):
    seed_org(build)
    page = session.sign_in("maya@example.com")
    session.nav("Team")
    expect(page.get_by_role("heading", name="My reports")).to_be_visible()
    assert member_names(page) == ["Pat Peer", "Sam Rivera"]

    page.get_by_role("link", name=re.compile("Including indirect reports")).click()
    expect(page.get_by_role("heading", name="Everyone below me")).to_be_visible()
    assert member_names(page) == ["Alex Chen", "Blake Ito", "Pat Peer", "Sam Rivera"]
    alex = page.locator("article.member", has=page.get_by_text("Alex Chen", exact=True))
    expect(alex.get_by_text("Sales · reports to Sam Rivera")).to_be_visible()
    expect(alex.get_by_text("Legal review of the MSA is slow.")).to_be_visible()

    page.get_by_label("Team or pod").select_option(label="Mid-market Pod")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", name="Mid-market Pod")).to_be_visible()
    assert member_names(page) == ["Blake Ito"]
    expect(page.get_by_text("Pod of 1 person")).to_be_visible()


def test_progress_bars_have_accessible_names_with_their_percentage(session, build):
    seed_org(build)
    page = session.sign_in("sam@example.com")
    session.nav("Team")
    bar = page.get_by_role("progressbar", name="Open the mid-market segment: 30%")  # 60 / 200
    expect(bar).to_be_visible()
    assert bar.get_attribute("data-progress") == "0.3000"
    session.nav("Cascade")
    expect(page.get_by_role("progressbar", name="Qualified pipeline: 30%")).to_be_visible()
