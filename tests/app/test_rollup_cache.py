"""The roll-up cache: one computation per change of a cycle, invalidated by every write that changes
what the cascade shows, in this process and in others sharing the database."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import CycleRollup, KeyResult, Objective, Person, Team
from okr_app.okrs import services as okrs
from okr_app.okrs.rollup_cache import DatabaseRollupStore, rollup_of
from okr_app.policy import Actor
from okr_app.clock import utcnow


@pytest.fixture
def org(build):
    """Company ← team ← Rita, each through a roll-up key result."""
    sales = build.team("Sales")
    ceo = build.person(role="leader", name="Cleo CEO")
    rep = build.person(manager=ceo, team=sales, name="Rita Rep")
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    company_rollup = build.key_result(company, kind="rollup", title="Teams deliver")
    team = build.objective(cycle, team=sales, aligned_to=company_rollup, title="Sell to the right buyers")
    team_rollup = build.key_result(team, kind="rollup", title="Reps deliver")
    mine = build.objective(cycle, owner=rep, aligned_to=team_rollup, title="Open 20 qualified deals")
    deals = build.key_result(mine, start=0, target=20, current=5, title="Qualified deals")
    return {"ceo": ceo, "rep": rep, "sales": sales, "cycle": cycle, "company": company, "team": team,
            "mine": mine, "deals": deals}


def generation(cycle_id: int) -> int | None:
    db.session.rollback()
    return db.session.scalar(sa.select(CycleRollup.generation).where(CycleRollup.cycle_id == cycle_id))


def read(cycle):
    rollup = rollup_of(cycle)
    db.session.commit()
    return rollup


def test_a_read_stores_the_rollup_under_the_current_generation_and_the_next_read_reuses_it(app, org):
    with app.app_context():
        cycle = db.session.get(type(org["cycle"]), org["cycle"].id)
        first = read(cycle)
        row = db.session.get(CycleRollup, cycle.id)
        assert row.payload_generation == row.generation and row.payload
        assert read(cycle) is first, "nothing changed: this process keeps its decoded copy"


def test_a_check_in_moves_the_generation_and_the_next_read_rolls_the_new_value_up(app, org):
    with app.app_context():
        cycle = db.session.get(type(org["cycle"]), org["cycle"].id)
        before = read(cycle)
        # 5 of 20 deals: (5 − 0) / (20 − 0) = 0.25, rolled up unchanged through team and company.
        assert before.objectives[org["company"].id].progress == pytest.approx(0.25)
        was = generation(cycle.id)
        rep = db.session.get(Person, org["rep"].id)
        okrs.check_in(Actor(rep), db.session.get(KeyResult, org["deals"].id), 15)
        db.session.commit()
        assert generation(cycle.id) == was + 1
        # 15 of 20: 15 / 20 = 0.75.
        assert read(cycle).objectives[org["company"].id].progress == pytest.approx(0.75)


def _rename_kr(ids):
    db.session.get(KeyResult, ids["deals"].id).title = "Qualified deals, renamed"


def _add_objective(ids):
    db.session.add(Objective(cycle_id=ids["cycle"].id, title="New", owner_type="company"))


def _delete_kr(ids):
    db.session.delete(db.session.get(KeyResult, ids["deals"].id))


def _unalign(ids):
    db.session.get(Objective, ids["mine"].id).aligned_kr_id = None


def _close(ids):
    db.session.get(type(ids["cycle"]), ids["cycle"].id).state = "closed"


def _rename_person(ids):
    db.session.get(Person, ids["rep"].id).name = "Rita Renamed"


def _rename_team(ids):
    db.session.get(Team, ids["sales"].id).name = "Sales West"


def _bulk_update(ids):
    db.session.execute(sa.update(KeyResult).where(KeyResult.id == ids["deals"].id).values(current_value=20))


def _weekly_report(ids):
    from okr_app.models import WeeklyReport
    from okr_app.clock import utcnow
    db.session.add(WeeklyReport(person_id=ids["rep"].id, iso_week="2026-W01", progress="", plans="", problems="",
                                satisfaction=4, created_at=utcnow(), updated_at=utcnow()))


@pytest.mark.parametrize("write", [_rename_kr, _add_objective, _delete_kr, _unalign, _close, _rename_person,
                                   _rename_team, _bulk_update, _weekly_report])
def test_every_write_that_changes_the_cascade_moves_the_generation(app, org, write):
    with app.app_context():
        cycle = db.session.get(type(org["cycle"]), org["cycle"].id)
        read(cycle)
        was = generation(cycle.id)
        write(org)
        db.session.commit()
        assert generation(cycle.id) > was


def test_a_login_time_or_a_rolled_back_write_leaves_the_generation_alone(app, org):
    with app.app_context():
        cycle = db.session.get(type(org["cycle"]), org["cycle"].id)
        read(cycle)
        was = generation(cycle.id)
        db.session.get(Person, org["rep"].id).session_version += 1  # not shown in the cascade
        db.session.commit()
        db.session.get(KeyResult, org["deals"].id).title = "Never saved"
        db.session.flush()
        db.session.rollback()
        assert generation(cycle.id) == was


def test_a_rollup_computed_before_a_write_is_not_stored_over_it(app, org):
    """A reader read generation g, a writer committed g + 1 meanwhile: the reader's save is refused,
    so no other worker can pick up the old figures."""
    with app.app_context():
        cycle_id = org["cycle"].id
        store = DatabaseRollupStore(db.session.connection())
        g, _ = store.generation(cycle_id)
        store.invalidate([cycle_id])
        store.save(cycle_id, g, "{}", utcnow())
        db.session.commit()
        row = db.session.get(CycleRollup, cycle_id)
        assert (row.generation, row.payload_generation, row.payload) == (g + 1, None, None)


def test_a_write_to_a_cycle_nobody_has_read_yet_creates_its_row(app, org):
    with app.app_context():
        db.session.execute(sa.delete(CycleRollup))
        db.session.commit()
        _rename_kr(org)
        db.session.commit()
        # The delete above is a bulk statement on another table: only the rename counts, from nothing to 1.
        assert generation(org["cycle"].id) == 1


def test_a_database_restored_under_a_running_server_is_read_afresh(app, org):
    """A restore brings back an older history that can reach the same generation number again; the
    moment its payload was computed tells the two apart, so this process drops its own copy."""
    with app.app_context():
        cycle = db.session.get(type(org["cycle"]), org["cycle"].id)
        assert read(cycle).objectives[org["company"].id].progress == pytest.approx(0.25)
        # What a restore does, bypassing the application: other rows, the same generation, no payload.
        db.session.execute(sa.text("UPDATE key_result SET current_value = 15 WHERE id = :id"), {"id": org["deals"].id})
        db.session.execute(sa.text("UPDATE cycle_rollup SET payload = NULL, payload_generation = NULL, "
                                   "computed_at = NULL"))
        db.session.commit()
        # 15 / 20 = 0.75.
        assert read(cycle).objectives[org["company"].id].progress == pytest.approx(0.75)
