"""`make loadtest`: 50 employees checking in at once for 60 s against `cadence serve` on 127.0.0.1.

Seeds a demo company into a temporary instance, gives 50 people an API token, runs locust headless
(bounded in users and time, loopback only), then checks that the database holds exactly the number
of check-ins locust counted as accepted. Prints requests, p50/p95, errors; exits 1 on any error or loss.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(env: dict, users: int, work: Path) -> tuple[Path, int]:
    """Create the database and demo company, then tokens for `users` people with key results."""
    subprocess.run([BIN / "cadence", "init"], env=env, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([BIN / "cadence", "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    script = f"""
import json, sqlalchemy as sa
from okr_app import create_app
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, Objective, Person
from okr_app.api.tokens import create_token
from okr_app.cycles.services import current_cycle
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of
app = create_app()
with app.app_context():
    cycle = current_cycle()
    rows = db.session.execute(sa.select(Person, KeyResult).join(Objective, Objective.owner_person_id == Person.id)
        .join(KeyResult, KeyResult.objective_id == Objective.id)
        .where(Objective.cycle_id == cycle.id, KeyResult.kind != 'rollup').order_by(Person.id, KeyResult.id)).all()
    people = {{}}
    for person, kr in rows:
        people.setdefault(person, []).append({{"id": kr.id, "kind": kr.kind, "start": kr.start_value or 0,
                                              "target": kr.target_value or 1}})
    users = []
    for person, krs in list(people.items())[:{users}]:
        _, secret = create_token(person, name="load test")
        users.append({{"token": secret, "key_results": krs, "cycle_id": cycle.id, "week": iso_week_of(today())}})
    db.session.commit()
    print(json.dumps({{"users": users, "check_ins": db.session.scalar(sa.select(sa.func.count(CheckIn.id)))}}))
"""
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    seeded = json.loads(out.stdout.strip().splitlines()[-1])
    if len(seeded["users"]) < users:
        sys.exit(f"the demo has only {len(seeded['users'])} people with key results; asked for {users}")
    users_file = work / "users.json"
    users_file.write_text(json.dumps(seeded["users"]))
    return users_file, seeded["check_ins"]


def count_check_ins(env: dict) -> int:
    script = ("import sqlalchemy as sa\nfrom okr_app import create_app\nfrom okr_app.extensions import db\n"
              "from okr_app.models import CheckIn\napp = create_app()\nwith app.app_context():\n"
              "    print(db.session.scalar(sa.select(sa.func.count(CheckIn.id))))")
    out = subprocess.run([sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True)
    return int(out.stdout.strip().splitlines()[-1])


def wait_for(url: str, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"the server did not answer at {url}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--database-url", default=os.environ.get("CADENCE_LOADTEST_DATABASE_URL"),
                        help="default: SQLite in a temporary instance folder")
    args = parser.parse_args()
    if not 1 <= args.users <= 200 or not 1 <= args.seconds <= 600:
        sys.exit("bounded load only: 1–200 users, 1–600 seconds")

    with tempfile.TemporaryDirectory(prefix="cadence-load-") as tmp:
        work = Path(tmp)
        env = {**os.environ, "CADENCE_INSTANCE_PATH": str(work / "instance"), "PYTHONPATH": str(ROOT)}
        env.pop("CADENCE_SECRET_KEY", None)
        if args.database_url:
            env["CADENCE_DATABASE_URL"] = args.database_url
        users_file, before = prepare(env, args.users, work)
        port = free_port()
        host = f"http://127.0.0.1:{port}"
        server = subprocess.Popen([BIN / "cadence", "serve", "--port", str(port), "--workers", str(args.workers),
                                   "--threads", str(args.threads)], env=env, stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        try:
            wait_for(f"{host}/login")
            result = work / "accepted.json"
            locust_env = {**env, "LOADTEST_USERS": str(users_file), "LOADTEST_RESULT": str(result)}
            subprocess.run([BIN / "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless",
                            "-u", str(args.users), "-r", str(args.users), "-t", f"{args.seconds}s",
                            "--host", host, "--only-summary",
                            "--stop-timeout", "10", "--exit-code-on-error", "0"],
                           env=locust_env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        finally:
            server.terminate()
            server.wait(timeout=30)
        outcome = json.loads(result.read_text())
        accepted, stats = outcome["accepted"], outcome["stats"]
        stored = count_check_ins(env) - before

    print(f"load test: {args.users} users for {args.seconds} s against cadence serve "
          f"({args.workers} workers × {args.threads} threads, {'PostgreSQL' if args.database_url else 'SQLite'})")
    print(f"{'request':<16}{'count':>8}{'errors':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}")
    errors = stats[-1]["failures"]
    for row in stats:
        print(f"{row['name']:<16}{row['requests']:>8}{row['failures']:>8}{row['rps']:>8.1f}"
              f"{row['p50']:>8.0f}{row['p95']:>8.0f}{row['p99']:>8.0f}")
    print(f"check-ins accepted: {accepted}, stored: {stored}, lost: {accepted - stored}")
    ok = errors == 0 and accepted == stored and accepted > 0
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
