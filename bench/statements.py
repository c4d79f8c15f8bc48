"""Benchmark: `cadence payout statements` as finance runs it, a whole process.

Uses the data set of `bench/payout.py` (2,000 reps, generated once under bench/data/)
and measures, each in a fresh process, start-up included:

- `cadence payout run --period 2026-Q2 ...` (reading, validating and computing the
  run, writing its CSVs): the part of the statements command that is not PDFs;
- `cadence payout statements --period 2026-Q2 ... --out DIR`: the same run, then a
  PDF per rep in worker processes and the finance summary.

Wall time is measured around the child; CPU seconds and peak resident memory come
from `os.wait4`, which adds up the child and the worker processes it waited for (the
peak is the largest single process). The rendering cost per statement is the
difference in CPU seconds between the two commands divided by the number of
statements. Target (issue 9): 2,000 statements well under 30 s on 2 cores, about
12 ms of CPU per statement, memory bounded.

    python bench/statements.py                  # 1M deal rows, 2,000 statements
    python bench/statements.py --rows 250000 --repeat 1
"""
from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from datetime import date
from pathlib import Path

from payout import PERIOD, REPS, ROOT, data_folder, whole_process


def commands(folder: Path, out: Path) -> dict[str, list[str]]:
    cadence = str(Path(sys.executable).with_name("cadence"))
    inputs = ["--period", PERIOD, "--deals", str(folder / "deals.csv"), "--roster", str(folder / "roster.csv"),
              "--quotas", str(folder / "quotas.csv"), "--plans", str(ROOT / "plans")]
    return {"run": [cadence, "payout", "run", *inputs, "--out", str(out / "run")],
            "statements": [cadence, "payout", "statements", *inputs, "--out", str(out / "statements")]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="deal rows of the data set (default 1000000)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each command; the best is kept (default 2)")
    args = parser.parse_args()
    folder = data_folder(args.rows)
    print(f"Measured {date.today().isoformat()} on {os.cpu_count()} cores; whole processes, best of {args.repeat}; "
          f"{PERIOD}, {REPS:,} reps, {args.rows:,} deal rows")
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(args.repeat):  # alternate, so that both see the same machine load
        for name in ("run", "statements"):
            out = Path(tempfile.mkdtemp(prefix="cadence-bench-"))
            try:
                seconds, peak, cpu = whole_process(commands(folder, out)[name])
                if name == "statements":
                    written = len(list((out / "statements").glob("*.pdf"))) - 1
            finally:
                shutil.rmtree(out, ignore_errors=True)
            old = best.get(name)
            best[name] = (min(seconds, old[0]), max(peak, old[1]), min(cpu, old[2])) if old else (seconds, peak, cpu)
    run, statements = best["run"], best["statements"]
    per_statement = (statements[2] - run[2]) / written * 1000
    print(f"cadence payout run:        {run[0]:6.2f} s wall, {run[2]:6.2f} s CPU, peak {run[1]:,.0f} MB")
    print(f"cadence payout statements: {statements[0]:6.2f} s wall, {statements[2]:6.2f} s CPU, "
          f"peak {statements[1]:,.0f} MB ({written:,} statements and the summary)")
    print(f"rendering: {per_statement:.1f} ms of CPU per statement (target about 12 ms), "
          f"{statements[0] - run[0]:.2f} s of wall beyond the run")
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} ({os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
