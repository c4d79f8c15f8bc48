"""Take the README's screenshots of Cadence with the demo company.

    .venv/bin/python docs/screenshots.py [--out docs] [--review DIR]

Seeds the demo company (seed 1, 60 people, in week 9 of its cycle) and the example payout data
(examples/, quarter 2026-Q2) into a throwaway instance, serves it on 127.0.0.1, signs in as the
demo people in headless chromium at 1280 px wide, and saves:

    tree.png            the cascade, company → teams → people, as the CEO sees it
    check-in.png        the weekly check-in page of an employee (Alex)
    team.png            the team page of the cross-functional pod, as its manager sees it
    my-okrs.png         Alex's objective and key results
    key-result.png      one key result: its history and how its progress is computed
    statement-page.png  a payout statement, as finance sees it (only when the Pay pages exist)
    growth-review.png   the cycle's growth review, as the CEO sees it (the example reps join the demo's
                        Sales and Customer Success teams, and the company gets revenue key results)
    metric-key-result.png  a revenue key result computed from the deals, explained with its numbers

`--review DIR` also saves the other pages (home, objective, cycles, people, pay runs) into DIR, for
looking over the whole app. The data is the same on any run made the same day; the dates move with
the calendar, since the demo is always mid-cycle. Nothing leaves the machine: the browser may only
reach 127.0.0.1, every other request is aborted.
"""
from __future__ import annotations

import argparse
import logging
import os
import secrets
import shutil
import sys
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WIDTH, HEIGHT = 1280, 900
PEOPLE, SEED = 60, 1
PAY_PERIOD = "2026-Q2"
STATEMENT_REP = "ae02"  # a clawback line beside paid components: the statement that explains the most
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--hide-scrollbars", "--font-render-hinting=none"]


@dataclass
class Demo:
    """Whom to sign in as and which records to open."""

    password: str
    leader: str
    manager: str
    employee: str
    finance: str
    admin: str
    objective_id: int
    key_result_id: int
    pod_lead: str  # the pod's manager reads every member's report: the team page at its fullest
    pod_id: int
    run_id: int | None
    statement_id: int | None
    cycle_id: int | None = None
    metric_kr_id: int | None = None
    controller: str | None = None  # the demo's financial controller login (issue 14)


def build_app(instance: Path):
    from okr_app import create_app

    os.environ.pop("CADENCE_DATABASE_URL", None)
    os.environ["CADENCE_INSTANCE_PATH"] = str(instance)
    return create_app({"INSTANCE_PATH": str(instance), "SECRET_KEY": secrets.token_hex(32),
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'screenshots.db'}",
                       "RATELIMIT_ENABLED": False})


def seed(app) -> Demo:
    """The demo company, then (when the Pay pages exist) a draft 2026-Q2 run on examples/."""
    import sqlalchemy as sa

    from okr_app.demo import DEMO_PASSWORD, seed_organisation
    from okr_app.extensions import db
    from okr_app.models import CheckIn, KeyResult, Objective, Person, Team

    with app.app_context():
        db.create_all()
        company = seed_organisation(PEOPLE, SEED)
        db.session.commit()
        logins = {role: email for role, _, email in company.logins}
        employee = db.session.scalar(sa.select(Person).where(Person.email == logins["employee"]))
        objective = db.session.scalar(sa.select(Objective).where(
            Objective.cycle_id == company.cycle_id, Objective.owner_person_id == employee.id))
        busiest_kr = db.session.scalar(
            sa.select(KeyResult.id).join(CheckIn, CheckIn.key_result_id == KeyResult.id)
            .where(KeyResult.objective_id == objective.id, KeyResult.kind != "rollup")
            .group_by(KeyResult.id).order_by(sa.func.count(CheckIn.id).desc(), KeyResult.id).limit(1))
        pod = db.session.scalar(sa.select(Team).where(Team.kind == "pod").order_by(Team.id).limit(1))
        pod_lead = db.session.get(Person, pod.lead_id)
        run_id, statement_id = _payout_run(logins["finance"])
        metric_kr_id = _revenue_key_results(logins["leader"], company.cycle_id) if run_id is not None else None
        return Demo(password=DEMO_PASSWORD, objective_id=objective.id, key_result_id=busiest_kr,
                    pod_lead=pod_lead.email, pod_id=pod.id,
                    run_id=run_id, statement_id=statement_id, cycle_id=company.cycle_id,
                    metric_kr_id=metric_kr_id, **logins)


def _payout_run(finance_email: str) -> tuple[int | None, int | None]:
    """Import examples/ and record a draft run, as the demo's finance person; (None, None) when the
    pay feature or the example files are missing."""
    import sqlalchemy as sa

    try:
        from okr_app.models import Person, RunStatement
        from okr_app.payouts.imports import import_deals, import_quotas, import_roster
        from okr_app.payouts.runs import record_run
    except ImportError:
        return None, None
    from okr_app.extensions import db
    from okr_app.policy import Actor

    examples, plans = ROOT / "examples", ROOT / "plans"
    if not (examples / "deals.csv").exists() or not plans.is_dir():
        return None, None
    actor = Actor(db.session.scalar(sa.select(Person).where(Person.email == finance_email)))
    import_deals(actor, (examples / "deals.csv").read_bytes(), "deals.csv")
    import_roster(actor, (examples / "roster.csv").read_bytes(), "roster.csv", PAY_PERIOD, str(plans))
    import_quotas(actor, (examples / "quotas.csv").read_bytes(), "quotas.csv")
    run = record_run(actor, PAY_PERIOD, str(plans)).run
    db.session.commit()
    statement_id = db.session.scalar(sa.select(RunStatement.id).where(
        RunStatement.run_id == run.id, RunStatement.rep_id == STATEMENT_REP))
    return run.id, statement_id


def _revenue_key_results(leader_email: str, cycle_id: int) -> int | None:
    """The example roster's reps join the demo's Sales and Customer Success teams (their e-mails make
    them reps), and the company gets an objective of key results computed from the deals."""
    import csv
    import io

    import sqlalchemy as sa

    from okr_app.extensions import db
    from okr_app.models import Cycle, Person, Team
    from okr_app.okrs.services import add_key_result, create_objective
    from okr_app.policy import Actor

    teams = {team.name: team for team in db.session.scalars(sa.select(Team))}
    sales, success = teams.get("Sales"), teams.get("Customer Success")
    for rep in csv.DictReader(io.StringIO((ROOT / "examples" / "roster.csv").read_text(encoding="utf-8"))):
        team = success if rep["rep_id"].startswith("csm") else sales
        db.session.add(Person(name=rep["name"], email=rep["email"], team_id=team.id if team else None))
    db.session.flush()
    leader = Actor(db.session.scalar(sa.select(Person).where(Person.email == leader_email)))
    cycle = db.session.get(Cycle, cycle_id)
    objective = create_objective(leader, cycle, "Revenue that lasts, on the numbers that pay people", "company")
    nrr = add_key_result(leader, objective, "Net revenue retention at least 110%", "metric",
                         metric="net_revenue_retention", start=0.9, target=1.1)
    add_key_result(leader, objective, "Net new ARR 2.5M this cycle", "metric", metric="net_new_arr",
                   target=2_500_000, unit="$")
    add_key_result(leader, objective, "Marketing-sourced new ARR 600k", "metric",
                   metric="sourced_new_arr:marketing", target=600_000, unit="$")
    db.session.commit()
    return nrr.id


@contextmanager
def served(app):
    """The app on a free loopback port, in a thread; yields its base URL."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


class Camera:
    """One signed-in browser context per person; every request off 127.0.0.1 is aborted."""

    def __init__(self, browser, base_url: str, password: str) -> None:
        self.browser, self.base_url, self.password = browser, base_url, password
        self.context = self.page = None

    def sign_in(self, email: str) -> None:
        if self.context is not None:
            self.context.close()
        self.context = self.browser.new_context(viewport={"width": WIDTH, "height": HEIGHT},
                                                device_scale_factor=1, reduced_motion="reduce")
        self.context.route("**/*", _loopback_only)
        self.page = self.context.new_page()
        self.open("/login")
        self.page.get_by_label("Email").fill(email)
        self.page.get_by_label("Password").fill(self.password)
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_load_state("networkidle")
        if "/login" in self.page.url:
            raise SystemExit(f"Could not sign in as {email}.")

    def open(self, path: str):
        response = self.page.goto(self.base_url + path)
        self.page.wait_for_load_state("networkidle")
        if response is None or response.status >= 400:
            raise SystemExit(f"{path} answered {response.status if response else 'nothing'}.")
        return self.page

    def shoot(self, path: Path, full_page: bool = True) -> None:
        self.page.screenshot(path=str(path), full_page=full_page, animations="disabled")
        print(f"Wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")

    def close(self) -> None:
        if self.context is not None:
            self.context.close()


def _loopback_only(route) -> None:
    if urlsplit(route.request.url).hostname == "127.0.0.1":
        route.continue_()
    else:
        route.abort()


def open_cascade_to_people(page) -> None:
    """From the collapsed tree, open the company and team branches; each person's objective stays one
    line with its progress bar: the whole cascade at a glance."""
    for summary in page.locator(".tree > details.node-company > summary").all():
        summary.locator(".owner").click()
    for summary in page.locator("details.node-team > summary").all():
        summary.locator(".owner").click()


def take(camera: Camera, demo: Demo, out: Path, review: Path | None) -> None:
    camera.sign_in(demo.leader)
    page = camera.open("/tree?collapsed=1")
    open_cascade_to_people(page)
    camera.shoot(out / "tree.png")
    if review:
        camera.open("/")
        camera.shoot(review / "home-leader.png")
        camera.open("/tree")
        camera.shoot(review / "tree-expanded.png")
        camera.open("/cycles/")
        camera.shoot(review / "cycles.png")

    if demo.metric_kr_id is not None:
        camera.open(f"/growth/cycles/{demo.cycle_id}")
        camera.shoot(out / "growth-review.png")
        camera.open(f"/okrs/key-results/{demo.metric_kr_id}")
        camera.shoot(out / "metric-key-result.png")

    camera.sign_in(demo.employee)
    camera.open("/check-in")
    camera.shoot(out / "check-in.png")
    camera.open("/okrs/mine")
    camera.shoot(out / "my-okrs.png")
    camera.open(f"/okrs/key-results/{demo.key_result_id}")
    camera.shoot(out / "key-result.png")
    if review:
        camera.open("/")
        camera.shoot(review / "home-employee.png")
        camera.open(f"/okrs/objectives/{demo.objective_id}")
        camera.shoot(review / "objective.png")

    camera.sign_in(demo.pod_lead)
    camera.open(f"/team?team={demo.pod_id}")
    camera.shoot(out / "team.png")
    if review:
        camera.sign_in(demo.manager)
        camera.open("/")
        camera.shoot(review / "home-manager.png")
        camera.open("/team")
        camera.shoot(review / "team-sales-as-sam.png")

    if demo.statement_id is not None:
        camera.sign_in(demo.finance)
        camera.open(f"/pay/statements/{demo.statement_id}")
        camera.shoot(out / "statement-page.png")
        if review:
            camera.open("/pay/")
            camera.shoot(review / "pay-index.png")
            camera.open(f"/pay/runs/{demo.run_id}")
            camera.shoot(review / "pay-run.png")
    if review:
        camera.sign_in(demo.admin)
        camera.open("/people/")
        camera.shoot(review / "people.png")
        camera.open("/admin/audit/")
        camera.shoot(review / "audit.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs", help="where the README's PNGs go (docs/)")
    parser.add_argument("--review", type=Path, help="also save the other pages here, for a look over the app")
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if not executable:
        raise SystemExit("Debian's chromium is needed: apt-get install chromium")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.review:
        args.review.mkdir(parents=True, exist_ok=True)

    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # one line per request drowns the output
    with tempfile.TemporaryDirectory(prefix="cadence-screenshots-") as folder:
        app = build_app(Path(folder) / "instance")
        demo = seed(app)
        with served(app) as base_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            camera = Camera(browser, base_url, demo.password)
            try:
                take(camera, demo, args.out.resolve(), args.review.resolve() if args.review else None)
            finally:
                camera.close()
                browser.close()


if __name__ == "__main__":
    main()
