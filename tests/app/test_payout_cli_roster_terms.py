"""Bad employment dates and draws in roster.csv: exit 2 naming file, line and field; nothing written.
The same rows are refused by `cadence roster import` (the database door)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import cli

ROOT = Path(__file__).resolve().parents[2]
HEADER = "rep_id,name,email,plan,manager_id,target_incentive,start_date,end_date,draw,draw_kind,draw_balance"
# Line 12 of examples/roster.csv is ae12, the mid-quarter hire on a draw.
BAD_ROWS = {
    "start after end": ("ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-06-01,2026-05-01,10000,,",
                        "roster.csv, line 12, start_date: 2026-06-01 is after the end_date 2026-05-01"),
    "start not a date": ("ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-13-01,,10000,,",
                         "roster.csv, line 12, start_date: '2026-13-01' is not a date; write YYYY-MM-DD"),
    "negative draw": ("ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-05-04,,-10000,,",
                      "roster.csv, line 12, draw: '-10000' is negative; a draw and its balance are 0 or more"),
    "draw not a number": ("ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-05-04,,ten thousand,,",
                          "roster.csv, line 12, draw: 'ten thousand' is not an amount"),
    "unknown draw kind": ("ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-05-04,,10000,guaranteed,",
                          "roster.csv, line 12, draw_kind: 'guaranteed' is not a draw kind; use recoverable (the "
                          "default) or non_recoverable"),
    "balance on a non-recoverable draw": (
        "ae12,Inès Moreau,ines@example.com,ae-80-20,ae01,,2026-05-04,,10000,non_recoverable,500",
        "roster.csv, line 12, draw_balance: is filled in, but a non_recoverable draw is never paid back: leave it empty"),
}


@pytest.fixture
def inputs(tmp_path) -> Path:
    for name in ("deals.csv", "roster.csv", "quotas.csv"):
        shutil.copy(ROOT / "examples" / name, tmp_path / name)
    shutil.copytree(ROOT / "plans", tmp_path / "plans")
    return tmp_path


def break_roster(folder: Path, row: str) -> None:
    lines = (folder / "roster.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == HEADER and lines[11].startswith("ae12,")
    lines[11] = row
    (folder / "roster.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("kind", list(BAD_ROWS))
def test_a_bad_date_or_draw_exits_2_naming_file_line_and_field_and_writes_nothing(inputs, tmp_path, kind):
    row, message = BAD_ROWS[kind]
    break_roster(inputs, row)
    out = tmp_path / "OUT"
    result = CliRunner().invoke(cli, [
        "payout", "run", "--period", "2026-Q2", "--deals", str(inputs / "deals.csv"), "--roster",
        str(inputs / "roster.csv"), "--quotas", str(inputs / "quotas.csv"), "--plans", str(inputs / "plans"),
        "--out", str(out)])
    assert result.exit_code == 2
    assert f"{inputs}/{message}" in result.stderr
    assert result.stderr.splitlines()[-1] == "Nothing was written: 1 problem in the inputs."
    assert not out.exists()


@pytest.mark.parametrize("kind", ["start after end", "unknown draw kind", "balance on a non-recoverable draw"])
def test_the_roster_import_refuses_the_same_rows_and_stores_nothing(app, build, inputs, kind):
    import sqlalchemy as sa

    from okr_app.extensions import db
    from okr_app.models import RosterRep

    build.person(role="finance", email="fin@example.com")
    row, message = BAD_ROWS[kind]
    break_roster(inputs, row)
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
           "CADENCE_INSTANCE_PATH": str(inputs / "instance"), "CADENCE_PLANS_DIR": str(inputs / "plans")}
    result = CliRunner().invoke(cli, ["roster", "import", str(inputs / "roster.csv"), "--period", "2026-Q2",
                                      "--as", "fin@example.com"], env=env)
    assert result.exit_code == 2
    assert message.split(": ", 1)[1] in result.output
    assert "line 12" in result.output
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(RosterRep.id))) == 0
