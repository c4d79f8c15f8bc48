"""`cadence init` builds an empty PostgreSQL database through the Alembic migrations, and the result
matches the models exactly (a migration that drifted from the models fails here)."""
from __future__ import annotations


import pytest

from tests.builders.migrations import drift_and_revision, head_revision, init
import sqlalchemy as sa

from tests.builders.scratch_database import scratch_database


# migrations/env.py is Flask-Migrate's template, which still calls Flask-SQLAlchemy's deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def pg_database(pg_url):
    with scratch_database(pg_url) as url:
        yield url


def test_cadence_init_builds_an_empty_postgresql_database_that_matches_the_models(pg_database, tmp_path):
    result = init(pg_database, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Database ready: postgresql+psycopg://" in result.output and "***" in result.output
    drift, revision = drift_and_revision(pg_database, tmp_path)
    assert drift == [], "the migrations differ from the models; regenerate them"
    assert revision == head_revision()


def test_a_second_init_on_an_up_to_date_database_changes_nothing(pg_database, tmp_path):
    assert init(pg_database, tmp_path).exit_code == 0
    engine = sa.create_engine(pg_database)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("INSERT INTO team (name, kind) VALUES ('Sales', 'function')"))
        again = init(pg_database, tmp_path)
        assert again.exit_code == 0, again.output
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT name FROM team")).scalars().all() == ["Sales"]
    finally:
        engine.dispose()
