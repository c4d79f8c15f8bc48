"""The payout CLI as finance drives it against the test database, and the tiny data set the run tests share
(worked by hand in tests/app/test_payout_runs.py)."""
from __future__ import annotations

import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.models import PayoutRun, RunStatement
from tests.builders.payout_files import WORKED_PLAN

DEALS_HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split"
ROSTER_HEADER = "rep_id,name,email,plan,manager_id,target_incentive"
QUOTAS_HEADER = "rep_id,period,component,quota"
Q2_DEALS = ["D1,ACC-1,a1,new,60000,2026-04-10,", "D2,ACC-2,a1,new,70000,2026-05-05,",
            "D3,ACC-3,a1,renewal,45000,2026-06-01,", "D4,ACC-4,a2,new,50000,2026-06-20,"]
ROSTER = ["a1,Ada One,a1@example.com,ae-80-20,,", "a2,Bo Two,a2@example.com,ae-80-20,a1,"]
QUOTAS = [f"{rep},{period},{component},{quota}" for period in ("2026-Q2", "2026-Q3", "2026-Q4")
          for rep in ("a1", "a2") for component, quota in (("new_business", 100000), ("renewal", 50000))]


class Finance:
    """The CLI as finance uses it, against the test database."""

    def __init__(self, app, tmp_path):
        self.tmp_path = tmp_path
        plans = tmp_path / "plans"
        plans.mkdir(exist_ok=True)
        (plans / "ae.toml").write_text(WORKED_PLAN)
        self.plans = plans
        self.env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
                    "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_PLANS_DIR": str(plans)}

    def __call__(self, *args: str, who: str | None = "fin1@example.com"):
        result = CliRunner().invoke(cli, [*args, "--as", who] if who else list(args), env=self.env)
        db.session.expire_all()
        return result

    def file(self, name: str, header: str, rows: list[str]) -> str:
        path = self.tmp_path / name
        path.write_text(header + "\n" + "".join(row + "\n" for row in rows))
        return str(path)

    def ok(self, *args: str, who: str | None = "fin1@example.com") -> str:
        result = self(*args, who=who)
        assert result.exit_code == 0, result.output
        return result.output

    def load(self, deals: list[str] = Q2_DEALS, periods: tuple[str, ...] = ("2026-Q2",), roster: list[str] = ROSTER,
             quotas: list[str] = QUOTAS) -> None:
        roster_file = self.file("roster.csv", ROSTER_HEADER, roster)
        for period in periods:
            self.ok("roster", "import", roster_file, "--period", period)
        self.ok("quotas", "import", self.file("quotas.csv", QUOTAS_HEADER, quotas))
        self.ok("deals", "import", self.file("deals.csv", DEALS_HEADER, deals))


def live_runs(period: str) -> list[PayoutRun]:
    return list(db.session.scalars(sa.select(PayoutRun).where(PayoutRun.period == period,
                                                              PayoutRun.state != "superseded")))


def totals(run_id: int) -> dict[str, int]:
    return dict(db.session.execute(sa.select(RunStatement.rep_id, RunStatement.total_cents)
                                   .where(RunStatement.run_id == run_id)).all())
