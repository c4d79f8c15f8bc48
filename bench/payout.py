"""Benchmark: `cadence payout run` as a user runs it, beside pandas.read_csv and a DuckDB script.

Generates a seeded, realistic data set once per size under bench/data/ (git-ignored):
2,000 reps on the shipped plans; deals over 2025-Q1..2026-Q4 with splits, renewals,
expansions, contractions and churn, some of it early enough to be clawed back. Then
measures whole processes, as the user waits for them (start-up included), each in a
fresh process, best of `--repeat`:

- `cadence payout run --period 2026-Q2 ...` (reading, validating, crediting, book
  metrics, clawbacks, every statement, writing lines.csv and totals.csv);
- `python -c "import pandas; pandas.read_csv('deals.csv')"`, default options;
- `python bench/duckdb_payout.py`: an analyst's exact DuckDB script of the core payout
  (crediting with splits, marginal and retroactive tiers, threshold, cap, one modifier;
  no validation, no clawbacks);
- `cadence --help` beside `python -c "import click"`.

Wall time is measured by this process around the child; peak memory is the child's
peak resident set size (`os.wait4`). This process imports no numpy or pandas itself
(the data is generated in a child), so it lends the children no memory of its own.
Targets (issue 9): the run at 1M within 1.5x of read_csv and 2x of DuckDB, under 1 GB;
at 10M within 12x of the 1M time and under 2.5 GB; `--help` within 3x of `import click`.

    python bench/payout.py                          # 250k, 1M and 10M deal rows
    python bench/payout.py --sizes 20000 --repeat 1  # a quick run
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
PERIOD = "2026-Q2"
REPS = 2_000
PLANS = {  # plan key -> (share of reps, quota components and a typical quarterly quota)
    "ae-80-20": (0.45, {"new_business": 160_000, "renewal": 60_000}),
    "ae-50-50": (0.35, {"new_business": 150_000, "expansion_renewal": 80_000}),
    "csm-retention": (0.20, {"renewals": 400_000}),
}


# -- data -------------------------------------------------------------------------------
def generate(folder: Path, rows: int, seed: int = 7) -> None:
    """Write roster.csv, quotas.csv and deals.csv (exactly `rows` deals) into folder."""
    global np, pd
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    reps, plans = _roster(folder, rng)
    _quotas(folder, reps, plans, rng)
    ae = np.array([r for r, p in zip(reps, plans) if p != "csm-retention"])
    csm = np.array([r for r, p in zip(reps, plans) if p == "csm-retention"])
    _deals(folder, rows, ae, csm, rng)


def _roster(folder: Path, rng: "np.random.Generator") -> tuple[list[str], list[str]]:
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


def _quotas(folder: Path, reps: list[str], plans: list[str], rng: "np.random.Generator") -> None:
    rows = []
    for rep, plan in zip(reps, plans):
        for year in (2025, 2026):
            for quarter in range(1, 5):
                for component, typical in PLANS[plan][1].items():
                    rows.append((rep, f"{year}-Q{quarter}", component, int(typical * rng.uniform(0.7, 1.3)) // 1000 * 1000))
    pd.DataFrame(rows, columns=["rep_id", "period", "component", "quota"]).to_csv(folder / "quotas.csv", index=False)


def _deals(folder: Path, rows: int, ae: "np.ndarray", csm: "np.ndarray", rng: "np.random.Generator") -> None:
    first_day, span = np.datetime64("2025-01-01"), 730  # 2025-01-01 .. 2026-12-31
    accounts = max(1, int(rows / 2.8))
    opened = rng.integers(0, span, accounts)
    arr = rng.integers(5_000_00, 120_000_00, accounts)  # cents
    owner = rng.choice(ae, accounts)
    keeper = rng.choice(csm, accounts)
    kinds, days, account_of, amounts, reps, splits = [], [], [], [], [], []
    no_split = np.full(accounts, "", dtype=object)

    def add(kind: str, mask, day, amount, rep, split) -> None:
        keep = mask & (day < span)
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
    days.append(np.minimum(grow_day, span - 1))
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
        "close_date": (first_day + frame["day"].to_numpy().astype("timedelta64[D]")).astype(str),
        "split": frame["split"].to_numpy(),
    }).to_csv(folder / "deals.part", index=False)
    os.replace(folder / "deals.part", folder / "deals.csv")


# -- measuring ------------------------------------------------------------------------------
def data_folder(rows: int) -> Path:
    """bench/data/<rows>/, generated (in a child process) the first time it is asked for."""
    folder = DATA / str(rows)
    if not (folder / "deals.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        print(f"generating {rows:,} deal rows into {folder} ...", flush=True)
        subprocess.run([sys.executable, __file__, "--generate", str(rows), str(folder)], check=True)
    return folder


def whole_process(command: list[str]) -> tuple[float, float, float]:
    """(wall seconds, peak resident MB, CPU seconds) of one child process, from its start to its exit."""
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - started
    child.returncode = os.waitstatus_to_exitcode(status)
    errors = child.stderr.read().decode() if child.stderr else ""
    if child.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({child.returncode}):\n{errors}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def best(command: list[str], repeat: int) -> tuple[float, float]:
    runs = [whole_process(command) for _ in range(repeat)]
    return min(seconds for seconds, _, _ in runs), max(peak for _, peak, _ in runs)


def compile_sources(python: str) -> None:
    """Byte-compile Cadence's own modules, as `pip install .` does: an editable install compiles
    nothing, and with PYTHONDONTWRITEBYTECODE set no run would cache them, so every run would
    compile its modules again (about 0.1 s of the run's start-up)."""
    subprocess.run([python, "-m", "compileall", "-q", "cli.py", "comp_engine", "okr_app", "reports"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def commands(folder: Path) -> dict[str, list[str]]:
    python = sys.executable
    cadence = str(Path(python).with_name("cadence"))
    return {
        "run": [cadence, "payout", "run", "--period", PERIOD, "--deals", str(folder / "deals.csv"),
                "--roster", str(folder / "roster.csv"), "--quotas", str(folder / "quotas.csv"),
                "--plans", str(ROOT / "plans"), "--out", str(folder / "out")],
        "read_csv": [python, "-c", f"import pandas; pandas.read_csv({str(folder / 'deals.csv')!r})"],
        "duckdb": [python, str(ROOT / "bench" / "duckdb_payout.py"), str(folder), str(ROOT / "plans"), PERIOD],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="250000,1000000,10000000",
                        help="comma-separated deal row counts (default: 250000,1000000,10000000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each process; the best time is kept (default 3)")
    parser.add_argument("--generate", nargs=2, metavar=("ROWS", "FOLDER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate(Path(args.generate[1]), int(args.generate[0]))
        return
    python = sys.executable
    cadence = str(Path(python).with_name("cadence"))
    compile_sources(python)
    print(f"Measured {date.today().isoformat()} on {os.cpu_count()} cores; whole processes, best of {args.repeat}; "
          f"{PERIOD}, {REPS:,} reps on the shipped plans")
    click_s, _ = best([python, "-c", "import click"], max(args.repeat, 5))
    help_s, help_mb = best([cadence, "--help"], max(args.repeat, 5))
    print(f"cadence --help {help_s:.2f} s ({help_mb:.0f} MB) vs python -c 'import click' {click_s:.2f} s: "
          f"{help_s / click_s:.1f}x (target 3x)")
    print("Each cell: wall seconds (CPU seconds of the process, threads added up). On a busy machine the CPU "
          "seconds are the steadier figure.")
    print("| deal rows | file | `read_csv` | DuckDB script | `cadence payout run` | run / read_csv | run / DuckDB "
          f"| peak memory of the run |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    times: dict[int, float] = {}
    for size in (int(s.replace("_", "")) for s in args.sizes.split(",")):
        folder = data_folder(size)
        repeat = args.repeat if size < 5_000_000 else max(1, min(args.repeat, 2))
        measured = {}
        for _ in range(repeat):  # alternate, so that all three see the same machine load
            for name, command in commands(folder).items():
                seconds, peak, cpu = whole_process(command)
                old = measured.get(name)
                measured[name] = (min(seconds, old[0]) if old else seconds, max(peak, old[1]) if old else peak,
                                  min(cpu, old[2]) if old else cpu)
        run, read, duck = measured["run"], measured["read_csv"], measured["duckdb"]
        times[size] = run[0]
        megabytes = (folder / "deals.csv").stat().st_size / 1e6
        print(f"| {size:,} | {megabytes:,.0f} MB | {read[0]:.2f} s ({read[2]:.2f}) | {duck[0]:.2f} s ({duck[2]:.2f}) "
              f"| {run[0]:.2f} s ({run[2]:.2f}) | {run[0] / read[0]:.2f}x ({run[2] / read[2]:.2f}x) "
              f"| {run[0] / duck[0]:.2f}x ({run[2] / duck[2]:.2f}x) | {run[1]:,.0f} MB |", flush=True)
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} (2 cores)")
    if 1_000_000 in times and 10_000_000 in times:
        print(f"10M / 1M run time: {times[10_000_000] / times[1_000_000]:.1f}x (target: within 12x)")


if __name__ == "__main__":
    main()
