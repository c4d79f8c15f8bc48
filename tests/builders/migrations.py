"""`cadence init` against a database URL, and how far that database is from the models."""
from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = "test-secret-key-not-for-production"


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


def head_revision() -> str | None:
    return ScriptDirectory(str(ROOT / "migrations")).get_current_head()
