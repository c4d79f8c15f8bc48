"""Real server processes for tests where one process would hide the bug: `cadence serve` (gunicorn with
several workers) and Debian's redis-server, each on a free local port, stopped when the test ends."""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.builders.smtp import free_port

ROOT = Path(__file__).resolve().parents[2]
CADENCE = str(Path(sys.executable).parent / "cadence")
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listened on port {port} within {timeout} s")


class CadenceServer:
    """`cadence serve --workers N` on a free port; the access log records which worker (pid) answered."""

    def __init__(self, env: dict[str, str], workers: int = 3, log: Path | None = None) -> None:
        self.port = free_port()
        self.workers = workers
        self.env = {**os.environ, **env, "PYTHONPATH": str(ROOT),
                    "GUNICORN_CMD_ARGS": "--access-logformat 'pid=%(p)s %(s)s %(r)s'"}
        self.log = log
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> CadenceServer:
        self._out = open(self.log, "w") if self.log else subprocess.DEVNULL
        self.process = subprocess.Popen([CADENCE, "serve", "--host", "127.0.0.1", "--port", str(self.port),
                                         "--workers", str(self.workers), "--threads", "1"],
                                        env=self.env, cwd=ROOT, stdout=self._out, stderr=subprocess.STDOUT)
        wait_for_port(self.port, self.process)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.log:
            self._out.close()

    def worker_pids(self) -> set[str]:
        return set(re.findall(r"pid=<?(\d+)", self.log.read_text())) if self.log else set()

    def until_two_workers_answer(self, request, most: int = 60) -> list:
        """Call `request()` (one request on a fresh connection) again until two different workers have answered
        some request of this server, at most `most` times; the responses, for the test to check each. Which
        worker accepts a connection is up to the kernel: ten requests now and then all land on one."""
        responses = []
        while len(self.worker_pids()) < 2 and len(responses) < most:
            responses.append(request())
        return responses

    def sign_in(self, email: str, password: str) -> requests.Response:
        """One attempt from a fresh browser: fetch the form (and its CSRF token), post it, on a new connection."""
        browser = requests.Session()
        browser.headers["Connection"] = "close"  # a new connection each time, so any worker may answer
        page = browser.get(f"{self.url}/login", timeout=30)
        match = CSRF.search(page.text)
        token = next(group for group in match.groups() if group)
        return browser.post(f"{self.url}/login", data={"csrf_token": token, "email": email, "password": password},
                            allow_redirects=False, timeout=30)


class RedisServer:
    """Debian's redis-server on a free port, nothing saved to disk."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.folder = folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def __enter__(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("redis-server is missing: `make install-test` installs Debian's package")
        self.folder.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                         "--appendonly", "no", "--dir", str(self.folder)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for_port(self.port, self.process)
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
