"""`cadence payout run` as a user runs it on a company's files: a real console-script process, its
statements computed in two processes (2,000 reps), its files the bytes of the engine's one-process result."""
import subprocess

from comp_engine import lines_csv, run_payout, totals_csv
from tests.builders.company_data import company_inputs
from tests.builders.processes import CADENCE, ROOT


def test_the_console_script_writes_a_company_s_files_exactly_and_says_what_it_paid(tmp_path):
    paths = company_inputs(tmp_path / "in")
    out = tmp_path / "out"
    done = subprocess.run([CADENCE, "payout", "run", "--period", "2026-Q2", *(str(part) for option, path in paths.items()
                                                                              for part in (option, path)),
                           "--out", str(out)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    result = run_payout("2026-Q2", paths["--deals"], paths["--roster"], paths["--quotas"], paths["--plans"])
    assert (out / "lines.csv").read_text() == lines_csv(result)
    assert (out / "totals.csv").read_text() == totals_csv(result)
    lines = sum(len(statement.lines) for statement in result.statements)
    totals = ", ".join(f"{amount:,.2f} {currency}" for currency, amount in sorted(result.totals_by_currency().items()))
    assert done.stdout.splitlines() == [
        f"Paid 2000 reps for 2026-Q2: {totals}.",
        f"Wrote {out / 'lines.csv'} ({lines} lines) and {out / 'totals.csv'}.",
        f"Inputs fingerprint: sha256:{result.fingerprint}",
    ]
    assert done.stderr.splitlines() == [f"note: {note}" for note in result.notes]
