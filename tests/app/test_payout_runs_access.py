"""Who reads which run and statement through the verbs the web pages call: an employee
trying other people's statement ids, a manager, finance, and drafts nobody else may see."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from comp_engine import run_payout
from okr_app.errors import NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import Person, RunStatement
from okr_app.payouts import services
from okr_app.policy import Actor
from tests.builders.payout_runs import Finance, live_runs


@pytest.fixture
def finance(app, build, tmp_path):
    manager = build.person(email="m@example.com", role="manager")
    build.person(email="a1@example.com", manager=manager)
    build.person(email="a2@example.com")
    build.person(email="fin1@example.com", role="finance")
    build.person(email="fin2@example.com", role="finance")
    finance = Finance(app, tmp_path)
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    return finance


def actor(email: str) -> Actor:
    return Actor(db.session.scalar(sa.select(Person).where(Person.email == email)))


def statement_ids(statements: list[RunStatement]) -> list[str]:
    return [statement.rep_id for statement in statements]


def test_a_draft_is_for_finance_only(finance):
    run = live_runs("2026-Q2")[0]
    a1_statement = db.session.scalar(sa.select(RunStatement).where(RunStatement.rep_id == "a1"))
    assert statement_ids(services.statements_visible_to(actor("fin2@example.com"), run)) == ["a1", "a2"]
    assert services.statements_visible_to(actor("a1@example.com"), run) == []
    assert services.visible_statements(actor("a1@example.com")) == []
    with pytest.raises(NotFound):
        services.get_statement(actor("a1@example.com"), a1_statement.id)
    with pytest.raises(NotFound):
        services.get_run(actor("m@example.com"), run.id)
    with pytest.raises(NotAllowed):
        services.list_runs(actor("a1@example.com"))


def test_once_approved_reps_read_their_own_statement_and_managers_their_reports(finance):
    run = live_runs("2026-Q2")[0]
    services.approve_run(actor("fin2@example.com"), run)
    db.session.commit()
    a2_statement = db.session.scalar(sa.select(RunStatement).where(RunStatement.rep_id == "a2"))
    assert statement_ids(services.statements_visible_to(actor("a1@example.com"), run)) == ["a1"]
    assert statement_ids(services.visible_statements(actor("a2@example.com"))) == ["a2"]
    assert statement_ids(services.statements_visible_to(actor("m@example.com"), run)) == ["a1"]
    with pytest.raises(NotFound):
        services.get_statement(actor("a1@example.com"), a2_statement.id)
    assert services.get_statement(actor("a2@example.com"), a2_statement.id).total_cents == 800_000
    assert statement_ids(services.visible_statements(actor("fin1@example.com"))) == ["a1", "a2"]


def test_a_stored_statement_rebuilds_the_engines_statement_exactly(finance):
    stored = db.session.scalar(sa.select(RunStatement).where(RunStatement.rep_id == "a1"))
    paths = {name: finance.tmp_path / f"{name}.csv" for name in ("deals", "roster", "quotas")}
    computed = run_payout("2026-Q2", paths["deals"], paths["roster"], paths["quotas"], finance.plans).statement("a1")
    assert services.statement_of(stored) == computed
    assert services.adjustments_of(stored) == []


def test_the_run_list_gives_each_runs_total_per_currency(finance):
    (summary,) = services.list_runs(actor("fin1@example.com"))
    assert str(summary.totals["USD"]) == "37200.00"  # 29,200.00 + 8,000.00
    assert [line.component for line in services.lines_of(actor("fin1@example.com"), summary.run, "a2")] == [
        "new_business", "renewal"]


def test_separation_of_duties_holds_in_the_service_too(finance):
    run = live_runs("2026-Q2")[0]
    with pytest.raises(NotAllowed, match="Separation of duties"):
        services.approve_run(actor("fin1@example.com"), run)
    with pytest.raises(NotFound):
        services.approve_run(actor("m@example.com"), run)
    with pytest.raises(NotFound):
        services.export_run(actor("a1@example.com"), run)
