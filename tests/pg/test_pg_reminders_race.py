"""Two `cadence reminders send` processes at once on PostgreSQL: each person is reminded once."""
from __future__ import annotations

import os
import subprocess

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import SentMail
from tests.builders import Builders
from tests.builders.processes import CADENCE, ROOT
from tests.conftest import make_app
from tests.builders.scratch_database import scratch_database


def test_two_reminder_processes_on_postgresql_send_each_reminder_once(pg_url, tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    with scratch_database(pg_url) as url:
        app = make_app(tmp_path, database_url=url)
        try:
            with app.app_context():
                db.create_all()
                emails = sorted(Builders().person(email=f"pg{n}@example.com").email for n in range(8))
            env = {**os.environ, "CADENCE_DATABASE_URL": url, "CADENCE_SECRET_KEY": "pg-race",
                   "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_SMTP_URL": smtp_server.url,
                   "PYTHONPATH": str(ROOT)}
            processes = [subprocess.Popen([CADENCE, "reminders", "send"], env=env, cwd=ROOT, text=True,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
            outputs = [p.communicate(timeout=120) for p in processes]
            assert [p.returncode for p in processes] == [0, 0], outputs
            # each process prints its own count; together they sent one reminder per person (8 = a + b)
            assert sum(int(out.split("Sent ")[1].split()[0]) for out, _ in outputs) == len(emails)
            received = sorted(r for recipients, _ in smtp_server.mailbox.received for r in recipients)
            assert received == emails
            with app.app_context():
                assert db.session.scalar(sa.select(sa.func.count(SentMail.id))) == len(emails)
        finally:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
