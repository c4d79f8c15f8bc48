"""`cadence init` builds an empty PostgreSQL database through the Alembic migrations, and the result
matches the models exactly (a migration that drifted from the models fails here)."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner

from tests.pg.scratch_database import scratch_database

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = "test-secret-key-not-for-production"

# migrations/env.py is Flask-Migrate's template, which still calls Flask-SQLAlchemy's deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def pg_database(pg_url):
    with scratch_database(pg_url) as url:
        yield url


def init(url: str, tmp_path: Path):
    from cli import cli

    env = {"CADENCE_DATABASE_URL": url, "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"),
           "CADENCE_SECRET_KEY": TEST_KEY}
    return CliRunner().invoke(cli, ["init"], env=env)


def drift_and_revision(url: str, tmp_path: Path) -> tuple[list, str | None]:
    """Differences between the database and the models (every blueprint's), and its Alembic revision."""
    from okr_app import create_app
    from okr_app.extensions import db

    app = create_app({"SECRET_KEY": TEST_KEY, "SQLALCHEMY_DATABASE_URI": url,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                return compare_metadata(context, db.metadata), context.get_current_revision()
        finally:
            db.engine.dispose()


def test_cadence_init_builds_an_empty_postgresql_database_that_matches_the_models(pg_database, tmp_path):
    result = init(pg_database, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Database ready: postgresql+psycopg://" in result.output and "***" in result.output
    drift, revision = drift_and_revision(pg_database, tmp_path)
    assert drift == [], "the migrations differ from the models; regenerate them"
    assert revision == ScriptDirectory(str(ROOT / "migrations")).get_current_head()


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
