"""The roll-up cache across processes: a check-in served by one gunicorn server is seen by the next
request to another server on the same database, although that one already holds the old roll-up.

Two real gunicorn masters (one worker each) on 127.0.0.1 share one SQLite file, as two hosts share
one PostgreSQL; requests go through the JSON API with personal tokens."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from okr_app.api.tokens import create_token
from okr_app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(env: dict, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "1",
             "okr_app.wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=handle)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-2000:]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"gunicorn did not listen on {port}")


def call(port: int, token: str, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", method=method, data=json.dumps(body).encode() if body else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def servers(app, tmp_path):
    env = {**os.environ, "CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_SECRET_KEY": "test-secret-key-not-for-production",
           "PYTHONPATH": str(ROOT)}
    started = []
    try:
        for n in range(2):
            started.append(start_server(env, tmp_path / f"gunicorn-{n}.log"))
        yield [port for _, port in started]
    finally:
        for process, _ in started:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def test_a_check_in_through_one_server_is_seen_by_the_next_request_to_another(app, build, servers):
    ceo = build.person(role="leader", name="Cleo CEO")
    rep = build.person(manager=ceo, name="Rita Rep")
    cycle = build.cycle()
    company = build.objective(cycle, company=True, title="Grow revenue that lasts")
    rollup = build.key_result(company, kind="rollup", title="People deliver")
    mine = build.objective(cycle, owner=rep, aligned_to=rollup, title="Open 20 qualified deals")
    deals = build.key_result(mine, start=0, target=20, current=5, title="Qualified deals")
    _, reader = create_token(ceo)
    _, writer = create_token(rep)
    db.session.commit()
    one, other = servers
    tree = f"/api/v1/cycles/{cycle.id}/tree"

    for _ in range(2):  # the other server computes the roll-up, stores it and keeps its own copy
        status, body = call(other, reader, "GET", tree)
        # 5 of 20 deals: 5 / 20 = 0.25, the company's roll-up of its one aligned objective.
        assert status == 200 and body["progress"] == 0.25

    status, _ = call(one, writer, "POST", f"/api/v1/key-results/{deals.id}/check-ins", {"value": 15})
    assert status == 201

    status, body = call(other, reader, "GET", tree)
    # 15 of 20: 15 / 20 = 0.75, read by the server that held the old figures.
    assert status == 200 and body["progress"] == 0.75
    kr = body["objectives"][0]["key_results"][0]["objectives"][0]["key_results"][0]
    assert (kr["id"], kr["current"], kr["progress"]) == (deals.id, 15, 0.75)
