"""The mail claim on PostgreSQL: ON CONFLICT DO NOTHING keeps one row per key, and a failed key is retried."""
from __future__ import annotations

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.mail.services import compose, send
from okr_app.models import Person, SentMail
from tests.builders import Builders
from tests.builders.apps import make_app
from tests.builders.scratch_database import scratch_database


def test_one_key_is_sent_once_on_postgresql(pg_url, tmp_path, smtp_server, monkeypatch):
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
    with scratch_database(pg_url) as url:
        apps = [make_app(tmp_path, database_url=url, SMTP_URL=smtp_server.url) for _ in range(2)]
        try:
            with apps[0].app_context():
                db.create_all()
                person_id = Builders().person().id
            outcomes = []
            for app in (*apps, apps[0]):
                with app.app_context():
                    person = db.session.get(Person, person_id)
                    letter = compose("invitation", person, "Hi", "invitation", inviter="A", link="x",
                                     valid_for="1 day")
                    outcomes.append(send(letter, "2026-W49") is not None)
                    db.session.commit()
            assert outcomes == [True, False, False]
            assert len(smtp_server.mailbox.wait_for(1)) == 1
            with apps[0].app_context():
                assert db.session.scalars(sa.select(SentMail.state)).all() == ["sent"]
        finally:
            for app in apps:
                with app.app_context():
                    db.session.remove()
                    db.engine.dispose()
