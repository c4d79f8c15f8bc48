"""The demo company obeys every rule the services enforce, and reads like a real team mid-cycle."""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, time, timedelta

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from flask import current_app

from okr_app.demo import DEMO_PASSWORD, seed_organisation
from okr_app.demo.seed import LOGIN_ROLES, PRIVATE_COUNT
from okr_app.domain.progress import Measure, mean, progress_of
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import (CheckIn, Cycle, KeyResult, Objective, Person, ReportReply, Snapshot, Team,
                            WeeklyReport)
from okr_app.okrs.progress import ProgressBook
from okr_app.domain.weeks import iso_week_of

NOW = datetime(2026, 5, 20, 14, 30)  # a Wednesday afternoon: the cycle started Monday 2026-03-23
TEST_KEY = "test-secret-key-not-for-production"


@pytest.fixture
def demo(app):
    with app.app_context():
        company = seed_organisation(60, seed=7, now=NOW, password_hash="x")
        db.session.commit()
        yield company


def _all(model):
    return db.session.scalars(sa.select(model)).all()


def _cycle() -> Cycle:
    return db.session.scalars(sa.select(Cycle)).one()


# --- the rules ---------------------------------------------------------------------------------

def test_no_objective_has_more_key_results_than_the_limit_and_people_have_two_to_four(demo):
    per_objective = Counter(kr.objective_id for kr in _all(KeyResult))
    personal = {o.id for o in _all(Objective) if o.owner_type == "person"}
    assert max(per_objective.values()) <= current_app.config["MAX_KEY_RESULTS"]
    assert {per_objective[o] for o in personal} <= {2, 3, 4}


def test_everyone_but_the_ceo_and_vps_owns_exactly_one_objective_in_the_cycle(demo):
    owners = Counter(o.owner_person_id for o in _all(Objective) if o.owner_type == "person")
    people = _all(Person)
    assert set(owners.values()) == {1}
    assert set(owners) == {p.id for p in people if p.role != "leader"}
    assert len(people) - len(owners) == 4  # the CEO and three VPs own the company and team objectives


def test_every_key_results_current_value_confidence_and_time_are_its_latest_check_in(demo):
    history = defaultdict(list)
    for entry in _all(CheckIn):
        history[entry.key_result_id].append(entry)
    for kr in _all(KeyResult):
        if not history[kr.id]:
            assert kr.kind == "rollup" and kr.current_value is None and kr.last_checkin_at is None
            continue
        latest = max(history[kr.id], key=lambda e: (e.created_at, e.id))
        assert (kr.current_value, kr.confidence, kr.last_checkin_at) == (
            latest.value, latest.confidence, latest.created_at), kr.title


def test_check_ins_reports_and_replies_are_inside_the_cycle_and_in_the_past(demo):
    cycle = _cycle()
    opened = datetime.combine(cycle.start, time.min)
    owner_of_kr = {kr.id: kr.objective.owner_person_id for kr in _all(KeyResult)}
    for entry in _all(CheckIn):
        assert opened <= entry.created_at < NOW
        assert entry.author_id == owner_of_kr[entry.key_result_id]
    for report in _all(WeeklyReport):
        assert opened <= report.created_at < NOW
        assert report.iso_week == iso_week_of(report.created_at.date())
        assert report.updated_at == report.created_at
    for reply in _all(ReportReply):
        assert reply.report.created_at < reply.created_at < NOW
    for kr in _all(KeyResult):
        assert kr.due is None or cycle.start <= kr.due <= cycle.end


def test_the_cycle_is_a_twelve_week_active_cycle_now_in_week_nine(demo):
    cycle = _cycle()
    assert (cycle.weeks, cycle.state, cycle.start.weekday()) == (12, "active", 0)
    assert cycle.start == NOW.date() - timedelta(days=2) - timedelta(weeks=8)  # NOW is a Wednesday
    assert iso_week_of(NOW.date()) == iso_week_of(cycle.start + timedelta(weeks=8))


def test_the_mid_cycle_snapshot_froze_every_key_result_as_it_stood_after_week_six(demo):
    cycle = _cycle()
    book = ProgressBook.for_cycle(cycle.id)
    snapshots = {s.key_result_id: s for s in _all(Snapshot)}
    assert set(snapshots) == set(book.key_results)
    assert cycle.snapshot_taken_at.date() == cycle.midpoint + timedelta(days=1)
    end_of_week_six = datetime.combine(cycle.midpoint + timedelta(days=1), time.min)
    moved = 0
    for kr in book.key_results.values():
        if kr.kind == "rollup":
            continue
        then = [c for c in kr.check_ins if c.created_at < end_of_week_six]
        value_then = then[-1].value if then else None
        expected = progress_of(Measure(kr.kind, kr.start_value, kr.target_value, value_then))
        assert snapshots[kr.id].progress == pytest.approx(expected), kr.title
        moved += snapshots[kr.id].progress != pytest.approx(book.kr_progress(kr.id))
    assert moved > 0  # weeks 7 to 9 changed things: the snapshot is not a copy of today's figures


def test_some_people_have_not_checked_in_this_week_and_some_have_been_silent_for_two_weeks(demo):
    this_week = iso_week_of(NOW.date())
    reports = _all(WeeklyReport)
    reported = {r.person_id for r in reports if r.iso_week == this_week}
    people = {p.email: p.id for p in _all(Person)}
    assert 0 < len(reported) < len(people)
    assert people["alex.chen@example.com"] not in reported  # the demo employee still has this week's check-in to do
    last_seen = defaultdict(lambda: datetime.min)
    for report in reports:
        last_seen[report.person_id] = max(last_seen[report.person_id], report.created_at)
    for kr in _all(KeyResult):
        if kr.last_checkin_at:
            owner = kr.objective.owner_person_id
            last_seen[owner] = max(last_seen[owner], kr.last_checkin_at)
    owners = {o.owner_person_id for o in _all(Objective) if o.owner_type == "person"}
    silent = [person for person in owners if NOW - last_seen[person] > timedelta(days=14)]
    assert 1 <= len(silent) <= len(owners) // 4


def test_progress_rolls_up_from_people_through_teams_to_the_company(demo):
    book = ProgressBook.for_cycle(_cycle().id)
    [company] = [o for o in book.objectives.values() if o.owner_type == "company"]

    def person_level(team_kr_id: int) -> float:
        aligned = book.aligned_to[team_kr_id]
        assert aligned and all(o.owner_type == "person" for o in aligned)
        return mean(book.objective_progress(o.id) for o in aligned)

    def team_level(company_kr_id: int) -> float:
        [team_objective] = book.aligned_to[company_kr_id]
        krs = book.krs_of[team_objective.id]
        assert team_objective.owner_type == "team" and krs and all(kr.kind == "rollup" for kr in krs)
        return mean(person_level(kr.id) for kr in krs)  # every weight is 1

    company_krs = book.krs_of[company.id]
    assert len(company_krs) == 4 and all(kr.kind == "rollup" for kr in company_krs)
    by_hand = mean(team_level(kr.id) for kr in company_krs)
    assert book.objective_progress(company.id) == pytest.approx(by_hand)
    assert 0.2 < by_hand < 0.9  # week 9 of 12: well under way, not done


# --- what makes it believable ----------------------------------------------------------------------

def test_key_results_mix_every_kind_with_numbers_that_fit_the_kind(demo):
    krs = _all(KeyResult)
    assert {kr.kind for kr in krs} == {"increase", "decrease", "stay_above", "stay_below", "milestone", "rollup"}
    for kr in krs:
        start, target = kr.start_value, kr.target_value
        if kr.kind in ("milestone", "rollup"):
            assert start is None and target is None
        else:
            assert {"increase": target > start, "decrease": target < start, "stay_above": start > target,
                    "stay_below": start < target}[kr.kind], kr.title
    assert {c.value for c in _all(CheckIn) if c.key_result.kind == "milestone"} == {0.0, 1.0}


def test_titles_carry_the_key_results_own_numbers(demo):
    arr = [kr for kr in _all(KeyResult) if re.fullmatch(r"Close \$[\d.]+[Mk] new ARR", kr.title)]
    assert arr
    for kr in arr:
        amount = re.search(r"\$([\d.]+)([Mk])", kr.title)
        # "Close $1.35M new ARR" → 1.35 × 1,000,000 = 1,350,000
        assert float(amount[1]) * {"M": 1_000_000, "k": 1_000}[amount[2]] == kr.target_value
    converting = [kr for kr in _all(KeyResult) if kr.title.startswith("Raise SQL→opportunity conversion")]
    for kr in converting:
        assert kr.title == f"Raise SQL→opportunity conversion from {kr.start_value:g}% to {kr.target_value:g}%"


def test_some_key_results_are_vanity_risks_and_two_objectives_are_private(demo):
    vanity = [kr.title for kr in _all(KeyResult) if kr.vanity_risk]
    assert "Grow site traffic to 200k visits" in vanity and len(vanity) >= 2
    private = [o for o in _all(Objective) if o.private]
    assert len(private) == PRIVATE_COUNT
    assert all(o.owner_type == "person" and o.owner_person.role == "employee" for o in private)


def test_confidence_follows_progress(demo):
    book = ProgressBook.for_cycle(_cycle().id)
    counted = Counter(kr.confidence for kr in book.key_results.values() if kr.kind in ("increase", "decrease"))
    assert set(counted) == {"on_track", "at_risk", "off_track"}
    done = [kr for kr in book.key_results.values() if kr.kind == "milestone" and kr.current_value == 1]
    assert done and all(kr.confidence == "on_track" for kr in done)


def test_weekly_reports_read_like_people_wrote_them(demo):
    reports = _all(WeeklyReport)
    assert all(r.progress and r.plans and 1 <= r.satisfaction <= 5 for r in reports)
    assert len({r.satisfaction for r in reports}) == 5
    assert len({r.progress for r in reports}) >= 0.9 * len(reports)
    with_problems = [r for r in reports if r.problems]
    assert 0.2 * len(reports) < len(with_problems) < 0.9 * len(reports)
    replies = _all(ReportReply)
    assert replies and all(reply.report.problems for reply in replies)
    assert all(reply.author_id == reply.report.person.manager_id for reply in replies)


def test_the_org_chart_has_every_role_and_a_manager_for_everyone_but_the_ceo(demo):
    people = _all(Person)
    roles = Counter(p.role for p in people)
    # two finance people: one runs a payout, the other approves it (separation of duties)
    assert (roles["leader"], roles["finance"], roles["admin"]) == (4, 2, 1)
    assert roles["manager"] >= 5 and roles["employee"] > len(people) / 2
    assert [p.role for p in people if p.manager_id is None] == ["leader"]
    reports = Counter(p.manager_id for p in people if p.manager_id)
    assert all(reports[p.id] for p in people if p.role == "manager")
    assert max(reports.values()) <= 8
    teams = {t.name: t for t in _all(Team)}
    assert {"Leadership", "Marketing", "Sales", "Customer Success"} < set(teams)
    assert [t.kind for t in teams.values()].count("pod") == 1
    assert all(t.lead_id for t in teams.values())


def test_the_same_seed_on_the_same_day_gives_the_same_company_and_another_seed_another(tmp_path, monkeypatch):
    from okr_app import create_app

    monkeypatch.delenv("CADENCE_DATABASE_URL", raising=False)

    def fingerprint(name: str, seed: int) -> tuple:
        app = create_app({"SECRET_KEY": TEST_KEY, "INSTANCE_PATH": str(tmp_path / "instance"),
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / name}"})
        with app.app_context():
            db.create_all()
            seed_organisation(60, seed=seed, now=NOW, password_hash="x")
            db.session.commit()
            people = sorted((p.email, p.role, p.manager.email if p.manager else "") for p in _all(Person))
            krs = sorted((kr.title, kr.current_value or 0) for kr in _all(KeyResult))
            texts = sorted(r.progress for r in _all(WeeklyReport))
            db.engine.dispose()
        return people, krs, texts

    first = fingerprint("a.db", 7)
    assert fingerprint("b.db", 7) == first
    assert fingerprint("c.db", 8) != first


def test_a_large_organisation_keeps_the_rules_and_gets_deeper(app):
    with app.app_context():
        seed_organisation(500, seed=3, now=NOW, password_hash="x")
        db.session.commit()
        people = _all(Person)
        manager_of = {p.id: p.manager_id for p in people}
        depth = {}
        for person in people:
            steps, above = 0, manager_of[person.id]
            while above is not None:
                steps, above = steps + 1, manager_of[above]
            depth[person.id] = steps
        assert len(people) == 500
        assert max(depth.values()) >= 4  # CEO → VP → director → manager → employee
        assert max(Counter(p for p in manager_of.values() if p).values()) <= 8
        per_objective = Counter(kr.objective_id for kr in _all(KeyResult))
        assert max(per_objective.values()) <= 5
        owners = Counter(o.owner_person_id for o in _all(Objective) if o.owner_type == "person")
        assert set(owners.values()) == {1}


def test_fewer_than_twenty_people_or_too_low_a_key_result_limit_is_refused_and_nothing_is_written(app):
    with app.app_context():
        with pytest.raises(InvalidInput, match="at least 20 people"):
            seed_organisation(19, seed=1, password_hash="x")
        app.config["MAX_KEY_RESULTS"] = 3
        with pytest.raises(InvalidInput, match="CADENCE_MAX_KEY_RESULTS"):
            seed_organisation(60, seed=1, password_hash="x")
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 0


# --- `cadence demo` ------------------------------------------------------------------------------

def _env(app) -> dict[str, str]:
    return {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": TEST_KEY,
            "CADENCE_INSTANCE_PATH": app.instance_path}


def _invoke(app, *args):
    from cli import cli

    return CliRunner().invoke(cli, list(args), env=_env(app))


def test_cadence_demo_prints_one_login_per_role_and_the_employee_login_signs_in(app, auth):
    result = _invoke(app, "demo")
    assert result.exit_code == 0, result.output
    assert "demo only — change it" in result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if "@example.com" in line}
    assert list(lines) == list(LOGIN_ROLES)
    assert all(DEMO_PASSWORD in words for words in lines.values())
    assert auth.login(lines["employee"][1], "not-the-demo-password").status_code == 401
    assert auth.login(lines["employee"][1], DEMO_PASSWORD).status_code == 302


def test_demo_if_empty_loads_once_then_does_nothing_and_says_so(app):
    def people() -> int:
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count(Person.id)))

    assert _invoke(app, "demo", "--if-empty", "--people", "25", "--seed", "4").exit_code == 0
    assert people() == 25
    again = _invoke(app, "demo", "--if-empty")
    assert again.exit_code == 0 and "Nothing to do" in again.output
    assert people() == 25
    refused = _invoke(app, "demo")
    assert refused.exit_code == 2 and "already has 25 people" in refused.output
    assert people() == 25


def test_demo_on_a_database_without_tables_says_to_run_init(tmp_path):
    from cli import cli

    env = {"CADENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}", "CADENCE_SECRET_KEY": TEST_KEY,
           "CADENCE_INSTANCE_PATH": str(tmp_path)}
    result = CliRunner().invoke(cli, ["demo"], env=env)
    assert result.exit_code == 2
    assert "run `cadence init` first" in result.output


def test_demo_refuses_fewer_than_twenty_people_before_touching_the_database(app):
    result = _invoke(app, "demo", "--people", "5")
    assert result.exit_code == 2 and "--people" in result.output


def test_every_demo_login_opens_the_tree_the_check_in_page_and_the_team_page(app):
    from flask import url_for

    with app.app_context():
        company = seed_organisation(60, seed=2)
        db.session.commit()
        with app.test_request_context():
            pages = [url_for("dashboard.tree"), url_for("dashboard.tree", status="stale"),
                     url_for("checkins.weekly"), url_for("checkins.team")]
    for role, _, email in company.logins:
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": DEMO_PASSWORD}).status_code == 302, role
        for page in pages:
            assert client.get(page).status_code == 200, (role, page)
