"""Cadence's web app: `create_app()` builds it; one blueprint per feature."""
from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (see `okr_app.config.Config`), then `test_config` on top."""
    # Imported here rather than at the top: `import okr_app.<anything>` (the CLI's file-mode payout commands, the
    # clock) must not load Flask, its extensions, SQLAlchemy and every blueprint; building the app does.
    from flask import Flask

    from okr_app import bounds, edge, security, stored_files, web_errors
    from okr_app.audit import append_only
    from okr_app.auth import session
    from okr_app.mail import services as mail
    from okr_app.config import Config
    from okr_app.extensions import csrf, db, login_manager, migrate
    from okr_app.okrs import rollup_cache
    from okr_app.url_ids import DatabaseId

    config = Config((test_config or {}).get("INSTANCE_PATH"))
    app = Flask(__name__, instance_path=config.INSTANCE_PATH, instance_relative_config=True,
                template_folder=str(ROOT / "templates"), static_folder="static")
    app.config.from_mapping(config.as_dict())
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("No secret key: run `cadence init` (it writes one into the instance folder) "
                           "or set CADENCE_SECRET_KEY.")
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    rollup_cache.install()
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)

    security.init_app(app)
    app.url_map.converters["int"] = DatabaseId
    session.init_app(app)
    append_only.install()
    stored_files.install()
    web_errors.init_app(app)
    bounds.init_app(app)
    edge.init_app(app)
    mail.init_app(app)
    _register_blueprints(app)
    return app


def tune_sqlite(engine) -> None:
    """SQLite serves a trial on one machine: WAL lets readers run beside a writer, and writers wait
    (up to 30 s) for each other instead of failing with 'database is locked'."""
    import sqlalchemy as sa  # here, like Flask in create_app: importing the package must not load SQLAlchemy

    if engine.dialect.name != "sqlite":
        return

    @sa.event.listens_for(engine, "connect")
    def _on_connect(connection, _record) -> None:
        cursor = connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()


def _register_blueprints(app: Flask) -> None:
    """Import each feature's view modules (they attach their views to the package's `bp`), then register it."""
    for name, modules in BLUEPRINTS.items():
        for module in modules:
            importlib.import_module(f"okr_app.{name}.{module}")
        app.register_blueprint(importlib.import_module(f"okr_app.{name}").bp)


# Feature packages: each defines `bp` in its __init__.py; these modules hold its views and hooks.
BLUEPRINTS = {
    "auth": ("routes",), "dashboard": ("routes",), "cycles": ("routes",), "okrs": ("routes",),
    "checkins": ("routes",), "people": ("routes",), "api": ("auth", "errors", "openapi", "routes"),
    "payouts": ("routes", "question_routes", "plan_routes"), "audit": ("routes",), "growth": ("routes",),
    "notifications": ("routes",), "mail": ("routes",), "ritual": ("routes",),
}
