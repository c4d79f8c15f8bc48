"""`cadence backup` / `cadence restore` on PostgreSQL (pg_dump / pg_restore), each test on its own
scratch database: a round trip gives back exactly what was there, also onto an empty server, and a
bad or broken archive changes nothing."""
from __future__ import annotations

import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.engine import make_url

from okr_app.backup import libpq_environment
from tests.builders.scratch_database import scratch_database

TEST_KEY = "test-secret-key-not-for-production"


@pytest.fixture
def pg_database(pg_url):
    with scratch_database(pg_url) as url:
        yield url


@pytest.fixture
def loaded(pg_database, tmp_path):
    """A scratch database holding a small demo company (tables from the models)."""
    from okr_app import create_app
    from okr_app.demo import seed_organisation
    from okr_app.extensions import db

    app = create_app({"SECRET_KEY": TEST_KEY, "SQLALCHEMY_DATABASE_URI": pg_database,
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    with app.app_context():
        db.create_all()
        seed_organisation(25, seed=5, password_hash="x")
        db.session.commit()
        db.engine.dispose()
    return pg_database


def cadence(url: str, tmp_path: Path, *args, input: str | None = None):
    from cli import cli

    env = {"CADENCE_DATABASE_URL": url, "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"),
           "CADENCE_SECRET_KEY": TEST_KEY}
    return CliRunner().invoke(cli, list(args), env=env, input=input)


def contents(url: str) -> dict[str, list[tuple]]:
    """Every row of every table, in order."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            tables = sorted(sa.inspect(connection).get_table_names())
            return {table: [tuple(row) for row in connection.execute(sa.text(f'SELECT * FROM "{table}" ORDER BY 1'))]
                    for table in tables}
    finally:
        engine.dispose()


def change_something(url: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM report_reply"))
            connection.execute(sa.text("UPDATE key_result SET title = 'tampered'"))
    finally:
        engine.dispose()


def test_a_restore_gives_back_exactly_what_the_backup_held(loaded, tmp_path):
    before = contents(loaded)
    out = tmp_path / "cadence.dump"
    made = cadence(loaded, tmp_path, "backup", str(out))
    assert made.exit_code == 0, made.output
    assert out.read_bytes().startswith(b"PGDMP")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert "cadence:***@" in made.output and ":cadence@" not in made.output  # the password is never printed
    change_something(loaded)
    assert contents(loaded) != before
    restored = cadence(loaded, tmp_path, "restore", str(out), "--yes")
    assert restored.exit_code == 0, restored.output
    assert contents(loaded) == before


def test_a_backup_restores_onto_an_empty_database_on_a_new_server(loaded, pg_url, tmp_path):
    out = tmp_path / "cadence.dump"
    assert cadence(loaded, tmp_path, "backup", str(out)).exit_code == 0
    with scratch_database(pg_url) as empty:
        restored = cadence(empty, tmp_path, "restore", str(out), "--yes")
        assert restored.exit_code == 0, restored.output
        assert contents(empty) == contents(loaded)


def test_a_broken_archive_fails_cleanly_and_changes_nothing(loaded, tmp_path):
    out = tmp_path / "cadence.dump"
    assert cadence(loaded, tmp_path, "backup", str(out)).exit_code == 0
    whole = out.read_bytes()
    out.write_bytes(whole[:len(whole) * 2 // 3])  # cut off in the middle of the table data
    before = contents(loaded)
    result = cadence(loaded, tmp_path, "restore", str(out), "--yes")
    assert result.exit_code == 2, result.output
    assert "pg_restore failed" in result.output and "Traceback" not in result.output
    assert contents(loaded) == before  # one transaction: the drops were rolled back too


@pytest.mark.parametrize("make_file, message", [
    (lambda path: path.write_bytes(b"SQLite format 3\x00" + bytes(100)), "is a SQLite backup"),
    (lambda path: path.write_text("-- plain SQL dump\nDROP TABLE person;\n"), "not a pg_dump custom-format archive"),
], ids=["sqlite", "plain-sql"])
def test_restore_refuses_a_file_that_is_not_a_pg_dump_archive(loaded, tmp_path, make_file, message):
    wrong = tmp_path / "wrong.file"
    make_file(wrong)
    before = contents(loaded)
    result = cadence(loaded, tmp_path, "restore", str(wrong), "--yes")
    assert result.exit_code == 2 and message in result.output
    assert contents(loaded) == before


def test_restore_asks_first_and_a_no_changes_nothing(loaded, tmp_path):
    out = tmp_path / "cadence.dump"
    assert cadence(loaded, tmp_path, "backup", str(out)).exit_code == 0
    change_something(loaded)
    changed = contents(loaded)
    declined = cadence(loaded, tmp_path, "restore", str(out), input="n\n")
    assert declined.exit_code == 1 and "replaces everything" in declined.output
    assert contents(loaded) == changed


def test_a_wrong_password_is_reported_and_leaves_no_file(loaded, tmp_path):
    wrong = make_url(loaded).set(password="not-the-password").render_as_string(hide_password=False)
    out = tmp_path / "cadence.dump"
    result = cadence(wrong, tmp_path, "backup", str(out))
    assert result.exit_code == 2
    assert "pg_dump failed" in result.output and "password authentication failed" in result.output
    assert "not-the-password" not in result.output
    assert list(tmp_path.glob("*cadence.dump*")) == []


def test_the_database_url_reaches_pg_dump_as_libpq_environment_variables():
    """No server needed: the psycopg URL becomes PGHOST, PGPORT, ... (never a command-line argument)."""
    url = make_url("postgresql+psycopg://payroll:p%40ss%3Aword@db.internal:6543/cadence?sslmode=require")
    env = libpq_environment(url)
    assert {key: env[key] for key in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGSSLMODE")} == {
        "PGHOST": "db.internal", "PGPORT": "6543", "PGUSER": "payroll", "PGPASSWORD": "p@ss:word",
        "PGDATABASE": "cadence", "PGSSLMODE": "require"}
