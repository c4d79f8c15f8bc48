"""Backing up and restoring Cadence's database, whichever engine it runs on.

SQLite: SQLite's online backup API copies a consistent snapshot while the app keeps serving, and
copies a backup back the same way (the destination is replaced in one transaction). PostgreSQL:
`pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner` in a single transaction,
so a restore that fails half way changes nothing. The connection details come from the database
URL and reach pg_dump/pg_restore through libpq's environment variables (PGHOST, PGPASSWORD, ...),
so the password never shows on a command line.

A backup is written to a temporary file next to OUT and renamed into place, so an interrupted
backup never leaves a truncated file where a good one was. It holds password hashes and people's
reviews, so only its owner may read it (mode 0600).
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, make_url

from okr_app.errors import CadenceError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# libpq reads these from the environment; the URL's query string may carry them too.
_LIBPQ_QUERY_ENV = {"host": "PGHOST", "port": "PGPORT", "sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT",
                    "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY", "connect_timeout": "PGCONNECT_TIMEOUT",
                    "application_name": "PGAPPNAME", "options": "PGOPTIONS"}


class BackupRefused(CadenceError):
    """The backup or restore cannot start: a missing database, a file that is not a backup, ..."""

    status = 422


class BackupFailed(CadenceError):
    """pg_dump, pg_restore or SQLite stopped with an error; its own words are in the message."""

    status = 500


def describe(url: str) -> str:
    """The database URL without its password, for messages."""
    return make_url(url).render_as_string(hide_password=True)


def engine_of(url: str) -> str:
    """'sqlite' or 'postgresql' (any driver: postgresql+psycopg counts as postgresql)."""
    backend = make_url(url).get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise BackupRefused(f"Cadence backs up SQLite and PostgreSQL databases, not {backend}.")
    return backend


def backup_database(url: str, out: Path) -> int:
    """Copy the whole database to `out` (replacing it); returns the backup's size in bytes."""
    out = Path(out)
    if out.is_dir():
        raise BackupRefused(f"{out} is a folder; give the backup a file name, e.g. {out / 'cadence.backup'}.")
    if not out.parent.is_dir():
        raise BackupRefused(f"The folder {out.parent} does not exist.")
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    partial.unlink(missing_ok=True)
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))  # people's data: owner only
    try:
        if engine_of(url) == "sqlite":
            _sqlite_backup(_sqlite_path(url), out, partial)
        else:
            _pg_dump(make_url(url), partial)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return out.stat().st_size


def check_backup_file(url: str, source: Path) -> None:
    """Refuse, with the reason, a file that is not a backup this database can take back."""
    source = Path(source)
    if not source.is_file():
        raise BackupRefused(f"{source} is not a file.")
    with source.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    is_sqlite, is_pg = head.startswith(SQLITE_MAGIC), head.startswith(PG_DUMP_MAGIC)
    if engine_of(url) == "sqlite":
        if is_pg:
            raise BackupRefused(f"{source} is a PostgreSQL backup (pg_dump), but Cadence is configured for SQLite "
                                "(CADENCE_DATABASE_URL).")
        if not is_sqlite:
            raise BackupRefused(f"{source} is not a SQLite database, so it is not a Cadence backup.")
        _check_sqlite_backup(source)
    else:
        if is_sqlite:
            raise BackupRefused(f"{source} is a SQLite backup, but Cadence is configured for PostgreSQL "
                                "(CADENCE_DATABASE_URL).")
        if not is_pg:
            raise BackupRefused(f"{source} is not a pg_dump custom-format archive, so it is not a Cadence backup.")


def restore_database(url: str, source: Path) -> None:
    """Replace everything in the database with the backup `source` (checked first)."""
    check_backup_file(url, source)
    if engine_of(url) == "sqlite":
        _sqlite_restore(Path(source), _sqlite_path(url))
    else:
        _pg_restore(make_url(url), Path(source))


# --- SQLite --------------------------------------------------------------------------------

def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupRefused("An in-memory SQLite database has nothing on disk to back up or restore.")
    return Path(database).resolve()


def _read_only(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def _sqlite_backup(database: Path, out: Path, partial: Path) -> None:
    if not database.exists():
        raise BackupRefused(f"There is no database at {database} yet: run `cadence init` first.")
    if out.resolve() == database:
        raise BackupRefused(f"{out} is the database itself; write the backup somewhere else.")
    _copy(_read_only(database), sqlite3.connect(partial))
    standalone = sqlite3.connect(partial)  # a live database runs in WAL mode; a backup is one self-contained file
    try:
        standalone.execute("PRAGMA journal_mode = DELETE")
    finally:
        standalone.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    if source.resolve() == database:
        raise BackupRefused(f"{source} is the database itself.")
    database.parent.mkdir(parents=True, exist_ok=True)
    _copy(_read_only(source), sqlite3.connect(database, timeout=10))


def _copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Page by page through the backup API: the target ends up an exact copy, in one transaction."""
    try:
        source.backup(target)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupFailed("The database is busy; stop `cadence serve` (or wait for the running "
                               "command) and try again.") from None
        raise BackupFailed(f"SQLite could not copy the database: {exc}.") from None
    finally:
        target.close()
        source.close()


def _check_sqlite_backup(source: Path) -> None:
    """An intact SQLite file with Cadence's tables in it."""
    try:
        connection = _read_only(source)
        try:
            verdict = connection.execute("PRAGMA quick_check").fetchone()[0]
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise BackupRefused(f"{source} is not a readable SQLite database ({exc}).") from None
    if verdict != "ok":
        raise BackupRefused(f"{source} is damaged (SQLite's check says: {verdict}).")
    if "person" not in tables:
        raise BackupRefused(f"{source} is a SQLite database, but not a Cadence one (it has no people table).")


# --- PostgreSQL -----------------------------------------------------------------------------

def libpq_environment(url: URL) -> dict[str, str]:
    """The URL's connection details as libpq environment variables, on top of this process's
    environment (so PGSSLMODE and friends set by the operator still apply when the URL is silent)."""
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    for key, name in _LIBPQ_QUERY_ENV.items():
        value = url.query.get(key)
        if value is not None:
            env[name] = value if isinstance(value, str) else value[-1]
    return env


def _pg_dump(url: URL, partial: Path) -> None:
    if not url.database:
        raise BackupRefused("The PostgreSQL URL names no database.")
    _run("pg_dump", ["--format=custom", "--no-password", f"--file={partial}"], url)


def _pg_restore(url: URL, source: Path) -> None:
    if not url.database:
        raise BackupRefused("The PostgreSQL URL names no database.")
    _run("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error",
                        "--no-password", f"--dbname={url.database}", str(source)], url)


def _run(tool: str, args: list[str], url: URL) -> None:
    executable = shutil.which(tool)
    if executable is None:
        raise BackupRefused(f"{tool} is not installed; install the PostgreSQL client tools "
                            "(Debian/Ubuntu: apt-get install postgresql-client), the same major version as the server.")
    result = subprocess.run([executable, *args], env=libpq_environment(url), capture_output=True, text=True)
    if result.returncode != 0:
        detail = " ".join(result.stderr.strip().splitlines()[-3:]) or f"exit code {result.returncode}"
        raise BackupFailed(f"{tool} failed: {detail}")
