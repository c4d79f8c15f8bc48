"""Benchmark: a full quarterly payout run against pandas.read_csv of the same deals.

Generates a seeded, realistic data set (2,000 reps on the shipped plans; deals over
2025-Q1..2026-Q4 with splits, renewals, expansions, contractions and churn, some of
it early enough to be clawed back) for each size, then measures, each in a fresh
child process so that peak memory is that process's own:

- `pandas.read_csv(deals.csv)` alone, with default options;
- the full run for 2026-Q2: `run_payout` on the files plus writing lines.csv and
  totals.csv, exactly what `cadence payout run` does.

Wall time is measured inside the child around the work (imports excluded); peak
memory is the child's peak resident set size (VmHWM), imports included.
Target: the run within 3x of read_csv and under 2 GB.

    python bench/payout.py                       # 250k, 500k and 1M deal rows
    python bench/payout.py --sizes 20000         # a quick run
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
PERIOD = "2026-Q2"
REPS = 2_000
FIRST_DAY = np.datetime64("2025-01-01")
DAYS = 730  # 2025-01-01 .. 2026-12-31
PLANS = {  # plan key -> (share of reps, quota components and a typical quarterly quota)
    "ae-80-20": (0.45, {"new_business": 160_000, "renewal": 60_000}),
    "ae-50-50": (0.35, {"new_business": 150_000, "expansion_renewal": 80_000}),
    "csm-retention": (0.20, {"renewals": 400_000}),
}


# -- data -------------------------------------------------------------------------------
def generate(folder: Path, rows: int, seed: int = 7) -> None:
    """Write roster.csv, quotas.csv and deals.csv (exactly `rows` deals) into folder."""
    rng = np.random.default_rng(seed)
    reps, plans = _roster(folder, rng)
    _quotas(folder, reps, plans, rng)
    ae = np.array([r for r, p in zip(reps, plans) if p != "csm-retention"])
    csm = np.array([r for r, p in zip(reps, plans) if p == "csm-retention"])
    _deals(folder, rows, ae, csm, rng)


def _roster(folder: Path, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    reps, plans = [], []
    for key, (share, _) in PLANS.items():
        count = round(REPS * share)
        reps += [f"{key.split('-')[0]}{len(reps) + i:05d}" for i in range(count)]
        plans += [key] * count
    managers = [reps[(i // 8) * 8] if i % 8 else "" for i in range(len(reps))]
    pd.DataFrame({
        "rep_id": reps, "name": [f"Rep {r}" for r in reps], "email": [f"{r}@example.com" for r in reps],
        "plan": plans, "manager_id": managers,
        "target_incentive": np.where(rng.random(len(reps)) < 0.1, "24000", ""),
    }).to_csv(folder / "roster.csv", index=False)
    return reps, plans


def _quotas(folder: Path, reps: list[str], plans: list[str], rng: np.random.Generator) -> None:
    rows = []
    for rep, plan in zip(reps, plans):
        for year in (2025, 2026):
            for quarter in range(1, 5):
                for component, typical in PLANS[plan][1].items():
                    rows.append((rep, f"{year}-Q{quarter}", component, int(typical * rng.uniform(0.7, 1.3)) // 1000 * 1000))
    pd.DataFrame(rows, columns=["rep_id", "period", "component", "quota"]).to_csv(folder / "quotas.csv", index=False)


def _deals(folder: Path, rows: int, ae: np.ndarray, csm: np.ndarray, rng: np.random.Generator) -> None:
    accounts = max(1, int(rows / 2.8))
    opened = rng.integers(0, DAYS, accounts)
    arr = rng.integers(5_000_00, 120_000_00, accounts)  # cents
    owner = rng.choice(ae, accounts)
    keeper = rng.choice(csm, accounts)
    kinds, days, account_of, amounts, reps, splits = [], [], [], [], [], []
    no_split = np.full(accounts, "", dtype=object)

    def add(kind: str, mask: np.ndarray, day: np.ndarray, amount: np.ndarray, rep: np.ndarray, split: np.ndarray) -> None:
        keep = mask & (day < DAYS)
        kinds.append(np.full(keep.sum(), kind, dtype=object))
        days.append(day[keep])
        account_of.append(np.flatnonzero(keep))
        amounts.append(amount[keep])
        reps.append(rep[keep])
        splits.append(split[keep])

    partner = rng.choice(ae, accounts)
    split_new = np.where((rng.random(accounts) < 0.1) & (partner != owner),
                         owner.astype(object) + ":60;" + partner.astype(object) + ":40", "")
    add("new", np.ones(accounts, dtype=bool), opened, arr, owner, split_new)
    fate = rng.random(accounts)
    early = fate < 0.04  # churns within 200 days: clawbacks
    lost = (fate >= 0.04) & (fate < 0.16)  # does not renew
    shrink = ~early & (rng.random(accounts) < 0.2)
    contraction = arr // 5
    add("contraction", shrink, opened + rng.integers(60, 340, accounts), contraction, keeper, no_split)
    left = np.where(shrink, arr - contraction, arr)
    add("churn", early | lost, np.where(early, opened + rng.integers(20, 200, accounts), opened + 365),
        np.where(early, arr, left), keeper, no_split)
    renew = ~(early | lost)
    split_renewal = np.where(rng.random(accounts) < 0.15, keeper.astype(object) + ":50;" + owner.astype(object) + ":50", "")
    add("renewal", renew, opened + 365, left, keeper, split_renewal)
    cancel = renew & (rng.random(accounts) < 0.05)  # cancels mid-term after renewing
    add("churn", cancel, opened + 365 + rng.integers(45, 300, accounts), left, keeper, no_split)
    have = sum(len(k) for k in kinds)
    extra = max(0, rows - have)
    grow = rng.choice(np.flatnonzero(renew & ~cancel), extra) if extra else np.empty(0, dtype=np.int64)
    grow_day = opened[grow] + rng.integers(30, 700, len(grow))
    by_csm = rng.random(len(grow)) < 0.4
    kinds.append(np.full(len(grow), "expansion", dtype=object))
    days.append(np.minimum(grow_day, DAYS - 1))
    account_of.append(grow)
    amounts.append(arr[grow] // rng.integers(4, 12, len(grow)))
    reps.append(np.where(by_csm, keeper[grow], owner[grow]))
    splits.append(np.full(len(grow), "", dtype=object))
    frame = pd.DataFrame({
        "account": np.concatenate(account_of), "type": np.concatenate(kinds), "day": np.concatenate(days),
        "cents": np.concatenate(amounts), "rep_id": np.concatenate(reps), "split": np.concatenate(splits),
    })
    frame = frame.sort_values("day", kind="stable").head(rows).reset_index(drop=True)
    cents = frame["cents"].to_numpy()
    pd.DataFrame({
        "deal_id": np.char.add("D", np.char.zfill(np.arange(1, len(frame) + 1).astype(str), 8)),
        "account_id": np.char.add("ACC", np.char.zfill(frame["account"].to_numpy().astype(str), 7)),
        "rep_id": frame["rep_id"].to_numpy(),
        "type": frame["type"].to_numpy(),
        "amount": np.char.add(np.char.add((cents // 100).astype(str), "."), np.char.zfill((cents % 100).astype(str), 2)),
        "close_date": (FIRST_DAY + frame["day"].to_numpy().astype("timedelta64[D]")).astype(str),
        "split": frame["split"].to_numpy(),
    }).to_csv(folder / "deals.csv", index=False)


# -- measuring ------------------------------------------------------------------------------
def measure(kind: str, folder: Path) -> dict[str, float]:
    """Run one measurement in this process (called in a child) and return its figures."""
    if kind == "read_csv":
        started, cpu = time.perf_counter(), time.process_time()
        pd.read_csv(folder / "deals.csv")
    else:
        sys.path.insert(0, str(ROOT))
        from comp_engine import run_payout, write_outputs

        started, cpu = time.perf_counter(), time.process_time()
        result = run_payout(PERIOD, folder / "deals.csv", folder / "roster.csv", folder / "quotas.csv", ROOT / "plans")
        write_outputs(result, folder / "out")
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "peak_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's VmHWM belongs to the running
    program only; ru_maxrss would also count the parent's peak from before exec."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_child(kind: str, folder: Path) -> dict[str, float]:
    output = subprocess.run([sys.executable, __file__, "--child", kind, str(folder)],
                            check=True, capture_output=True, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250000,500000,1000000",
                        help="comma-separated deal row counts (default: 250000,500000,1000000)")
    parser.add_argument("--repeat", type=int, default=3, help="measure each size this many times, keep the best (default 3)")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], Path(args.child[1]))))
        return
    print(f"payout run for {PERIOD}, {REPS:,} reps on the shipped plans; each figure from a fresh process "
          f"(best of {args.repeat}); cpu = CPU seconds of that process")
    print(f"{'deal rows':>10} {'file MB':>8} {'read_csv s':>11} {'run s':>7} {'run/read':>9} "
          f"{'read cpu':>9} {'run cpu':>8} {'cpu ratio':>10} {'read peak MB':>13} {'run peak MB':>12} {'lines':>7}")
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="cadence-bench-") as tmp:
            folder = Path(tmp)
            generate(folder, size)
            reads, runs = [], []
            for _ in range(args.repeat):  # alternate, so both see the same machine load
                reads.append(in_child("read_csv", folder))
                runs.append(in_child("run", folder))
            read = min(reads, key=lambda r: r["seconds"])
            run = min(runs, key=lambda r: r["seconds"])
            read_cpu = min(r["cpu"] for r in reads)
            run_cpu = min(r["cpu"] for r in runs)
            lines = sum(1 for _ in open(folder / "out" / "lines.csv")) - 1
            megabytes = (folder / "deals.csv").stat().st_size / 1e6
            print(f"{size:>10,} {megabytes:>8.1f} {read['seconds']:>11.2f} {run['seconds']:>7.2f} "
                  f"{run['seconds'] / read['seconds']:>8.2f}x {read_cpu:>9.2f} {run_cpu:>8.2f} "
                  f"{run_cpu / read_cpu:>9.2f}x {read['peak_mb']:>13.0f} {run['peak_mb']:>12.0f} {lines:>7,}",
                  flush=True)


if __name__ == "__main__":
    main()
