"""docs/security.md's route table, walked against the real app: every role, every route.

Each row of the table is one test: the walker signs in as each persona of a seeded org (or sends
their API token for /api/ paths), requests the row's path with its placeholders resolved, and
compares the status with the cell. A route in `app.url_map` that the table does not list fails
the suite, and so does a row that matches no route. So does a `cadence` command missing from
the commands table.

A path cell may carry a body after a space: JSON for /api/ paths (`/api/v1/cycles {"name": ...}`),
form fields otherwise (`/people/new name=Ann&email=ann@example.com`); without one, a POST sends an
empty form or `{}`. CSRF is off in tests. After every non-GET request the seeded database is put
back as it was, so a POST that succeeds (a delete, a role change) cannot change what the next
cell sees.
"""
from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qsl

import click
import pytest
import sqlalchemy as sa
from werkzeug.exceptions import MethodNotAllowed, NotFound

from tests.builders.apps import make_app
from okr_app.extensions import db
from okr_app.models.payouts import RunStatement
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of, monday_of
from tests.builders import Builders

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
PERSONAS = ("employee", "manager", "leader", "finance", "admin")
COLUMNS = ("method", "path", *PERSONAS, "anonymous")
IGNORED_ENDPOINTS = {"static"}
MISSING_ID = 999999


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    expected: dict[str, int]
    line: int

    @property
    def label(self) -> str:
        return f"{self.method} {self.path}"


def read_table(text: str, first_column: str) -> list[tuple[int, list[str]]]:
    """The markdown table whose header starts with `| first_column |`: (line number, cells) per row."""
    rows, inside = [], False
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [cell.strip().strip("`").strip() for cell in line.strip().strip("|").split("|")]
        if not line.lstrip().startswith("|"):
            inside = False
            continue
        if cells and cells[0].lower() == first_column:
            inside = True
            header = [c.lower() for c in cells]
            continue
        if inside and not set(line.strip()) <= set("|-: "):
            rows.append((number, dict(zip(header, cells))))
    return rows


def route_rows() -> list[Row]:
    rows = []
    for number, cells in read_table(DOC.read_text(encoding="utf-8"), "method"):
        missing = [c for c in COLUMNS if c not in cells]
        assert not missing, f"docs/security.md:{number}: the route table lacks column(s) {missing}"
        try:
            expected = {who: int(cells[who]) for who in (*PERSONAS, "anonymous")}
        except ValueError:
            pytest.fail(f"docs/security.md:{number}: every status cell must be a number like 200 or 403")
        rows.append(Row(cells["method"].upper(), cells["path"], expected, number))
    assert rows, "docs/security.md has no route table"
    return rows


ROWS = route_rows()


# --- the seeded org -------------------------------------------------------------------------------

def seed_org(folder: Path) -> dict[str, object]:
    """The org every row is walked against; placeholders in paths name these objects.

    leader Lia → manager Max → employee Eve, all in Sales; Olli is an employee in Marketing with
    nobody above him; Fay is finance and Ada admin. Each persona also gets an API token.
    """
    from okr_app.api.tokens import create_token

    build = Builders()
    sales, marketing = build.team("Sales"), build.team("Marketing")
    leader = build.person(name="Lia Leader", role="leader", team=sales, email="leader@example.com")
    manager = build.person(name="Max Manager", role="manager", manager=leader, team=sales,
                           email="manager@example.com")
    employee = build.person(name="Eve Employee", manager=manager, team=sales, email="employee@example.com")
    finance = build.person(name="Fay Finance", role="finance", email="finance@example.com")
    admin = build.person(name="Ada Admin", role="admin", email="admin@example.com")
    other = build.person(name="Olli Other", team=marketing, email="other@example.com")

    cycle = build.cycle(name="Current")
    closed = build.cycle(name="Last", start=monday_of(today()) - timedelta(weeks=20), weeks=12, state="closed")
    company = build.objective(cycle, company=True, title="Grow durable revenue")
    company_kr = build.key_result(company, title="Net revenue retention 110%", current=30)
    team_objective = build.objective(cycle, team=sales, title="Sales closes better deals")
    team_kr = build.key_result(team_objective, current=50)
    employee_objective = build.objective(cycle, owner=employee, aligned_to=company_kr, title="Eve's pipeline")
    employee_kr = build.key_result(employee_objective, current=40)
    private = build.objective(cycle, owner=other, private=True, title="Olli's private plan")
    private_kr = build.key_result(private, current=10)
    employee_report = build.weekly(employee, problems="Blocked on pricing")
    other_report = build.weekly(other)

    approved_run, draft_run, employee_statement, other_statement = _payout_runs(finance, employee, other, folder)

    tokens = {}
    for role, person in (("employee", employee), ("manager", manager), ("leader", leader),
                         ("finance", finance), ("admin", admin)):
        tokens[role] = create_token(person, name="route table")[1]
    db.session.commit()
    ids = {"employee": employee, "manager": manager, "leader": leader, "finance": finance, "admin": admin,
           "other": other, "team": sales, "cycle": cycle, "closed_cycle": closed,
           "company_objective": company, "company_kr": company_kr, "team_objective": team_objective,
           "team_kr": team_kr, "employee_objective": employee_objective, "employee_kr": employee_kr,
           "other_private_objective": private, "other_private_kr": private_kr,
           "employee_report": employee_report, "other_report": other_report, "approved_run": approved_run,
           "draft_run": draft_run, "employee_statement": employee_statement, "other_statement": other_statement}
    values = {name: obj.id for name, obj in ids.items()} | {
        "missing": MISSING_ID, "this_week": iso_week_of(today()),
        "next_monday": (monday_of(today()) + timedelta(weeks=1)).isoformat()}
    return {"ids": values, "tokens": tokens}


def _payout_runs(finance, employee, other, folder: Path):
    """Q2 computed and approved (statements visible to reps and managers), Q3 a draft: both real
    runs, made by the payout services from the worked example's files."""
    from okr_app.payouts.imports import import_deals, import_quotas, import_roster
    from okr_app.payouts.runs import record_run
    from okr_app.payouts.services import approve_run
    from okr_app.policy import Actor
    from tests.builders.payout_files import WORKED_PLAN

    plans = folder / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    (plans / "ae.toml").write_text(WORKED_PLAN)
    runner, approver = Actor(finance), Actor(Builders().person(role="finance", email="finance2@example.com"))
    import_deals(runner, b"deal_id,account_id,rep_id,type,amount,close_date,split\n"
                         b"N-1,ACC-1,eve,new,60000,2026-04-10,\nN-2,ACC-2,olli,new,70000,2026-05-20,\n"
                         b"N-3,ACC-3,eve,new,50000,2026-07-20,\n", "deals.csv")
    for period in ("2026-Q2", "2026-Q3"):
        roster = (f"rep_id,name,email,plan,manager_id,target_incentive\n"
                  f"eve,{employee.name},{employee.email},ae-80-20,,\nolli,{other.name},{other.email},ae-80-20,,\n")
        import_roster(runner, roster.encode(), "roster.csv", period, plans)
        quotas = "".join(f"{rep},{period},{component},100000\n" for rep in ("eve", "olli")
                         for component in ("new_business", "renewal"))
        import_quotas(runner, f"rep_id,period,component,quota\n{quotas}".encode(), f"quotas-{period}.csv")
    approved = record_run(runner, "2026-Q2", plans).run
    approve_run(approver, approved)
    draft = record_run(runner, "2026-Q3", plans).run
    db.session.commit()
    statements = {s.email: s for s in db.session.scalars(
        sa.select(RunStatement).where(RunStatement.run_id == approved.id))}
    return approved, draft, statements[employee.email], statements[other.email]


class Walker:
    """Requests a path as one persona: their session cookie, or their bearer token under /api/."""

    def __init__(self, app, seeded, database: Path) -> None:
        self.app, self.ids, self.tokens = app, seeded["ids"], seeded["tokens"]
        self.database, self.pristine = database, database.with_suffix(".seeded")
        self.cookies = {role: self._sign_in(f"{role}@example.com") for role in PERSONAS}
        self._close_database()
        shutil.copyfile(self.database, self.pristine)

    def _close_database(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{self.database}{suffix}").unlink(missing_ok=True)

    def restore(self) -> None:
        """The seeded org again, exactly (same ids, so the personas' cookies and tokens stay valid)."""
        self._close_database()
        shutil.copyfile(self.pristine, self.database)

    def _sign_in(self, email: str) -> str:
        client = self.app.test_client()
        response = client.post("/login", data={"email": email, "password": Builders.PASSWORD})
        assert response.status_code == 302, f"the walker could not sign in as {email}"
        return client.get_cookie("session").value

    def resolve(self, path: str) -> str:
        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name not in self.ids:
                pytest.fail(f"unknown placeholder <{name}> in docs/security.md; known: "
                            f"{', '.join(sorted(self.ids))} (add objects to seed_org in {Path(__file__).name})")
            return str(self.ids[name])
        return re.sub(r"<([a-z_]+)>", replace, path)

    def status(self, method: str, cell: str, who: str) -> int:
        path, _, body = self.resolve(cell).partition(" ")
        client = self.app.test_client()
        kwargs = {}
        if path.startswith("/api/"):
            if who in self.tokens:
                kwargs["headers"] = {"Authorization": f"Bearer {self.tokens[who]}"}
            if method != "GET":
                kwargs["json"] = json.loads(body) if body else {}
        else:
            if who in self.cookies:
                client.set_cookie("session", self.cookies[who])
            if method != "GET":
                kwargs["data"] = dict(parse_qsl(body, keep_blank_values=True))
        try:
            with client.open(path, method=method, **kwargs) as response:
                return response.status_code
        finally:
            if method != "GET":
                self.restore()


@pytest.fixture(scope="module")
def walker(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("route_table")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("CADENCE_DATABASE_URL", raising=False)
        patch.setenv("CADENCE_INSTANCE_PATH", str(tmp_path / "instance"))
        database = tmp_path / "routes.db"
        app = make_app(tmp_path, database_url=f"sqlite:///{database}")
        with app.app_context():
            db.create_all()
            seeded = seed_org(tmp_path)
            db.session.remove()
        yield Walker(app, seeded, database)
        with app.app_context():
            db.engine.dispose()


# --- the tests ---------------------------------------------------------------------------------

@pytest.mark.parametrize("row", ROWS, ids=[row.label for row in ROWS])
def test_each_role_gets_the_status_the_route_table_promises(walker, row):
    actual = {who: walker.status(row.method, row.path, who) for who in row.expected}
    wrong = {who: f"expected {row.expected[who]}, got {actual[who]}" for who in row.expected
             if actual[who] != row.expected[who]}
    assert not wrong, f"docs/security.md:{row.line} {row.label}: {wrong}"


def test_every_route_of_the_app_is_in_the_table_and_every_row_is_a_route(walker):
    adapter = walker.app.url_map.bind("localhost")
    listed, stale = set(), []
    for row in ROWS:
        path = walker.resolve(row.path).partition(" ")[0].partition("?")[0]
        try:
            rule, _ = adapter.match(path, method=row.method, return_rule=True)
        except (NotFound, MethodNotAllowed):
            stale.append(f"docs/security.md:{row.line} {row.label}")
            continue
        listed.add(rule.rule)
    missing = sorted(f"{','.join(sorted(rule.methods - {'HEAD', 'OPTIONS'}))} {rule.rule} ({rule.endpoint})"
                     for rule in walker.app.url_map.iter_rules()
                     if rule.endpoint not in IGNORED_ENDPOINTS and rule.rule not in listed)
    assert not missing, ("routes missing from the route table in docs/security.md (add a row per route, "
                         "see 'Adding a route' there):\n" + "\n".join(missing))
    assert not stale, "rows in docs/security.md that match no route of the app:\n" + "\n".join(stale)


def test_every_cadence_command_is_in_the_commands_table():
    from cli import cli

    def names(command: click.Command, prefix: str = "") -> list[str]:
        if isinstance(command, click.Group):
            return [name for sub_name, sub in command.commands.items()
                    for name in names(sub, f"{prefix} {sub_name}".strip())]
        return [prefix]

    table = read_table(DOC.read_text(encoding="utf-8"), "command")
    documented = {cells["command"].removeprefix("cadence ").strip() for _, cells in table}
    missing = sorted(set(names(cli)) - documented)
    assert not missing, f"cadence commands missing from the commands table in docs/security.md: {missing}"
