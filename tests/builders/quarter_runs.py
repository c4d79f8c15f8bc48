"""Database runs quarter after quarter, through the same services the CLI calls.

`QuarterRuns(build, folder)` makes two finance people (one records, the other approves),
writes a plan folder, and offers `deals(...)`, `roster(period, ...)`, `run(period)` and
`approve(run)`; each step commits, as a CLI command does.
"""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import PayoutRun, RunStatement
from okr_app.policy import Actor

RAMP_PLAN = """key = "ramp"
name = "Ramp: 10% of new ARR"
currency = "USD"
target_incentive = 10000
tiers = "marginal"

[[component]]
key = "commission"
rate = 0.10
credit = ["new"]
"""
DEALS_HEADER = "deal_id,account_id,rep_id,type,amount,close_date,split"
ROSTER_HEADER = "rep_id,name,email,plan,manager_id,target_incentive,start_date,end_date,draw,draw_kind,draw_balance"


class QuarterRuns:
    def __init__(self, build, folder: Path, plans: dict[str, str] | None = None) -> None:
        self.folder = folder
        self.plans = folder / "plans"
        self.plans.mkdir(parents=True, exist_ok=True)
        for name, text in (plans or {"ramp.toml": RAMP_PLAN}).items():
            (self.plans / name).write_text(text)
        self.recorder = build.person(role="finance", email="fay@example.com", name="Fay Finance")
        self.approver = build.person(role="finance", email="gus@example.com", name="Gus Ledger")

    def deals(self, rows: list[str], replace: bool = False) -> None:
        from okr_app.payouts.imports import import_deals

        import_deals(Actor(self.recorder), (DEALS_HEADER + "\n" + "".join(r + "\n" for r in rows)).encode(),
                     "deals.csv", replace=replace)
        db.session.commit()

    def roster(self, period: str, rows: list[str]) -> None:
        from okr_app.payouts.imports import import_roster

        import_roster(Actor(self.recorder), (ROSTER_HEADER + "\n" + "".join(r + "\n" for r in rows)).encode(),
                      f"roster-{period}.csv", period, self.plans)
        db.session.commit()

    def quotas(self, rows: list[str]) -> None:
        from okr_app.payouts.imports import import_quotas

        import_quotas(Actor(self.recorder), ("rep_id,period,component,quota\n" + "".join(r + "\n" for r in rows))
                      .encode(), "quotas.csv")
        db.session.commit()

    def run(self, period: str):
        from okr_app.payouts.runs import record_run

        outcome = record_run(Actor(self.recorder), period, self.plans)
        db.session.commit()
        return outcome

    def approve(self, run: PayoutRun) -> PayoutRun:
        from okr_app.payouts.services import approve_run

        approve_run(Actor(self.approver), run)
        db.session.commit()
        return run

    def run_and_approve(self, period: str) -> PayoutRun:
        return self.approve(self.run(period).run)

    @staticmethod
    def statement(run: PayoutRun, rep_id: str) -> RunStatement:
        return db.session.scalar(sa.select(RunStatement).where(RunStatement.run_id == run.id,
                                                               RunStatement.rep_id == rep_id))
