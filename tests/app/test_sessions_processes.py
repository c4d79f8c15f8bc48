"""Sign-out ends a session on every gunicorn worker: a copy of the cookies replayed after sign-out is refused
whichever of `cadence serve`'s 3 worker processes answers (state in the database, not in a worker)."""
from __future__ import annotations

import re

import requests

from okr_app.extensions import db
from tests.builders import Builders
from tests.builders.apps import make_app
from tests.builders.servers import CSRF, CadenceServer


def test_copied_cookies_are_refused_by_every_worker_after_sign_out(tmp_path, monkeypatch):
    database = f"sqlite:///{tmp_path / 'cadence.db'}"
    env = {"CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_DATABASE_URL": database,
           "CADENCE_SECRET_KEY": "sessions-test-secret"}
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", env["CADENCE_INSTANCE_PATH"])
    app = make_app(tmp_path, database_url=database)
    with app.app_context():
        db.create_all()
        Builders().person(email="ana@example.com")
        db.session.remove()
        db.engine.dispose()
    with CadenceServer(env, workers=3, log=tmp_path / "access.log") as server:
        browser = requests.Session()
        browser.headers["Connection"] = "close"
        token = next(g for g in CSRF.search(browser.get(f"{server.url}/login", timeout=30).text).groups() if g)
        signed_in = browser.post(f"{server.url}/login", allow_redirects=False, timeout=30, data={
            "csrf_token": token, "email": "ana@example.com", "password": Builders.PASSWORD, "remember": "y"})
        assert signed_in.status_code == 302
        copied = dict(browser.cookies)
        assert {"session", "cadence_remember"} <= set(copied)
        page = browser.get(f"{server.url}/okrs/mine", allow_redirects=False, timeout=30)
        assert page.status_code == 200
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        assert browser.post(f"{server.url}/logout", data={"csrf_token": token}, allow_redirects=False,
                            timeout=30).status_code == 302
        def replay():
            return requests.get(f"{server.url}/okrs/mine", cookies=copied, allow_redirects=False, timeout=30,
                                headers={"Connection": "close"})

        # six fresh connections, then more until a second worker has answered: each may wrongly accept them
        replays = [replay() for _ in range(6)] + server.until_two_workers_answer(replay)
        assert all(r.status_code == 302 and "/login" in r.headers["Location"] for r in replays)
    assert len(server.worker_pids()) >= 2
