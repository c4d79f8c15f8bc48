"""The growth review: marketing, sales and customer success side by side on one set of revenue numbers.

Every figure is a `comp_engine.revenue` function on the imported deals, the same the metric key
results and the payout use, measured on the cycle's measuring day (the earlier of today and its
last day). The teams are found by name: a team whose name holds "marketing", "sales" or
"success". A team's figures count its members' credits and books; without such a team the
company's figure is shown, and the page says so.

- Marketing: marketing-sourced new ARR closed in the cycle, how much of it is still live, and the
  marketing-sourced ARR that reached its 12-month mark in the last 12 months still live then.
- Sales: the team's new ARR in the cycle and the 12-month GRR of its originated book.
- Customer success: NRR and GRR of the book it renews (accounts whose latest new or renewal deal
  credited a member).
- The company: net new ARR in the cycle and NRR.

From the mid-cycle (the last day of week 6) on, each figure is shown beside its value at week 6,
and each key result beside its mid-cycle snapshot when one was taken.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from comp_engine.revenue import Ledger, RevenueValue, measure, parse_metric, shown, still_live
from okr_app.clock import today
from okr_app.extensions import db
from okr_app.ledger.key_results import measuring_day
from okr_app.ledger.loading import load_ledger, rep_ids_of
from okr_app.models import Cycle, Objective, Person, Snapshot, Team
from okr_app.okrs.display import format_pct
from okr_app.okrs.pages import kr_row
from okr_app.okrs.progress import ProgressBook

TEAMS = (("marketing", "Marketing", "marketing"), ("sales", "Sales", "sales"),
         ("success", "Customer success", "success"))


@dataclass(frozen=True)
class Figure:
    label: str
    now: str
    explanation: str
    mid: str | None = None
    mid_explanation: str = ""


@dataclass(frozen=True)
class KrLine:
    id: int
    title: str
    value_label: str
    progress: float
    progress_label: str
    vanity_risk: bool
    metric: str | None
    snapshot_label: str | None


@dataclass
class Column:
    key: str
    title: str
    team: Team | None
    scope_note: str
    figures: list[Figure] = field(default_factory=list)
    key_results: list[KrLine] = field(default_factory=list)


@dataclass
class GrowthReview:
    cycle: Cycle
    measured_on: date
    midpoint: date | None
    columns: list[Column]
    company: Column
    has_deals: bool

    @property
    def shows_mid(self) -> bool:
        return self.midpoint is not None


def _team_of(teams: list[Team], word: str) -> Team | None:
    return next((team for team in teams if word in team.name.lower()), None)


def _scope(ledger: Ledger, team: Team | None) -> frozenset[int] | None:
    if team is None:
        return None
    members = list(db.session.scalars(sa.select(Person).where(Person.team_id == team.id)))
    return ledger.reps(rep_ids_of(members))


def _figures(ledger: Ledger, key: str, scope: frozenset[int] | None, start: date, on: date) -> list[tuple[str, RevenueValue]]:
    if key == "marketing":
        return [("Marketing-sourced new ARR", measure(ledger, parse_metric("sourced_new_arr:marketing"), None, start, on)),
                ("… of it still live", still_live(ledger, None, start, on, "marketing")),
                ("Marketing-sourced ARR live 12 months on",
                 measure(ledger, parse_metric("sourced_retained_arr:marketing"), None, start, on))]
    if key == "sales":
        return [("New ARR", measure(ledger, parse_metric("new_arr"), scope, start, on)),
                ("12-month GRR of the book it sold", measure(ledger, parse_metric("gross_revenue_retention"), scope, start, on))]
    if key == "success":
        return [("NRR of the accounts it renews",
                 measure(ledger, parse_metric("net_revenue_retention"), scope, start, on, book="renewed")),
                ("GRR of the accounts it renews",
                 measure(ledger, parse_metric("gross_revenue_retention"), scope, start, on, book="renewed"))]
    return [("Net new ARR", measure(ledger, parse_metric("net_new_arr"), None, start, on)),
            ("NRR", measure(ledger, parse_metric("net_revenue_retention"), None, start, on))]


def _fill(column: Column, ledger: Ledger | None, scope: frozenset[int] | None, cycle: Cycle, on: date,
          midpoint: date | None) -> None:
    if ledger is None:
        return
    now = _figures(ledger, column.key, scope, cycle.start, on)
    mid = _figures(ledger, column.key, scope, cycle.start, midpoint) if midpoint else [(None, None)] * len(now)
    column.figures = [Figure(label, shown(value), value.explanation,
                             shown(then) if then is not None else None, then.explanation if then is not None else "")
                      for (label, value), (_, then) in zip(now, mid)]


def _key_results(book: ProgressBook, cycle: Cycle, objectives: list[Objective], snapshots: dict[int, float],
                 on: date) -> list[KrLine]:
    lines = []
    for objective in objectives:
        for kr in book.krs_of.get(objective.id, []):
            row = kr_row(book, kr, cycle, on)
            snap = snapshots.get(kr.id)
            lines.append(KrLine(kr.id, kr.title, row.current_label + " / " + row.target_label, row.progress,
                                format_pct(row.progress), kr.vanity_risk, kr.metric,
                                format_pct(snap) if snap is not None else None))
    return lines


def growth_review(cycle: Cycle) -> GrowthReview:
    """The cycle's review as the page and the PDF show it."""
    on = measuring_day(cycle)
    midpoint = cycle.midpoint if cycle.weeks >= 12 and on > cycle.midpoint else None
    ledger = load_ledger()
    teams = list(db.session.scalars(sa.select(Team).order_by(Team.name)))
    book = ProgressBook.for_cycle(cycle.id)
    snapshots = dict(db.session.execute(sa.select(Snapshot.key_result_id, Snapshot.progress)
                                        .where(Snapshot.cycle_id == cycle.id)).all())
    public = [o for o in book.objectives.values() if not o.private]
    columns = []
    for key, title, word in TEAMS:
        team = _team_of(teams, word)
        note = (f"the {team.name} team's members (by their roster e-mail)" if team is not None
                else f"no team named “{word}”: the company's figures")
        column = Column(key, title, team, "all deals" if key == "marketing" else note)
        _fill(column, ledger, _scope(ledger, team) if ledger is not None and key != "marketing" else None,
              cycle, on, midpoint)
        owned = [o for o in public if o.owner_type == "team" and team is not None and o.team_id == team.id]
        column.key_results = _key_results(book, cycle, owned, snapshots, today())
        columns.append(column)
    company = Column("company", "The company", None, "all deals")
    _fill(company, ledger, None, cycle, on, midpoint)
    company.key_results = _key_results(book, cycle, [o for o in public if o.owner_type == "company"], snapshots,
                                       today())
    return GrowthReview(cycle, on, midpoint, columns, company, ledger is not None)
