"""The roll-up cache on PostgreSQL: the same upserts and compare-and-set as on SQLite."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.builders import Builders
from tests.builders.scratch_database import scratch_database
from tests.conftest import make_app
from okr_app.extensions import db
from okr_app.models import CycleRollup, KeyResult, Person
from okr_app.okrs import services as okrs
from okr_app.okrs.rollup_cache import DatabaseRollupStore, rollup_of
from okr_app.policy import Actor


@pytest.fixture
def pg_app(pg_url, tmp_path, monkeypatch):
    monkeypatch.delenv("CADENCE_DATABASE_URL", raising=False)
    with scratch_database(pg_url) as url:
        app = make_app(tmp_path, url)
        with app.app_context():
            db.create_all()
        yield app
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def test_a_check_in_moves_the_generation_and_a_stale_save_is_refused_on_postgresql(pg_app):
    with pg_app.app_context():
        build = Builders()
        rep = build.person(name="Rita Rep")
        cycle = build.cycle()
        company = build.objective(cycle, company=True)
        rollup = build.key_result(company, kind="rollup")
        mine = build.objective(cycle, owner=rep, aligned_to=rollup)
        deals = build.key_result(mine, start=0, target=20, current=5)
        # 5 / 20 = 0.25 rolled up to the company.
        assert rollup_of(cycle).objectives[company.id].progress == pytest.approx(0.25)
        db.session.commit()
        before = db.session.get(CycleRollup, cycle.id)
        assert before.payload_generation == before.generation
        okrs.check_in(Actor(db.session.get(Person, rep.id)), db.session.get(KeyResult, deals.id), 15)
        db.session.commit()
        # 15 / 20 = 0.75.
        assert rollup_of(cycle).objectives[company.id].progress == pytest.approx(0.75)
        db.session.commit()

        store = DatabaseRollupStore(db.session.connection())
        generation, computed_at = store.generation(cycle.id)
        assert computed_at is not None
        store.invalidate(None)
        store.save(cycle.id, generation, "{}", computed_at)
        db.session.commit()
        row = db.session.execute(sa.select(CycleRollup.generation, CycleRollup.payload_generation)
                                 .where(CycleRollup.cycle_id == cycle.id)).one()
        assert tuple(row) == (generation + 1, generation)
