"""An app for a test: on its own SQLite file (or the URL given), CSRF and rate limits off unless asked."""
from __future__ import annotations

import shutil
from pathlib import Path

from okr_app import create_app
from okr_app.extensions import db


def make_app(tmp_path: Path, database_url: str | None = None, **overrides):
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{tmp_path / 'test.db'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
    }
    config.update(overrides)
    return create_app(config)


def sqlite_schema(folder: Path) -> Path:
    """An SQLite file holding Cadence's empty schema (`db.create_all()`, which the migration test holds equal to
    the migrations), built in `folder`."""
    app = make_app(folder)
    with app.app_context():
        db.create_all()
        db.engine.dispose()  # checkpoints the WAL into the file, so one file copy is the whole database
    return folder / "test.db"


def copy_of(template: Path, tmp_path: Path) -> str:
    """A fresh database for one test: a copy of the schema template (milliseconds, where create_all takes tenths)."""
    target = tmp_path / "test.db"
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"
