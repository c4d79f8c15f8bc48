"""Sign-in throttling against real `cadence serve` processes (gunicorn, 3 workers): counters every worker
shares, in the database by default and in a real redis-server when CADENCE_RATELIMIT_STORAGE_URL says so.
One process would hide the bug these guard against (a per-worker counter lets 3 × 5 guesses through)."""
from __future__ import annotations

import pytest

from okr_app.extensions import db
from tests.builders import Builders
from tests.builders.servers import CadenceServer, RedisServer
from tests.builders.apps import make_app

WRONG = "not-the-password"


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """A SQLite instance with two colleagues; returns the environment `cadence serve` runs with."""
    database = f"sqlite:///{tmp_path / 'cadence.db'}"
    env = {"CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_DATABASE_URL": database,
           "CADENCE_SECRET_KEY": "throttle-test-secret"}
    monkeypatch.setenv("CADENCE_INSTANCE_PATH", env["CADENCE_INSTANCE_PATH"])
    app = make_app(tmp_path, database_url=database)
    with app.app_context():
        db.create_all()
        Builders().person(email="ana@example.com")
        Builders().person(email="bo@example.com")
        db.session.remove()
        db.engine.dispose()
    return env


def guess_six_times_then_let_a_colleague_in(server: CadenceServer) -> None:
    statuses = [server.sign_in("ana@example.com", WRONG).status_code for _ in range(6)]
    assert statuses == [401, 401, 401, 401, 401, 429]
    refused = server.sign_in("ana@example.com", Builders.PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this account" in refused.text and 'name="password"' in refused.text
    # Bo signs in from the same address (127.0.0.1) while Ana's account is backed off.
    assert server.sign_in("bo@example.com", Builders.PASSWORD).status_code == 302
    # Until a second worker has answered (the kernel picks who accepts), Ana stays refused whoever answers.
    later = server.until_two_workers_answer(lambda: server.sign_in("ana@example.com", Builders.PASSWORD))
    assert [response.status_code for response in later] == [429] * len(later)


def test_three_workers_refuse_the_sixth_wrong_password_and_let_a_colleague_in(instance, tmp_path):
    with CadenceServer(instance, workers=3, log=tmp_path / "access.log") as server:
        guess_six_times_then_let_a_colleague_in(server)
    assert len(server.worker_pids()) >= 2, "the attempts should have been spread over several workers"


def test_the_same_holds_with_the_counters_in_redis(instance, tmp_path):
    import redis

    with RedisServer(tmp_path / "redis") as store:
        env = {**instance, "CADENCE_RATELIMIT_STORAGE_URL": store.url}
        with CadenceServer(env, workers=3, log=tmp_path / "access.log") as server:
            guess_six_times_then_let_a_colleague_in(server)
        keys = {key.decode() for key in redis.Redis.from_url(store.url).keys("cadence:throttle:*")}
        assert "cadence:throttle:account:ana@example.com" in keys
    assert len(server.worker_pids()) >= 2
