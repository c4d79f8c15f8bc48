"""`cadence init` and `cadence serve`: getting a server going."""
from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

import click
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from okr_app import create_app
from okr_app.commands.edge import app_context, cli_errors
from okr_app.config import Config, secret_key_path
from okr_app.ritual.schedule import parse_slot, run_due_jobs, run_forever
from okr_app.security import proxy_addresses
from okr_app.serving import default_threads, default_workers


@click.command()
def init() -> None:
    """Create or upgrade the database and generate the secret key (once) into the instance folder."""

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

        upgrade(directory=str(Path(app.root_path).parent / "migrations"))
        click.echo(f"Database ready: {_safe_url(app.config['SQLALCHEMY_DATABASE_URI'])}")


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""

    return make_url(url).render_as_string(hide_password=True)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=lambda: default_workers(), show_default="one per core",
              type=click.IntRange(1, 64), help="gunicorn worker processes.")
@click.option("--threads", default=lambda: default_threads(), show_default=str(default_threads()),
              type=click.IntRange(1, 64), help="Threads per worker (more only help when requests wait on I/O).")
def serve(host: str, port: int, workers: int, threads: int) -> None:
    """Serve the web app with gunicorn (a production server, not Flask's development one)."""

    with cli_errors():
        with app_context() as app:  # fail early, with a clear message, when init has not run
            scheduled = app.config["SCHEDULE"].lower() not in ("off", "0", "no")
            slots = (parse_slot(app.config["REMINDERS_AT"]), parse_slot(app.config["DIGEST_AT"]))
            zone = app.config["TIMEZONE"]

    # The workers answer for the host they are bound to (CADENCE_TRUSTED_HOSTS' default), and gunicorn honours
    # X-Forwarded-Proto only from the proxies CADENCE_BEHIND_PROXY names (never, by default, from 127.0.0.1).
    os.environ["CADENCE_SERVE_HOST"] = host
    proxies = ",".join(proxy_addresses(os.environ.get("CADENCE_BEHIND_PROXY", ""))) or "0.0.0.0/32"
    args = [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}", "--workers", str(workers),
            "--threads", str(threads), "--forwarded-allow-ips", proxies, "--access-logfile", "-", "okr_app.wsgi:app"]
    if scheduled:
        args[3:3] = ["--config", "python:okr_app.ritual.gunicorn_hooks"]
    click.echo(f"Cadence is serving on http://{host}:{port}  (Ctrl+C stops it)")
    if scheduled:
        click.echo(f"Weekly messages: reminders {slots[0]}, digests {slots[1]} ({zone}); CADENCE_SCHEDULE=off "
                   "leaves them to cron.")
    os.execv(sys.executable, args)


@click.command()
@click.option("--once", is_flag=True, help="Look once, send what is due, and exit (for cron or a timer).")
def schedule(once: bool) -> None:
    """Send the weekly reminders and digests when they are due (what `cadence serve` runs by itself)."""

    if not once:
        click.echo("Sending reminders and digests when due; Ctrl+C stops.")
        with cli_errors():
            run_forever(create_app)
    with cli_errors():
        with app_context():
            said = run_due_jobs()
    click.echo("\n".join(said) or "Nothing was due.")
