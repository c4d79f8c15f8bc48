"""Page latency at 60 and 2,000 people, beside a bare Flask page served the same way.

For each size: a fresh instance (`cadence init`, `cadence demo --people N`), served by
`cadence serve` with its defaults (gunicorn) on 127.0.0.1; the bare page is a one-line Flask app
under gunicorn with the same workers and threads. Each page is read by 1 user (one request after
another) and by 20 concurrent users (each pausing 0.2–1.0 s between requests, the pace of the
users in bench/locustfile.py), each for a bounded time; the first request of each page is made
before timing (it computes the cycle's roll-up once). Prints p50/p95 in ms and the ratios the
issue sets as targets. Timings only: nothing here is a test.

    .venv/bin/python bench/pages.py               # the table for the README
    .venv/bin/python bench/pages.py --settings    # workers × threads compared on the 2,000-people tree
"""
from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

SIZES = (60, 2000)
LEADER, MANAGER = "maya.okafor@example.com", "sam.rivera@example.com"
PASSWORD = "demo-password"
ONE_USER_SECONDS, MANY_USERS_SECONDS, MANY_USERS = 8.0, 15.0, 20
THINK = (0.2, 1.0)
BARE_APP = '''
from flask import Flask
app = Flask(__name__)

@app.get("/")
def hello():
    return "Hello"
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped ({process.returncode})")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


@dataclass
class Server:
    process: subprocess.Popen
    port: int

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def serve_cadence(env: dict, workers: int | None = None, threads: int | None = None) -> Server:
    port = free_port()
    args = [str(BIN / "cadence"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers)] if workers else []
    args += ["--threads", str(threads)] if threads else []
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, process)
    return Server(process, port)


def serve_bare(work: Path, workers: int, threads: int) -> Server:
    (work / "bare_app.py").write_text(BARE_APP)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
         "--threads", str(threads), "--access-logfile", "-", "bare_app:app"],
        cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_for(port, process)
    return Server(process, port)


def prepare(people: int, work: Path) -> tuple[dict, str]:
    """A demo company of `people` in its own instance; the environment to serve it and an API token."""
    instance = work / f"instance-{people}"
    env = {**os.environ, "CADENCE_INSTANCE_PATH": str(instance)}
    env.pop("CADENCE_DATABASE_URL", None)
    subprocess.run([BIN / "cadence", "init"], env=env, check=True, capture_output=True)
    subprocess.run([BIN / "cadence", "demo", "--people", str(people)], env=env, check=True, capture_output=True)
    created = subprocess.run([BIN / "cadence", "tokens", "create", LEADER, "--name", "bench"], env=env,
                             check=True, capture_output=True, text=True)
    return env, created.stdout.strip().splitlines()[-1]


class Browser:
    """One user's keep-alive connection and session cookie."""

    def __init__(self, port: int, headers: dict | None = None) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.connection.close()  # a sync worker closed the keep-alive connection: open a new one
            self.connection.request(method, path, body=body, headers=sent)
            response = self.connection.getresponse()
        data = response.read()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()
        return response.status, data

    def sign_in(self, email: str) -> None:
        status, page = self.request("GET", "/login")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
        if token is None:
            token = re.search(rb'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', page)
        form = f"csrf_token={token.group(1).decode()}&email={email}&password={PASSWORD}"
        status, _ = self.request("POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"{email} could not sign in ({status})")


@dataclass
class Figures:
    times: list[float] = field(default_factory=list)
    errors: int = 0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.times)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))] * 1000


def hammer(make_browser, path: str, users: int, seconds: float, think: tuple[float, float] | None) -> Figures:
    """`users` threads, each with its own signed-in browser, reading `path` until the time is up."""
    figures, lock = Figures(), threading.Lock()
    browsers = [make_browser() for _ in range(users)]
    for browser in browsers:
        browser.request("GET", path)  # the first read of a page is not timed
    start = threading.Barrier(users)
    deadline = [0.0]

    def user(browser: Browser, seed: int) -> None:
        rng = random.Random(seed)
        start.wait()
        if not deadline[0]:
            deadline[0] = time.monotonic() + seconds
        while time.monotonic() < deadline[0]:
            began = time.perf_counter()
            try:
                status, _ = browser.request("GET", path)
                ok = status == 200
            except OSError:
                ok = False
            took = time.perf_counter() - began
            with lock:
                figures.times.append(took)
                figures.errors += 0 if ok else 1
            if think:
                time.sleep(rng.uniform(*think))

    threads = [threading.Thread(target=user, args=(b, i)) for i, b in enumerate(browsers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return figures


def measure_pages(port: int, token: str, cycle_path: str, users: int, seconds: float, think) -> dict[str, Figures]:
    def signed_in(email):
        def make():
            browser = Browser(port)
            browser.sign_in(email)
            return browser
        return make

    api = lambda: Browser(port, {"Authorization": f"Bearer {token}"})  # noqa: E731
    pages = {"home /": (signed_in(MANAGER), "/"), "team /team": (signed_in(MANAGER), "/team"),
             "tree /tree": (signed_in(LEADER), "/tree"), "API tree": (api, cycle_path)}
    return {label: hammer(make, path, users, seconds, think) for label, (make, path) in pages.items()}


def cycle_path_of(port: int, token: str) -> str:
    import json
    status, body = Browser(port, {"Authorization": f"Bearer {token}"}).request("GET", "/api/v1/cycles")
    cycles = json.loads(body)["cycles"]
    active = next((c for c in cycles if c["state"] == "active"), cycles[0])
    return f"/api/v1/cycles/{active['id']}/tree"


def run_table() -> None:
    from okr_app.serving import default_threads, default_workers

    workers, threads = default_workers(), default_threads()
    results: dict[tuple[int, int], dict[str, Figures]] = {}
    bare: dict[int, Figures] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for people in SIZES:
            env, token = prepare(people, work)
            server = serve_cadence(env)
            try:
                path = cycle_path_of(server.port, token)
                results[(people, 1)] = measure_pages(server.port, token, path, 1, ONE_USER_SECONDS, None)
                results[(people, MANY_USERS)] = measure_pages(server.port, token, path, MANY_USERS,
                                                              MANY_USERS_SECONDS, THINK)
            finally:
                server.stop()
        server = serve_bare(work, workers, threads)
        try:
            bare[1] = hammer(lambda: Browser(server.port), "/", 1, ONE_USER_SECONDS, None)
            bare[MANY_USERS] = hammer(lambda: Browser(server.port), "/", MANY_USERS, MANY_USERS_SECONDS, THINK)
        finally:
            server.stop()

    print(f"cadence serve defaults: {workers} workers × {threads} thread(s); {os.cpu_count()} cores; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print("p50 / p95 in ms; 1 user: one request after another; "
          f"{MANY_USERS} users: each pausing {THINK[0]}–{THINK[1]} s between requests")
    header = ["page", "60: 1 user", "2,000: 1 user", "2,000 ÷ 60 (p95)", "2,000 ÷ bare (p95)",
              f"2,000: {MANY_USERS} users", f"{MANY_USERS} ÷ 1 user (p95)", "errors"]
    rows = []
    for label in results[(SIZES[0], 1)]:
        small, big, many = results[(60, 1)][label], results[(2000, 1)][label], results[(2000, MANY_USERS)][label]
        errors = sum(results[key][label].errors for key in results)
        rows.append([label, _pair(small), _pair(big), f"{big.percentile(95) / small.percentile(95):.1f}×",
                     f"{big.percentile(95) / bare[1].percentile(95):.1f}×", _pair(many),
                     f"{many.percentile(95) / big.percentile(95):.1f}×", str(errors)])
    rows.append(["bare Flask page", _pair(bare[1]), _pair(bare[1]), "", "", _pair(bare[MANY_USERS]),
                 f"{bare[MANY_USERS].percentile(95) / bare[1].percentile(95):.1f}×",
                 str(bare[1].errors + bare[MANY_USERS].errors)])
    print("| " + " | ".join(header) + " |")
    print("| " + " | ".join("---" for _ in header) + " |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    many_60 = results[(60, MANY_USERS)]
    print(f"(at 60 people, {MANY_USERS} users: " + ", ".join(
        f"{label} {_pair(f)}" for label, f in many_60.items()) + ")")


def run_settings() -> None:
    """The 2,000-people tree and home under several workers × threads, 1 and 20 users."""
    grid = [(1, 1), (2, 1), (2, 2), (2, 4), (4, 1)]
    with tempfile.TemporaryDirectory() as tmp:
        env, token = prepare(2000, Path(tmp))
        print("workers × threads | tree 1 user | tree 20 users | home 1 user | home 20 users | errors")
        print("--- | --- | --- | --- | --- | ---")
        for workers, threads in grid:
            server = serve_cadence(env, workers, threads)
            try:
                def leader():
                    b = Browser(server.port)
                    b.sign_in(LEADER)
                    return b

                def manager():
                    b = Browser(server.port)
                    b.sign_in(MANAGER)
                    return b
                tree1 = hammer(leader, "/tree", 1, 6, None)
                tree20 = hammer(leader, "/tree", MANY_USERS, 10, THINK)
                home1 = hammer(manager, "/", 1, 6, None)
                home20 = hammer(manager, "/", MANY_USERS, 10, THINK)
            finally:
                server.stop()
            errors = tree1.errors + tree20.errors + home1.errors + home20.errors
            print(f"{workers} × {threads} | {_pair(tree1)} | {_pair(tree20)} | {_pair(home1)} | {_pair(home20)} | {errors}")


def _pair(f: Figures) -> str:
    return f"{f.percentile(50):.0f} / {f.percentile(95):.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", action="store_true", help="compare workers × threads instead")
    if parser.parse_args().settings:
        run_settings()
    else:
        run_table()


if __name__ == "__main__":
    main()
