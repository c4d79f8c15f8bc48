"""gunicorn hooks for `cadence serve`: start the weekly-message schedule beside the web workers, stop it with them.

The schedule runs in its own process (`python -m okr_app.ritual.schedule`), never inside a worker: workers
come and go, and several of them would each look. Several servers may each run one; every message still
goes out once (see okr_app.mail.services)."""
from __future__ import annotations

import subprocess
import sys

_schedule: subprocess.Popen | None = None


def when_ready(server) -> None:
    global _schedule
    _schedule = subprocess.Popen([sys.executable, "-m", "okr_app.ritual.schedule"])
    server.log.info("weekly-message schedule started (pid %s)", _schedule.pid)


def on_exit(server) -> None:
    if _schedule is not None and _schedule.poll() is None:
        _schedule.terminate()
        try:
            _schedule.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _schedule.kill()
