"""Cadence's web app: `create_app()` builds it; one blueprint per feature."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment (see `okr_app.config.Config`), then `test_config` on top."""
    from okr_app import auth, web_errors
    from okr_app.config import Config
    from okr_app.extensions import csrf, db, limiter, login_manager, migrate

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
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    auth.init_app(app)
    web_errors.init_app(app)
    _register_blueprints(app)
    return app


def _register_blueprints(app: Flask) -> None:
    import importlib

    for name in BLUEPRINTS:
        module = importlib.import_module(f"okr_app.{name}")
        app.register_blueprint(module.bp)


# Feature packages, each exposing `bp` from its __init__.py.
BLUEPRINTS = ["auth", "dashboard", "cycles", "okrs", "checkins", "people", "api", "payouts", "audit"]
