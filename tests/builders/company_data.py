"""A company-sized payout data set for tests: the benchmark's generator (`bench/payout.py`), 2,000 reps
on the shipped plans with splits, renewals, contractions and early churn (clawbacks), at a size a test can afford."""
from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def company_inputs(folder: Path, rows: int = 30_000) -> dict[str, Path]:
    """Write deals.csv, roster.csv and quotas.csv of `rows` deals into folder (seeded: the same files
    every time) and return the paths by option name, with the shipped plans."""
    spec = importlib.util.spec_from_file_location("bench_payout", ROOT / "bench" / "payout.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    folder.mkdir(parents=True, exist_ok=True)
    bench.generate(folder, rows)
    return {"--deals": folder / "deals.csv", "--roster": folder / "roster.csv", "--quotas": folder / "quotas.csv",
            "--plans": ROOT / "plans"}
