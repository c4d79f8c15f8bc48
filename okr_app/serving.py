"""How `cadence serve` runs gunicorn by default: worker processes and threads for this machine.

A page is Python work under one interpreter lock, so a worker serves one request at a time whatever
its threads; more threads only add lock contention, and on SQLite they queue for the one writer.
Parallelism comes from processes: one worker per core, one thread each. Issue 9 measured 2 × 4 slower
than 2 × 1 on every page on the 2-core development machine; `bench/pages.py --settings` compares the
settings again (figures in the README, "Measured"), and more workers than cores only raised the p95.
"""
from __future__ import annotations

import os

THREADS = 1


def default_workers(cores: int | None = None) -> int:
    """One gunicorn worker per core the process may use (at least 1, at most 16)."""
    if cores is None:
        cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, 16))


def default_threads() -> int:
    return THREADS
