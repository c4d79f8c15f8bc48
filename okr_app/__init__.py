"""Cadence's web app: `create_app()` builds it; one blueprint per feature."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (see `okr_app.config.Config`), then `test_config` on top."""
    # Imported here, not at the top: `okr_app.commands` and `okr_app.clock` live in this package, and
    # `cadence --help` or `cadence payout run` must not load Flask to reach them.
    from flask import Flask

    from okr_app import auth, edge, security, web_errors
    from okr_app.config import Config
    from okr_app.extensions import csrf, db, limiter, login_manager, migrate
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
    with app.app_context():
        tune_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    security.init_app(app)
    app.url_map.converters["int"] = DatabaseId
    auth.init_app(app)
    web_errors.init_app(app)
    edge.init_app(app)
    _register_blueprints(app)
    return app


def tune_sqlite(engine) -> None:
    """SQLite serves a trial on one machine: WAL lets readers run beside a writer, and writers wait
    (up to 30 s) for each other instead of failing with 'database is locked'."""
    import sqlalchemy as sa

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
    import importlib

    for name in BLUEPRINTS:
        module = importlib.import_module(f"okr_app.{name}")
        app.register_blueprint(module.bp)


# Feature packages, each exposing `bp` from its __init__.py.
BLUEPRINTS = ["auth", "dashboard", "cycles", "okrs", "checkins", "people", "api", "payouts", "audit"]
