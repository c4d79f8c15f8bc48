"""Builders for payout inputs: write small roster, quota, deal and plan files.

Tests describe only what matters to them (`files.deal(type="new", amount="60000")`);
everything else gets a sensible default. `files.run()` writes the files and calls
`run_payout`, exactly as the CLI does.
"""
from __future__ import annotations

import csv
import itertools
import textwrap
from decimal import Decimal
from pathlib import Path

from comp_engine import PayoutResult, run_payout
from tests.builders.payout_files import WORKED_PLAN  # the worked example, without retention or modifier


def plan_text(key: str = "p", target_incentive: str = "10000", tiers: str = "marginal", components: str = "",
              extra: str = "") -> str:
    """A plan file: header lines plus the given component/modifier/clawback TOML."""
    return (f'key = "{key}"\nname = "Plan {key}"\ncurrency = "USD"\ntarget_incentive = {target_incentive}\n'
            f'tiers = "{tiers}"\n' + textwrap.dedent(components) + textwrap.dedent(extra))


ONE_QUOTA_COMPONENT = """
[[component]]
key = "bookings"
weight = 1.0
credit = ["new", "expansion", "renewal", "contraction", "churn"]
curve = [[0.0, 1.0]]
"""


class PayoutFiles:
    """Input files under construction in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.plans_dir = self.folder / "plans"
        self.plans_dir.mkdir(parents=True, exist_ok=True)
        self.roster_rows: list[dict[str, str]] = []
        self.quota_rows: list[dict[str, str]] = []
        self.deal_rows: list[dict[str, str]] = []
        self._ids = itertools.count(1)

    # -- plans --------------------------------------------------------------------------
    def plan(self, text: str, file_name: str | None = None) -> Path:
        key = next(line.split('"')[1] for line in text.splitlines() if line.strip().startswith("key"))
        path = self.plans_dir / (file_name or f"{key}.toml")
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    # -- roster and quotas ----------------------------------------------------------------
    def rep(self, rep_id: str, plan: str = "ae-80-20", name: str | None = None, email: str | None = None,
            manager_id: str = "", target_incentive: str = "", **extra: str) -> str:
        """A roster row; `extra` fills optional columns (start_date, end_date, draw, draw_kind, draw_balance)."""
        self.roster_rows.append({"rep_id": rep_id, "name": name or f"Rep {rep_id}",
                                 "email": email or f"{rep_id}@example.com", "plan": plan,
                                 "manager_id": manager_id, "target_incentive": target_incentive, **extra})
        return rep_id

    def quota(self, rep_id: str, period: str, component: str, quota: str) -> None:
        self.quota_rows.append({"rep_id": rep_id, "period": period, "component": component, "quota": quota})

    def quotas(self, rep_id: str, periods: list[str], **by_component: str) -> None:
        for period in periods:
            for component, quota in by_component.items():
                self.quota(rep_id, period, component, quota)

    # -- deals ------------------------------------------------------------------------------
    def deal(self, rep: str = "r1", type: str = "new", amount: str = "1000", date: str = "2026-04-15",  # noqa: A002
             account: str | None = None, deal_id: str | None = None, split: str = "") -> str:
        number = next(self._ids)
        deal_id = deal_id or f"D{number}"
        self.deal_rows.append({"deal_id": deal_id, "account_id": account or f"A{number}", "rep_id": rep,
                               "type": type, "amount": amount, "close_date": date, "split": split})
        return deal_id

    def keep_arr_non_negative(self) -> PayoutFiles:
        """Make generated deals valid input: ARR never goes negative. Walking each account
        by date (a date's new and expansion deals first), a contraction or churn of an
        account with no ARR becomes an expansion, and one larger than the ARR is cut to it."""
        decreasing = ("contraction", "churn")
        order = sorted(range(len(self.deal_rows)), key=lambda i: (
            self.deal_rows[i]["account_id"], self.deal_rows[i]["close_date"],
            self.deal_rows[i]["type"] in decreasing, i))
        arr: dict[str, int] = {}
        for index in order:
            row = self.deal_rows[index]
            cents = round(Decimal(row["amount"]) * 100)
            account = row["account_id"]
            if row["type"] in decreasing:
                if arr.get(account, 0) <= 0:
                    row["type"] = "expansion"
                else:
                    cents = min(cents, arr[account])
                    row["amount"] = f"{cents // 100}.{cents % 100:02d}"
            if row["type"] in ("new", "expansion"):
                arr[account] = arr.get(account, 0) + cents
            elif row["type"] in decreasing:
                arr[account] -= cents
        return self

    # -- files --------------------------------------------------------------------------------
    @property
    def deals_path(self) -> Path:
        return self.folder / "deals.csv"

    @property
    def roster_path(self) -> Path:
        return self.folder / "roster.csv"

    @property
    def quotas_path(self) -> Path:
        return self.folder / "quotas.csv"

    def write(self) -> None:
        _write_csv(self.deals_path, ["deal_id", "account_id", "rep_id", "type", "amount", "close_date", "split"],
                   self.deal_rows)
        roster_header = ["rep_id", "name", "email", "plan", "manager_id", "target_incentive"]
        roster_header += [column for column in dict.fromkeys(key for row in self.roster_rows for key in row)
                          if column not in roster_header]
        _write_csv(self.roster_path, roster_header, self.roster_rows)
        _write_csv(self.quotas_path, ["rep_id", "period", "component", "quota"], self.quota_rows)

    def run(self, period: str = "2026-Q2") -> PayoutResult:
        """Write the files from the rows built so far, then run the payout."""
        self.write()
        return self.run_as_written(period)

    def run_as_written(self, period: str = "2026-Q2") -> PayoutResult:
        """Run the payout on the files as they are on disk (after a test edited them)."""
        return run_payout(period, self.deals_path, self.roster_path, self.quotas_path, self.plans_dir)


def _write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n", restval="")
        writer.writeheader()
        writer.writerows(rows)


def worked_example(files: PayoutFiles) -> PayoutFiles:
    """The issue's worked example: quotas 100,000 / 50,000; new deals of 60,000 and
    70,000 and a renewal of 45,000 in 2026-Q2."""
    files.plan(WORKED_PLAN)
    files.rep("r1")
    files.quotas("r1", ["2026-Q2"], new_business="100000", renewal="50000")
    files.deal(type="new", amount="60000", date="2026-04-10")
    files.deal(type="new", amount="70000", date="2026-05-20")
    files.deal(type="renewal", amount="45000", date="2026-06-30")
    return files
