"""`cadence backup` / `cadence restore` on SQLite: a round trip gives back exactly what was there, and
every way an operator can get it wrong is refused before anything changes."""
from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from okr_app.demo import seed_organisation
from okr_app.extensions import db
from okr_app.models import Person, WeeklyReport

TEST_KEY = "test-secret-key-not-for-production"


@pytest.fixture
def database(app) -> Path:
    """The app's SQLite file, holding a small demo company."""
    with app.app_context():
        seed_organisation(25, seed=5, password_hash="x")
        db.session.commit()
    return Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///"))


def cadence(app, *args, input: str | None = None):
    from cli import cli

    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_INSTANCE_PATH": app.instance_path,
           "CADENCE_SECRET_KEY": TEST_KEY}
    return CliRunner().invoke(cli, list(args), env=env, input=input)


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in order: two databases with equal contents hold the same data."""
    connection = sqlite3.connect(path)
    try:
        tables = [row[0] for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        return {table: connection.execute(f'SELECT * FROM "{table}" ORDER BY 1').fetchall() for table in tables}
    finally:
        connection.close()


def change_something(app) -> None:
    with app.app_context():
        db.session.execute(sa.delete(WeeklyReport).where(WeeklyReport.id > 10))
        db.session.add(Person(name="Not In The Backup", email="late@example.com", role="employee"))
        db.session.commit()


def test_a_restore_gives_back_exactly_what_the_backup_held(app, database, tmp_path):
    before = contents(database)
    out = tmp_path / "cadence.backup"
    made = cadence(app, "backup", str(out))
    assert made.exit_code == 0, made.output
    assert f"to {out}" in made.output
    change_something(app)
    assert contents(database) != before
    restored = cadence(app, "restore", str(out), "--yes")
    assert restored.exit_code == 0, restored.output
    assert contents(database) == before
    with app.app_context():  # the running app's own connections see the restored data
        assert db.session.scalar(sa.select(sa.func.count(Person.id))) == 25


def test_a_backup_is_one_self_contained_file_only_its_owner_can_read(app, database, tmp_path):
    out = tmp_path / "cadence.backup"
    assert cadence(app, "backup", str(out)).exit_code == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds password hashes and people's reviews
    connection = sqlite3.connect(out)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # the live database is WAL
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        connection.close()
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith((".cadence", "cadence")))
    assert leftovers == ["cadence.backup"]  # no -wal, -shm or partial file beside it


def test_a_backup_taken_during_a_write_holds_only_committed_data(app, database, tmp_path):
    writer = sqlite3.connect(database)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO person (email, name, role, active, session_version, created_at) "
                   "VALUES ('halfway@example.com', 'Half Way', 'employee', 1, 1, '2026-01-01')")
    try:
        out = tmp_path / "during.backup"
        result = cadence(app, "backup", str(out))
        assert result.exit_code == 0, result.output
    finally:
        writer.rollback()
        writer.close()
    emails = [row[0] for row in sqlite3.connect(out).execute("SELECT email FROM person")]
    assert len(emails) == 25 and "halfway@example.com" not in emails


def test_backup_asks_before_replacing_an_existing_file(app, database, tmp_path):
    out = tmp_path / "cadence.backup"
    out.write_text("last week's backup")
    declined = cadence(app, "backup", str(out), input="n\n")
    assert declined.exit_code == 1 and "already exists" in declined.output
    assert out.read_text() == "last week's backup"
    assert cadence(app, "backup", str(out), "--yes").exit_code == 0
    assert out.read_bytes().startswith(b"SQLite format 3\x00")


def test_restore_asks_first_and_a_no_changes_nothing(app, database, tmp_path):
    out = tmp_path / "cadence.backup"
    assert cadence(app, "backup", str(out)).exit_code == 0
    change_something(app)
    changed = contents(database)
    declined = cadence(app, "restore", str(out), input="n\n")
    assert declined.exit_code == 1 and "replaces everything" in declined.output
    assert contents(database) == changed
    assert cadence(app, "restore", str(out), input="y\n").exit_code == 0
    assert contents(database) != changed


@pytest.mark.parametrize("make_file, message", [
    (lambda path: path.write_text("name,email\nAna,ana@example.com\n"), "is not a SQLite database"),
    (lambda path: path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(200)), "is a PostgreSQL backup"),
    (lambda path: sqlite3.connect(path).execute("CREATE TABLE recipes (id INTEGER)").connection.commit(),
     "not a Cadence one"),
    (lambda path: path.write_bytes(b""), "is not a SQLite database"),
], ids=["csv", "pg_dump", "other-sqlite", "empty"])
def test_restore_refuses_a_file_that_is_not_a_cadence_backup_and_changes_nothing(app, database, tmp_path,
                                                                                make_file, message):
    before = contents(database)
    wrong = tmp_path / "wrong.file"
    make_file(wrong)
    result = cadence(app, "restore", str(wrong), "--yes")
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output
    assert contents(database) == before


def test_restore_refuses_a_damaged_backup_and_changes_nothing(app, database, tmp_path):
    out = tmp_path / "cadence.backup"
    assert cadence(app, "backup", str(out)).exit_code == 0
    damaged = bytearray(out.read_bytes())
    page = 4096
    damaged[3 * page:len(damaged) - page] = b"\xff" * (len(damaged) - 4 * page)  # overwrite all but 3 pages
    out.write_bytes(bytes(damaged))
    before = contents(database)
    result = cadence(app, "restore", str(out), "--yes")
    assert result.exit_code == 2, result.output
    assert "damaged" in result.output or "not a readable SQLite database" in result.output
    assert contents(database) == before


def test_backup_before_init_says_to_run_init(tmp_path):
    from cli import cli

    env = {"CADENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'nothing-here.db'}", "CADENCE_INSTANCE_PATH": str(tmp_path),
           "CADENCE_SECRET_KEY": None}
    result = CliRunner().invoke(cli, ["backup", str(tmp_path / "out.backup")], env=env)
    assert result.exit_code == 2 and "run `cadence init` first" in result.output
    assert not (tmp_path / "out.backup").exists() and not (tmp_path / "nothing-here.db").exists()


def test_backup_into_a_missing_folder_or_onto_the_database_itself_is_refused(app, database, tmp_path):
    missing = cadence(app, "backup", str(tmp_path / "no-such-folder" / "x.backup"))
    assert missing.exit_code == 2 and "does not exist" in missing.output
    itself = cadence(app, "backup", str(database), "--yes")
    assert itself.exit_code == 2 and "the database itself" in itself.output


def test_an_interrupted_backup_leaves_the_previous_backup_and_no_partial_file(app, database, tmp_path, monkeypatch):
    import okr_app.backup as backup_module

    out = tmp_path / "cadence.backup"
    assert cadence(app, "backup", str(out)).exit_code == 0
    good = out.read_bytes()

    def dies_half_way(source, target):
        target.execute("CREATE TABLE half (x)")
        target.close()
        source.close()
        raise backup_module.BackupFailed("SQLite could not copy the database: disk I/O error.")

    monkeypatch.setattr(backup_module, "_copy", dies_half_way)
    result = cadence(app, "backup", str(out), "--yes")
    assert result.exit_code == 2 and "disk I/O error" in result.output
    assert out.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []


def test_restore_works_on_a_fresh_machine_before_init(app, database, tmp_path):
    from cli import cli

    out = tmp_path / "cadence.backup"
    assert cadence(app, "backup", str(out)).exit_code == 0
    fresh = tmp_path / "new-machine" / "instance"
    env = {"CADENCE_INSTANCE_PATH": str(fresh), "CADENCE_DATABASE_URL": None, "CADENCE_SECRET_KEY": None}
    result = CliRunner().invoke(cli, ["restore", str(out), "--yes"], env=env)
    assert result.exit_code == 0, result.output
    assert contents(fresh / "cadence.db") == contents(database)
