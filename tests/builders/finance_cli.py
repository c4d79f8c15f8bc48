"""The `cadence` CLI as finance uses it against the test database, and a small quarter to pay.

`FinanceCli(app, tmp_path)` runs commands through click's CliRunner with the test app's
database and a plans folder holding the worked example's plan; `load()` imports a roster,
quotas and deals (module docstring numbers: a1 is paid 29,200.00 and a2 8,000.00).
"""
from __future__ import annotations

from click.testing import CliRunner

from tests.builders.payout_files import WORKED_PLAN

DEALS_HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split"
ROSTER_HEADER = "rep_id,name,email,plan,manager_id,target_incentive"
QUOTAS_HEADER = "rep_id,period,component,quota"
Q2_DEALS = ["D1,ACC-1,a1,new,60000,2026-04-10,", "D2,ACC-2,a1,new,70000,2026-05-05,",
            "D3,ACC-3,a1,renewal,45000,2026-06-01,", "D4,ACC-4,a2,new,50000,2026-06-20,"]
ROSTER = ["a1,Ada One,a1@example.com,ae-80-20,,", "a2,Bo Two,a2@example.com,ae-80-20,a1,"]
QUOTAS = [f"{rep},{period},{component},{quota}" for period in ("2026-Q2", "2026-Q3", "2026-Q4")
          for rep in ("a1", "a2", "f3") for component, quota in (("new_business", 100000), ("renewal", 50000))]


class FinanceCli:
    """Run `cadence ...` as a finance person (`who`), against the test app's database."""

    def __init__(self, app, tmp_path) -> None:  # noqa: ANN001
        from okr_app.extensions import db

        self.db = db
        self.tmp_path = tmp_path
        self.plans = tmp_path / "plans"
        self.plans.mkdir(exist_ok=True)
        (self.plans / "ae.toml").write_text(WORKED_PLAN)
        self.env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
                    "CADENCE_INSTANCE_PATH": str(tmp_path / "instance"), "CADENCE_PLANS_DIR": str(self.plans)}

    def __call__(self, *args: str, who: str | None = "fin1@example.com"):
        from cli import cli

        result = CliRunner().invoke(cli, [*args, "--as", who] if who else list(args), env=self.env)
        self.db.session.expire_all()
        return result

    def file(self, name: str, header: str, rows: list[str]) -> str:
        path = self.tmp_path / name
        path.write_text(header + "\n" + "".join(row + "\n" for row in rows))
        return str(path)

    def ok(self, *args: str, who: str | None = "fin1@example.com") -> str:
        result = self(*args, who=who)
        assert result.exit_code == 0, result.output
        return result.output

    def load(self, deals: list[str] = Q2_DEALS, roster: list[str] = ROSTER, who: str = "fin1@example.com") -> None:
        self.ok("roster", "import", self.file("roster.csv", ROSTER_HEADER, roster), "--period", "2026-Q2", who=who)
        self.ok("quotas", "import", self.file("quotas.csv", QUOTAS_HEADER, QUOTAS), who=who)
        self.ok("deals", "import", self.file("deals.csv", DEALS_HEADER, deals), who=who)
