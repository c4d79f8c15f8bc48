"""Payout input files for tests: the issue's worked example, and a writer for others.

`write_payout_inputs(folder, ...)` writes deals.csv, roster.csv, quotas.csv and a
plans/ folder and returns their paths as the CLI options expect them.
"""
from __future__ import annotations

from pathlib import Path

WORKED_PLAN = """\
key = "ae-80-20"
name = "Account Executive, new-business focus"
currency = "USD"
target_incentive = 20000
tiers = "marginal"

[[component]]
key = "new_business"
weight = 0.80
credit = ["new"]
threshold = 0.5
cap = 2.0
curve = [[0.0, 1.0], [1.0, 2.0]]

[[component]]
key = "renewal"
weight = 0.20
credit = ["renewal", "expansion"]
curve = [[0.0, 1.0]]
"""

WORKED_DEALS = [
    "N-1,ACC-1,rep1,new,60000,2026-04-10,",
    "N-2,ACC-2,rep1,new,70000,2026-05-20,",
    "R-1,ACC-3,rep1,renewal,45000,2026-06-15,",
]
WORKED_ROSTER = ["rep1,Ada Quinn,ada@example.com,ae-80-20,,"]
WORKED_QUOTAS = ["rep1,2026-Q2,new_business,100000", "rep1,2026-Q2,renewal,50000"]


def write_payout_inputs(folder: Path, deals: list[str] = WORKED_DEALS, roster: list[str] = WORKED_ROSTER,
                        quotas: list[str] = WORKED_QUOTAS, plans: dict[str, str] | None = None) -> dict[str, str]:
    """Write the files (rows without headers) and return {"--deals": path, ...}."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "deals.csv").write_text("deal_id,account_id,rep_id,type,amount,close_date,split\n"
                                      + "".join(row + "\n" for row in deals))
    (folder / "roster.csv").write_text("rep_id,name,email,plan,manager_id,target_incentive\n"
                                       + "".join(row + "\n" for row in roster))
    (folder / "quotas.csv").write_text("rep_id,period,component,quota\n" + "".join(row + "\n" for row in quotas))
    plan_folder = folder / "plans"
    plan_folder.mkdir(exist_ok=True)
    for name, text in (plans or {"ae.toml": WORKED_PLAN}).items():
        (plan_folder / name).write_text(text)
    return {"--deals": str(folder / "deals.csv"), "--roster": str(folder / "roster.csv"),
            "--quotas": str(folder / "quotas.csv"), "--plans": str(plan_folder)}


def as_arguments(paths: dict[str, str]) -> list[str]:
    return [part for option, path in paths.items() for part in (option, path)]


# Ada (rep1) is the worked example: 25,600 + 3,600 = 29,200. Ben (rep2): new 50,000 / 100,000 = 0.5
# -> 16,000 x 0.5 = 8,000; renewal 0 / 50,000 pays 0; total 8,000. The run pays 29,200 + 8,000 = 37,200.
RUN_ROSTER = ["rep1,Ada Quinn,ada@example.com,ae-80-20,,", "rep2,Ben Ortiz,ben@example.com,ae-80-20,,"]
RUN_DEALS = WORKED_DEALS + ["N-9,ACC-9,rep2,new,50000,2026-04-15,"]
RUN_QUOTAS = WORKED_QUOTAS + ["rep2,2026-Q2,new_business,100000", "rep2,2026-Q2,renewal,50000"]


def record_payout_run(build, folder: Path):
    """People (two finance, a manager with Ada below her, Ben, an outsider) and a draft
    2026-Q2 run recorded on the database by Fay (finance). Returns a namespace with the
    people, `run_id`, and the statement ids `ada` and `ben`."""
    from types import SimpleNamespace

    import sqlalchemy as sa

    from okr_app.extensions import db
    from okr_app.models import RunStatement
    from okr_app.payouts.imports import import_deals, import_quotas, import_roster
    from okr_app.payouts.runs import record_run
    from okr_app.policy import Actor

    people = SimpleNamespace(
        finance=build.person(role="finance", email="fay@example.com", name="Fay Finance"),
        approver=build.person(role="finance", email="gus@example.com", name="Gus Ledger"),
        manager=build.person(role="manager", email="mia@example.com", name="Mia Manager"),
        outsider=build.person(email="olu@example.com", name="Olu Outsider"),
    )
    people.ada = build.person(email="ada@example.com", name="Ada Quinn", manager=people.manager)
    people.ben = build.person(email="ben@example.com", name="Ben Ortiz")
    paths = write_payout_inputs(folder, deals=RUN_DEALS, roster=RUN_ROSTER, quotas=RUN_QUOTAS)
    actor = Actor(people.finance)
    import_deals(actor, Path(paths["--deals"]).read_bytes(), "deals.csv")
    import_roster(actor, Path(paths["--roster"]).read_bytes(), "roster.csv", "2026-Q2", paths["--plans"])
    import_quotas(actor, Path(paths["--quotas"]).read_bytes(), "quotas.csv")
    run = record_run(actor, "2026-Q2", paths["--plans"]).run
    db.session.commit()
    rows = db.session.execute(sa.select(RunStatement.rep_id, RunStatement.id).where(RunStatement.run_id == run.id))
    ids = {rep_id: statement_id for rep_id, statement_id in rows}
    return SimpleNamespace(people=people, run_id=run.id, ada=ids["rep1"], ben=ids["rep2"], plans=paths["--plans"])
