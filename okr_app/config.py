"""Configuration from the environment, read when the app is created (never at import time)."""
from __future__ import annotations

import os
from pathlib import Path


def _int_list(value: str) -> tuple[int, ...]:
    return tuple(int(part) for part in value.replace(" ", "").split(",") if part)


class Config:
    """Every setting Cadence reads, with its environment variable and default."""

    def __init__(self, instance_path: str | None = None) -> None:
        env = os.environ
        self.INSTANCE_PATH = str(Path(env.get("CADENCE_INSTANCE_PATH") or instance_path or "instance").resolve())
        default_db = "sqlite:///" + str(Path(self.INSTANCE_PATH) / "cadence.db")
        self.SQLALCHEMY_DATABASE_URI = env.get("CADENCE_DATABASE_URL", default_db)
        self.SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
        self.SECRET_KEY = env.get("CADENCE_SECRET_KEY") or _read_secret_key(self.INSTANCE_PATH)
        # The company's timezone: which calendar day and ISO week "now" falls in (okr_app.clock).
        self.TIMEZONE = env.get("CADENCE_TIMEZONE", "UTC")
        # OKR rules (issue: "both limits are configuration").
        self.CYCLE_LENGTHS_WEEKS = _int_list(env.get("CADENCE_CYCLE_LENGTHS", "6,12"))
        self.MAX_KEY_RESULTS = int(env.get("CADENCE_MAX_KEY_RESULTS", "5"))
        self.MAX_PERSONAL_OBJECTIVES = int(env.get("CADENCE_MAX_PERSONAL_OBJECTIVES", "1"))
        # Uploads and imports.
        self.MAX_CONTENT_LENGTH = int(env.get("CADENCE_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
        self.MAX_IMPORT_BYTES = int(env.get("CADENCE_MAX_IMPORT_BYTES", str(10 * 1024 * 1024)))
        # The largest file a rep may attach to a question on their statement.
        self.QUESTION_MAX_BYTES = int(env.get("CADENCE_QUESTION_MAX_BYTES", str(5 * 1024 * 1024)))
        # Payouts: the folder of plan files (*.toml) a run from the imported data pays on.
        self.PLANS_DIR = env.get("CADENCE_PLANS_DIR", "plans")
        # Web security.
        self.SESSION_COOKIE_HTTPONLY = True
        self.SESSION_COOKIE_SAMESITE = "Lax"
        self.SESSION_COOKIE_SECURE = env.get("CADENCE_SECURE_COOKIES", "0") == "1"
        self.REMEMBER_COOKIE_HTTPONLY = True
        self.REMEMBER_COOKIE_SAMESITE = "Lax"
        self.REMEMBER_COOKIE_SECURE = self.SESSION_COOKIE_SECURE
        # Sessions (okr_app.auth.session): idle timeout and absolute lifetime without remember-me; remember-me.
        self.SESSION_IDLE_HOURS = float(env.get("CADENCE_SESSION_IDLE_HOURS", "12"))
        self.SESSION_LIFETIME_HOURS = float(env.get("CADENCE_SESSION_LIFETIME_HOURS", "24"))
        self.REMEMBER_DAYS = float(env.get("CADENCE_REMEMBER_DAYS", "14"))
        # Sign-in throttle counters (okr_app.auth.throttle): the database, or redis://host:6379/0 for Redis.
        self.RATELIMIT_STORAGE_URL = env.get("CADENCE_RATELIMIT_STORAGE_URL", "database")
        # The reverse proxy's address(es) whose X-Forwarded-* are honoured ('' none, '1' this machine).
        self.BEHIND_PROXY = env.get("CADENCE_BEHIND_PROXY", "")
        # Host names this server answers for; empty: the host `cadence serve` binds to, localhost, BASE_URL's host.
        self.TRUSTED_HOST_NAMES = [h.strip() for h in env.get("CADENCE_TRUSTED_HOSTS", "").split(",") if h.strip()]
        self.SERVE_HOST = env.get("CADENCE_SERVE_HOST", "")
        self.WTF_CSRF_TIME_LIMIT = None
        # Mail (okr_app.mail): a relay URL, or none for the instance outbox/; links in messages start at BASE_URL.
        self.SMTP_URL = env.get("CADENCE_SMTP_URL", "")
        # The weekly messages (okr_app.ritual.schedule): weekday and hour in TIMEZONE; `cadence serve` sends
        # them itself unless CADENCE_SCHEDULE=off (then cron or a systemd timer runs the commands).
        self.REMINDERS_AT = env.get("CADENCE_REMINDERS_AT", "friday 10")
        self.DIGEST_AT = env.get("CADENCE_DIGEST_AT", "monday 8")
        self.SCHEDULE = env.get("CADENCE_SCHEDULE", "on")
        self.SMTP_CA_FILE = env.get("CADENCE_SMTP_CA_FILE", "")
        self.MAIL_FROM = env.get("CADENCE_MAIL_FROM", "Cadence <cadence@localhost>")
        self.BASE_URL = env.get("CADENCE_BASE_URL", "http://localhost:5000")

    def as_dict(self) -> dict:
        return {key: value for key, value in vars(self).items() if key.isupper()}


def secret_key_path(instance_path: str) -> Path:
    return Path(instance_path) / "secret_key"


def _read_secret_key(instance_path: str) -> str | None:
    """The key `cadence init` generated into the instance folder; None until then."""
    path = secret_key_path(instance_path)
    return path.read_text().strip() if path.exists() else None
