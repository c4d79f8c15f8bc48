"""The README's "Run a payout from the database" block works exactly as written on a fresh install.

The block is parsed out of README.md and each line run as written (after `cadence init`
and `cadence demo`, as `make run` does), in a folder holding copies of `examples/` and
`plans/`, so its relative paths mean what they mean in the repository.
"""
from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).resolve().parents[2]
HEADING = "### Run a payout from the database (the quarterly routine)"
# `cadence init` runs Alembic, whose Flask-Migrate env.py still calls get_engine (as in test_setup_commands)
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")


def readme_routine() -> list[list[str]]:
    """The commands of the README block, as argument lists (comments dropped)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(HEADING):]
    block = section.split("```\n", 2)[1]
    commands = [shlex.split(line, comments=True) for line in block.splitlines() if line.strip()]
    assert all(words[0] == ".venv/bin/cadence" for words in commands), commands
    return [words[1:] for words in commands]


@pytest.fixture
def fresh_install(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    monkeypatch.chdir(tmp_path)
    env = {"CADENCE_DATABASE_URL": f"sqlite:///{tmp_path / 'cadence.db'}", "CADENCE_INSTANCE_PATH": str(tmp_path),
           "CADENCE_SECRET_KEY": "readme-test-key", "CADENCE_PLANS_DIR": "plans", "CADENCE_USER": ""}

    def cadence(*args: str):
        return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)

    assert cadence("init").exit_code == 0
    assert cadence("demo", "--if-empty").exit_code == 0
    return cadence


def test_every_line_of_the_readme_routine_works_as_written_and_the_payroll_file_is_written(fresh_install, tmp_path):
    commands = readme_routine()
    assert [words[:2] for words in commands] == [
        ["deals", "import"], ["roster", "import"], ["quotas", "import"], ["payout", "run"], ["payout", "runs"],
        ["payout", "approve"], ["payout", "export"]]
    outputs, errors = [], []
    for words in commands:
        result = fresh_install(*words)
        assert result.exit_code == 0, (words, result.output)
        outputs.append(result.stdout)
        errors.append(result.stderr)
    assert "Recorded draft run #1 for 2026-Q2: 17 reps, 173,292.74 USD" in outputs[3]
    # the example's reps are not people of the demo company: the run names them so finance can invite them
    assert ("note: 17 payees have no Cadence account yet (ae01 (nora.lindqvist@example.com), ae02 (" in errors[3]
            and "and 7 more): invite them" in errors[3])
    assert outputs[5].startswith("Approved run #1 for 2026-Q2; it is locked.")
    payroll = (tmp_path / "payroll-2026-Q2.csv").read_text().splitlines()
    assert payroll[0] == "rep,email,period,currency,amount" and len(payroll) == 18
    # the same totals as `cadence payout run --deals ...` on the same files (examples/README.md)
    assert "ae03,priya.raman@example.com,2026-Q2,USD,-1698.69" in payroll


def test_running_the_approved_quarter_again_says_so_with_the_exit_code_the_readme_states(fresh_install):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "an approved run never changes: running its quarter again exits with status 2" in readme
    commands = readme_routine()
    for words in commands:
        assert fresh_install(*words).exit_code == 0, words
    again = fresh_install(*next(words for words in commands if words[:2] == ["payout", "run"]))
    assert again.exit_code == 2
    assert ("2026-Q2 is already approved, in run #1 by lena.fischer@example.com on" in again.output
            and "its inputs are unchanged since: there is nothing to run again" in again.output)
