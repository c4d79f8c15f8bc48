"""`cadence init` builds an empty SQLite database through the Alembic migrations, and the result
matches the models exactly (a migration that drifted from the models fails here)."""
from __future__ import annotations

import sqlite3

import pytest
from click.testing import CliRunner

from tests.builders.migrations import drift_and_revision, head_revision, init


# migrations/env.py is Flask-Migrate's template, which still calls Flask-SQLAlchemy's deprecated get_engine().
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


@pytest.fixture
def database_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'instance' / 'cadence.db'}"


def test_cadence_init_builds_an_empty_sqlite_database_that_matches_the_models(database_url, tmp_path):
    result = init(database_url, tmp_path)
    assert result.exit_code == 0, result.output
    assert f"Database ready: {database_url}" in result.output
    drift, revision = drift_and_revision(database_url, tmp_path)
    assert drift == [], "the migrations differ from the models; regenerate them"
    assert revision == head_revision()


def test_a_second_init_upgrades_nothing_and_keeps_the_data(database_url, tmp_path):
    assert init(database_url, tmp_path).exit_code == 0
    path = tmp_path / "instance" / "cadence.db"
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("INSERT INTO team (name, kind) VALUES ('Sales', 'function')")
    connection.close()
    again = init(database_url, tmp_path)
    assert again.exit_code == 0, again.output
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("SELECT name FROM team").fetchall() == [("Sales",)]
    finally:
        connection.close()


def test_init_creates_the_instance_folder_and_database_file_when_neither_exists(tmp_path):
    url = f"sqlite:///{tmp_path / 'brand' / 'new' / 'cadence.db'}"
    from cli import cli

    env = {"CADENCE_DATABASE_URL": None, "CADENCE_INSTANCE_PATH": str(tmp_path / "brand" / "new"),
           "CADENCE_SECRET_KEY": None}
    result = CliRunner().invoke(cli, ["init"], env=env)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "brand" / "new" / "cadence.db").is_file()
    assert drift_and_revision(url, tmp_path)[0] == []
