"""`cadence init` and `cadence serve`: getting a server going."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click

from okr_app.commands.common import app_context, cli_errors


@click.command()
def init() -> None:
    """Create or upgrade the database and generate the secret key (once) into the instance folder."""
    from okr_app.config import Config, secret_key_path

    config = Config()
    key_path = secret_key_path(config.INSTANCE_PATH)
    if not key_path.exists() and not os.environ.get("CADENCE_SECRET_KEY"):
        key_path.parent.mkdir(parents=True, exist_ok=True)
        # Created 0600 from the first byte: the key is never readable by others, even briefly.
        descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")
        click.echo(f"Generated a secret key in {key_path}")
    with app_context() as app:
        from flask_migrate import upgrade

        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        click.echo(f"Database ready: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64),
              help="gunicorn worker processes.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64),
              help="Threads per worker.")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app with gunicorn (a production server, not Flask's development one)."""
    with cli_errors():
        with app_context():
            pass  # fail early, with a clear message, when init has not run
    args = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--access-logfile", "-", "okr_app.wsgi:app"]
    click.echo(f"Cadence is serving on http://{host}:{port}  (Ctrl+C stops it)")
    os.execv(sys.executable, args)
