"""Reading the CSV inputs, and the roster and quotas files, refusing bad rows.

Every column is read as text so nothing is guessed: amounts are parsed to integer
cents by `comp_engine.money`, periods must be `YYYY-Qn`. Validation collects a
`Problem` for every bad row (file, line with the header as line 1, field) instead of
stopping at the first. Blank lines are skipped but still counted, so the line numbers
match what a spreadsheet or text editor shows. The deals file, much larger, is read
by `comp_engine.deal_table`; its reader and columns are also importable from here.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from comp_engine.csv_input import TextTable, read_table, trim_id
from comp_engine.deal_table import DEALS_COLUMNS, DEALS_OPTIONAL, SHARE_SCALE, DealTable, lines_text, read_deals
from comp_engine.draws import DRAW_COLUMNS, DrawTerms, read_draw
from comp_engine.employment import ALWAYS, EMPLOYMENT_COLUMNS, Employment, read_employment
from comp_engine.errors import PeriodInvalid, Problem
from comp_engine.money import AmountInvalid, cents_to_decimal, to_cents
from comp_engine.periods import parse_period

ROSTER_COLUMNS = ("rep_id", "name", "email", "plan")
ROSTER_OPTIONAL = ("manager_id", "target_incentive")
ROSTER_EXTRA = EMPLOYMENT_COLUMNS + DRAW_COLUMNS
"""Optional columns for mid-quarter hires and leavers (`comp_engine.employment`) and draws
(`comp_engine.draws`)."""
QUOTAS_COLUMNS = ("rep_id", "period", "component", "quota")



@dataclass(frozen=True)
class Rep:
    """A person on the roster: the plan they are paid on, who they report to, and
    an optional per-quarter target incentive that replaces the plan's."""

    rep_id: str
    name: str
    email: str
    plan_key: str
    manager_id: str | None
    target_incentive: Decimal | None
    line: int
    employment: Employment = ALWAYS
    draw: DrawTerms | None = None


@dataclass(frozen=True)
class Roster:
    """The reps of the run, in the roster file's order, and the notes its reading left."""

    reps: tuple[Rep, ...]
    notes: tuple[str, ...] = ()

    @property
    def index(self) -> dict[str, int]:
        """rep_id -> position in `reps` (the rep code used in the DealTable)."""
        return {rep.rep_id: position for position, rep in enumerate(self.reps)}


@dataclass(frozen=True)
class Quotas:
    """Quota in cents per (rep_id, period name, component key), and the notes its reading left."""

    cents: dict[tuple[str, str, str], int]
    notes: tuple[str, ...] = ()

    def quota_cents(self, rep_id: str, period: str, component: str) -> int | None:
        return self.cents.get((rep_id, period, component))


# -- roster ---------------------------------------------------------------------------
def read_roster(content: bytes, source: str, plan_keys: set[str]) -> tuple[Roster | None, list[Problem]]:
    """Read roster.csv: one rep per row, each on a plan named by its key. A roster with
    no rep is refused: it would pay nobody, silently."""
    table, problems = read_table(content, source, ROSTER_COLUMNS, ROSTER_OPTIONAL + ROSTER_EXTRA)
    if table is None:
        return None, problems
    if not len(table) and not problems:
        return None, [Problem(source, 2, None, "holds no reps (only a header)")]
    known = ", ".join(sorted(plan_keys)) or "none"
    reps: list[Rep] = []
    first_line: dict[str, int] = {}
    columns = {name: table.column(name) for name in ROSTER_COLUMNS + ROSTER_OPTIONAL + ROSTER_EXTRA}
    ids = ("rep_id", "plan", "manager_id")
    for row, line in enumerate(table.lines):
        values = {name: trim_id(columns[name][row]) if name in ids else columns[name][row].strip() for name in columns}
        row_problems = []
        rep_id = values["rep_id"]
        if not rep_id:
            row_problems.append(Problem(source, line, "rep_id", "is empty"))
        elif rep_id in first_line:
            row_problems.append(Problem(source, line, "rep_id", f"{rep_id!r} is already on line {first_line[rep_id]}"))
        else:
            first_line[rep_id] = line
        for name in ("name", "email"):
            if not values[name]:
                row_problems.append(Problem(source, line, name, "is empty"))
        if not values["plan"]:
            row_problems.append(Problem(source, line, "plan", f"is empty; name a plan key ({known})"))
        elif values["plan"] not in plan_keys:
            row_problems.append(Problem(source, line, "plan", f"no plan has the key {values['plan']!r}; plan keys: {known}"))
        target = None
        if values["target_incentive"]:
            try:
                target = cents_to_decimal(to_cents(values["target_incentive"]))
            except AmountInvalid as refused:
                row_problems.append(Problem(source, line, "target_incentive", str(refused)))
        employment, found = read_employment(values, source, line)
        draw, draw_problems = read_draw(values, source, line)
        row_problems += found + draw_problems
        if row_problems:
            problems += row_problems
            continue
        reps.append(Rep(rep_id, values["name"], values["email"], values["plan"],
                        values["manager_id"] or None, target, line, employment, draw))
    return (None if problems else Roster(tuple(reps), tuple(table.notes))), problems


# -- quotas ---------------------------------------------------------------------------
def read_quotas(content: bytes, source: str, roster: Roster | None, components: set[str] | None = None
                ) -> tuple[Quotas | None, list[Problem]]:
    """Read quotas.csv: one quota per rep, quarter and quota component, in ARR.

    Rows of reps not on the roster (people who left: finance keeps quota history) are
    checked like any other row, then left out. With `components` (the quota components
    of the plans), rows naming a component no plan has are noted: they pay nothing.
    """
    table, problems = read_table(content, source, QUOTAS_COLUMNS)
    if table is None:
        return None, problems
    known_reps = roster.index if roster is not None else None
    quotas: dict[tuple[str, str, str], int] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    unplanned: dict[str, list[int]] = {}
    columns = [table.column(name) for name in QUOTAS_COLUMNS]
    periods: dict[str, tuple[str, str | None]] = {}  # each distinct text read once: (name, why refused)
    amounts: dict[str, tuple[int, str | None]] = {}
    trimmed: dict[str, str] = {}  # each rep id and component is on many rows: trimmed once
    for line, rep_id, period_text, component, quota_text in zip(table.lines, *columns):
        rep_id = trimmed.get(rep_id) or trimmed.setdefault(rep_id, trim_id(rep_id))
        component = trimmed.get(component) or trimmed.setdefault(component, trim_id(component))
        row_problems = []
        if not rep_id:
            row_problems.append(Problem(source, line, "rep_id", "is empty"))
        period = periods.get(period_text)
        if period is None:
            period = periods[period_text] = _period_name(period_text.strip())
        if period[1] is not None:
            row_problems.append(Problem(source, line, "period", period[1]))
        period_text = period[0]
        if not component:
            row_problems.append(Problem(source, line, "component", "is empty; name the plan component, e.g. new_business"))
        amount = amounts.get(quota_text)
        if amount is None:
            amount = amounts[quota_text] = _quota_cents(quota_text.strip())
        cents = amount[0]
        if amount[1] is not None:
            row_problems.append(Problem(source, line, "quota", amount[1]))
        key = (rep_id, period_text, component)
        if not row_problems and key in first_line:
            row_problems.append(Problem(source, line, "quota", f"a quota for {rep_id} {period_text} {component} is already on line {first_line[key]}"))
        if row_problems:
            problems += row_problems
            continue
        first_line[key] = line
        if components is not None and component not in components:
            unplanned.setdefault(component, []).append(line)
        if known_reps is None or rep_id in known_reps:
            quotas[key] = cents
    notes = list(table.notes)
    if unplanned:
        planned = ", ".join(sorted(components or ())) or "none"
        notes += [f"{source}: no plan has a quota component {component!r} ({lines_text(lines)}); "
                  f"those quotas are ignored (quota components: {planned})" for component, lines in unplanned.items()]
    return (None if problems else Quotas(quotas, tuple(notes))), problems


def _period_name(text: str) -> tuple[str, str | None]:
    """A quota's period as `YYYY-Qn`, or the text as written and why it is refused."""
    try:
        return str(parse_period(text)), None
    except PeriodInvalid as refused:
        return text, str(refused)


def _quota_cents(text: str) -> tuple[int, str | None]:
    """A quota in cents, or why it is refused (0 is refused: attainment divides by it)."""
    try:
        cents = to_cents(text)
    except AmountInvalid as refused:
        return 0, str(refused)
    if cents == 0:
        return 0, "is 0; a quota must be above 0 (attainment is credited / quota)"
    return cents, None


__all__ = [
    "DEALS_COLUMNS", "DEALS_OPTIONAL", "QUOTAS_COLUMNS", "ROSTER_COLUMNS", "ROSTER_EXTRA", "ROSTER_OPTIONAL",
    "SHARE_SCALE", "DealTable", "Quotas", "Rep", "Roster", "TextTable", "read_deals", "read_quotas", "read_roster",
    "read_table", "trim_id",
]
