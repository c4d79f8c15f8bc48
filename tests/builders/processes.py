"""`cadence payout run` in its own process, for tests that race or kill runs."""
from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CADENCE = str(Path(sys.executable).parent / "cadence")


class PayoutRunProcess:
    """A payout run whose stderr is read line by line as it comes, so a test can act mid-run."""

    def __init__(self, env: dict[str, str], period: str = "2026-Q2", extra_args: tuple[str, ...] = (),
                 **pause: str) -> None:
        self.process = subprocess.Popen(
            [CADENCE, "payout", "run", "--period", period, *extra_args],
            env={**os.environ, **env, "PYTHONPATH": str(ROOT), **pause}, cwd=ROOT,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        self.out: list[str] = []
        self.readers = [threading.Thread(target=self._read_err, daemon=True),
                        threading.Thread(target=self._read_out, daemon=True)]
        for reader in self.readers:
            reader.start()

    def _read_err(self) -> None:
        with self.process.stderr:
            for line in self.process.stderr:
                self.lines.put(line)
        self.lines.put("")

    def _read_out(self) -> None:
        with self.process.stdout:
            self.out.extend(self.process.stdout)

    def wait_for(self, text: str, timeout: float = 60) -> None:
        while True:
            line = self.lines.get(timeout=timeout)
            self.seen.append(line)
            if text in line:
                return
            assert line, f"the run ended before {text!r}: {''.join(self.seen)}"

    def finish(self, timeout: float = 120) -> tuple[int, str, str]:
        """(exit code, stdout, stderr) once the process has ended."""
        code = self.process.wait(timeout=timeout)
        for reader in self.readers:
            reader.join(timeout=timeout)
        while not self.lines.empty():
            self.seen.append(self.lines.get())
        return code, "".join(self.out), "".join(self.seen)
