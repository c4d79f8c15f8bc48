"""At a phone's width (390 × 844) every page fits: no sideways scrolling, the navigation collapses into a
Menu that works without JavaScript, and a check-in typed the way people write money is stored as its number."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from okr_app.extensions import db
from okr_app.models import CheckIn
from tests.builders.payout_files import record_payout_run

PHONE = {"width": 390, "height": 844}
LONG_NAME = "Maximilianaalexandrakatharinavonundzuhohenstaufenberg-Wittelsbach"


@pytest.fixture
def phone(browser, live_server):
    from tests.e2e.conftest import BrowserSession, TIMEOUT_MS

    context = browser.new_context(viewport=PHONE)
    context.set_default_timeout(TIMEOUT_MS)
    yield BrowserSession(context.new_page(), live_server)
    context.close()


@pytest.fixture
def org(build, tmp_path):
    run = record_payout_run(build, tmp_path / "payout")
    admin = build.person("Ada Admin", role="admin", email="admin@example.com", manager=run.people.manager)
    build.person(LONG_NAME, email="long.name.that.goes.on.and.on.and.on@example-company-with-a-long-domain.com")
    cycle = build.cycle(name="2026 Q1 with a rather long cycle name")
    objective = build.objective(cycle, owner=admin, title="Grow the mid-market pipeline beyond what we did last year")
    kr = build.key_result(objective, title="New pipeline in dollars", start=0, target=1_000_000, unit="$",
                          current=200_000)
    build.weekly(run.people.ada, problems="Legal review is slow " + "x" * 80)
    return {"run": run, "kr": kr, "objective": objective}


def document_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


WIDE_ELEMENTS = """() => [...document.querySelectorAll('body *')]
  .filter(el => el.getBoundingClientRect().right > window.innerWidth + 0.5 && !el.closest('.overflow-auto, table'))
  .slice(-5).map(el => el.tagName + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right))"""


def assert_fits(page, path: str) -> None:
    width = document_width(page)
    assert width <= PHONE["width"], f"{path} is {width} px wide at 390 px: {page.evaluate(WIDE_ELEMENTS)}"


def test_every_page_fits_a_phone_and_a_check_in_with_dollars_is_stored_as_its_number(phone, org):
    finance = phone.sign_in("fay@example.com")
    statement = f"/pay/statements/{org['run'].ada}"
    phone.open(statement)
    expect(finance.get_by_role("heading").first).to_be_visible()
    assert_fits(finance, statement)
    finance.locator("summary", has_text="Menu").click()  # at this width Sign out sits in the Menu
    phone.sign_out()

    page = phone.sign_in("admin@example.com")
    for path in ("/", "/check-in", "/team?reports=all", "/tree", f"/okrs/key-results/{org['kr'].id}",
                 f"/okrs/objectives/{org['objective'].id}", "/people/", "/cycles/", "/notifications",
                 "/admin/audit/"):
        phone.open(path)
        assert_fits(page, path)

    # the navigation is a Menu at this width, and opens without JavaScript (details/summary)
    phone.open("/")
    expect(page.get_by_role("link", name="Check-in", exact=True)).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Check-in", exact=True).click()
    page.wait_for_load_state()
    assert page.url.endswith("/check-in")

    field = page.get_by_label("New value ($)")
    field.fill("$500,000")
    page.get_by_label("Problems").fill("Nothing blocks me.")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_load_state()
    expect(page.get_by_text("1 key result updated")).to_be_visible()
    db.session.expire_all()
    latest = db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id == org["kr"].id)
                                .order_by(CheckIn.id.desc())).first()
    assert latest.value == 500000


def test_the_skip_link_and_the_focus_ring_are_there_for_keyboards(phone, org):
    page = phone.sign_in("admin@example.com")
    phone.open("/check-in")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline == "solid"
    skip.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
