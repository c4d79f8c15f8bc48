"""Each `cadence` command loads only what it uses (issue 9): checked by the modules a fresh process imported.

`cadence --help` imports click and nothing of the app; `cadence payout run` from files imports the
engine but neither Flask, SQLAlchemy, reportlab nor alembic. The one-line help the lazy groups show
without importing a command is the command's own.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from okr_app.commands.lazy import LazyGroup
from tests.builders.payout_files import RUN_DEALS, RUN_QUOTAS, RUN_ROSTER, as_arguments, write_payout_inputs

ROOT = Path(__file__).resolve().parents[2]
APP_LIBRARIES = {"flask", "sqlalchemy", "reportlab", "alembic", "flask_sqlalchemy", "flask_migrate", "werkzeug"}
ENGINE_LIBRARIES = {"pandas", "numpy", "pyarrow"}
DRIVER = """
import json, sys
from cli import cli
try:
    cli(sys.argv[1:], prog_name="cadence")
except SystemExit as stop:
    code = stop.code
print(json.dumps({"code": code, "modules": sorted({*sys.modules, *(name.split(".")[0] for name in sys.modules)})}))
"""


def imported_by(*arguments: str) -> tuple[int, set[str]]:
    """Run `cadence ARGUMENTS` in a fresh interpreter; its exit code and the modules it imported, with
    the top-level package of each (`pyarrow.csv` and `pyarrow`)."""
    done = subprocess.run([sys.executable, "-c", DRIVER, *arguments], cwd=ROOT, capture_output=True, text=True,
                          check=True)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["code"], set(report["modules"])


def test_cadence_help_imports_click_and_nothing_of_the_app_or_the_engine():
    code, modules = imported_by("--help")
    assert code == 0
    assert "click" in modules
    assert not modules & (APP_LIBRARIES | ENGINE_LIBRARIES), sorted(modules & (APP_LIBRARIES | ENGINE_LIBRARIES))
    assert not {"comp_engine", "reports"} & modules


def test_a_payout_run_from_files_imports_the_engine_but_not_the_app(tmp_path):
    paths = write_payout_inputs(tmp_path / "in")
    code, modules = imported_by("payout", "run", "--period", "2026-Q2", *as_arguments(paths),
                                "--out", str(tmp_path / "out"))
    assert code in (0, None)
    assert (tmp_path / "out" / "totals.csv").read_text().splitlines()[1] == "rep1,2026-Q2,USD,29200.00,29200.00,0.00"
    assert "comp_engine" in modules
    assert not modules & (APP_LIBRARIES | {"pandas"}), sorted(modules & (APP_LIBRARIES | {"pandas"}))


def test_a_payout_run_from_files_skips_the_slow_imports_of_arrow_and_numpy_it_does_not_need(tmp_path):
    """pyarrow.compute wraps ~300 kernels on import (70 ms) and numpy.ma loads on a first `np.unique`
    (40 ms): a run reaches the kernels it uses through `comp_engine.arrow_kernels`, and no np.unique."""
    deals = RUN_DEALS + ["S-1,ACC-7,rep1,new,10000.50,2026-04-20,rep1:60;rep2:40", "C-1,ACC-9,rep2,churn,50000,2026-05-01,"]
    paths = write_payout_inputs(tmp_path / "in", deals=deals, roster=RUN_ROSTER, quotas=RUN_QUOTAS)
    code, modules = imported_by("payout", "run", "--period", "2026-Q2", *as_arguments(paths),
                                "--out", str(tmp_path / "out"))
    assert code in (0, None)
    assert {"pyarrow.csv", "pyarrow._compute"} <= modules
    assert not modules & {"pyarrow.compute", "numpy.ma"}, sorted(modules & {"pyarrow.compute", "numpy.ma"})


def test_a_statement_worker_loads_reportlab_and_the_statement_code_but_not_the_engine_or_the_app():
    """Each spawned statement worker imports `reports.statement` afresh: with numpy and Arrow (the engine's
    reading half) it cost 0.7 s and 90 MB more per worker than reportlab alone."""
    probe = ("import json, sys; from reports.statement import statement_pdfs; "
             "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True)
    modules = set(json.loads(done.stdout))
    assert {"reportlab", "reports", "comp_engine"} <= modules
    unwanted = (APP_LIBRARIES - {"reportlab"}) | ENGINE_LIBRARIES
    assert not modules & unwanted, sorted(modules & unwanted)


def test_the_payout_groups_help_imports_none_of_its_commands():
    code, modules = imported_by("payout", "--help")
    assert code == 0
    assert not modules & (APP_LIBRARIES | ENGINE_LIBRARIES | {"comp_engine"})


def walk(group: LazyGroup, prefix: str = ""):
    """Every command listed by a lazy group (the top level and `payout`), imported."""
    for name in list(group.commands):
        command = group.commands[name]
        yield f"{prefix}{name}", group, name, command
        if isinstance(command, LazyGroup):
            yield from walk(command, f"{prefix}{name} ")


@pytest.mark.parametrize("width", [80, 1000])
def test_the_listed_one_line_help_is_each_commands_own(width):
    from cli import cli

    for path, group, name, command in walk(cli):
        assert group.commands.summary_of_listed(name, width) == command.get_short_help_str(width), path


CONSOLE_SCRIPT = """
import atexit, sys
atexit.register(lambda: print("torn down"))
from cli import main
sys.argv[0] = "cadence"
main()
"""


def console_script(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, *arguments], cwd=ROOT, capture_output=True, text=True)


def test_the_console_script_leaves_at_once_after_a_payout_run_its_output_flushed(tmp_path):
    """A run from files asks to skip the interpreter's teardown (`leave_at_once`): atexit handlers do not run,
    yet every line it printed arrives and the files are complete; other commands end as usual."""
    paths = write_payout_inputs(tmp_path / "in")
    done = console_script("payout", "run", "--period", "2026-Q2", *as_arguments(paths), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    printed = done.stdout.splitlines()
    assert printed[0].startswith("Paid ") and printed[-1].startswith("Inputs fingerprint: sha256:")
    assert "torn down" not in printed
    assert (tmp_path / "out" / "totals.csv").read_text().splitlines()[1] == "rep1,2026-Q2,USD,29200.00,29200.00,0.00"
    refused = console_script("payout", "run", "--period", "2026-Q2", *as_arguments(paths), "--out", paths["--deals"])
    assert refused.returncode == 2 and "torn down" in refused.stdout.splitlines()
    helped = console_script("--help")
    assert helped.returncode == 0 and helped.stdout.splitlines()[-1] == "torn down"
