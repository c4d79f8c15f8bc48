"""The demo company's org chart, as plain data (no database): who reports to whom, in which team.

Shape: a CEO; a VP per function, two finance people (one runs payouts, the other approves them) and
an admin (the leadership team) reporting to
the CEO; under each VP a tree of managers and employees with about `SPAN` reports per manager
(deeper trees for big orgs); and a small cross-functional pod led by a manager under the VP of Sales.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from okr_app.demo.catalogue import ADMIN, FINANCE, FUNCTIONS, POD, SALES, Function, Theme
from okr_app.demo.names import email_for, random_name

SPAN = 6
MIN_PEOPLE = 20
LEADERSHIP = "Leadership"

CEO_NAME = "Maya Okafor"
VP_NAMES = {"marketing": "Daniel Brooks", "sales": "Lucía Navarro", "success": "Kenji Watanabe"}
FINANCE_NAME = "Ravi Menon"
CONTROLLER_NAME = "Lena Fischer"  # the second finance person: approves the runs Ravi runs (separation of duties)
ADMIN_NAME = "Jo Park"
DEMO_MANAGER_NAME = "Sam Rivera"  # the first sales manager: the demo's manager login
DEMO_EMPLOYEE_NAME = "Alex Chen"  # Sam's first report: the demo's employee login
FIXED_NAMES = frozenset([CEO_NAME, *VP_NAMES.values(), FINANCE_NAME, CONTROLLER_NAME, ADMIN_NAME, DEMO_MANAGER_NAME,
                         DEMO_EMPLOYEE_NAME])


@dataclass
class Seat:
    """One person in the plan; `manager` and `reports` are indexes into the seat list."""

    index: int
    name: str
    email: str
    role: str
    team: str  # a Function.team_name or LEADERSHIP
    voice: str  # okr_app.demo.text voice for weekly reports
    manager: int | None = None
    function: Function | None = None  # whose team objective this person's objective aligns to
    theme: Theme | None = None  # what the personal objective is about; None: no personal objective
    leads: str | None = None  # the team this person leads (and owns the team objective of)
    reports: list[int] = field(default_factory=list)


def layer_sizes(count: int, span: int = SPAN) -> list[int]:
    """How many people sit on each level under a VP, top first, so no one has more than about
    `span` + 1 reports: [3, 17] is three managers over seventeen employees."""
    if count <= 2:
        return [count]
    sizes: list[int] = []
    while True:
        managers = max(1, math.ceil(count / (span + 1)))
        sizes.insert(0, count - managers)
        count = managers
        if count <= span:
            sizes.insert(0, count)
            return sizes


def function_sizes(staff: int) -> dict[str, int]:
    """Split the staff between the functions by their share (largest remainder, so they sum up)."""
    raw = {f.key: staff * f.share / sum(g.share for g in FUNCTIONS) for f in FUNCTIONS}
    sizes = {key: int(value) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - sizes[k], reverse=True)[:staff - sum(sizes.values())]:
        sizes[key] += 1
    return sizes


class _Chart:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seats: list[Seat] = []
        self.emails: set[str] = set()
        self.names: set[str] = set()

    def add(self, role: str, team: str, voice: str, manager: int | None, *, name: str | None = None,
            function: Function | None = None, theme: Theme | None = None) -> int:
        name = name or random_name(self.rng, FIXED_NAMES, self.names)
        seat = Seat(len(self.seats), name, email_for(name, self.emails), role, team, voice, manager, function, theme)
        self.seats.append(seat)
        if manager is not None:
            self.seats[manager].reports.append(seat.index)
        return seat.index

    def grow_function(self, function: Function, vp: int, count: int) -> None:
        """A tree of `count` people under the VP; each first-level manager's tree shares a theme when
        there are enough managers to cover every theme, else themes alternate person by person."""
        sizes = [size for size in layer_sizes(count) if size]
        themes = function.themes
        by_subtree = bool(sizes) and sizes[0] >= len(themes)
        previous: list[int] = [vp]
        turn = 0
        for level, size in enumerate(sizes):
            current = []
            for j in range(size):
                parent = previous[j % len(previous)]
                if by_subtree:
                    theme = themes[j % len(themes)] if level == 0 else self.seats[parent].theme
                else:
                    theme, turn = themes[turn % len(themes)], turn + 1
                name = None
                if function is SALES and level == 0 and j == 0:
                    name = DEMO_MANAGER_NAME
                elif function is SALES and level == 1 and parent == previous[0] and j == 0:
                    name = DEMO_EMPLOYEE_NAME
                current.append(self.add("employee", function.team_name, function.voice, parent, name=name,
                                        function=function, theme=theme))
            previous = current

    def grow_pod(self, size: int, manager: int) -> None:
        lead = self.add("employee", POD.team_name, "sales", manager, function=POD, theme=POD.themes[0])
        self.seats[lead].leads = POD.team_name
        for j in range(size - 1):
            self.add("employee", POD.team_name, ("success", "sales")[j % 2], lead, function=POD,
                     theme=POD.themes[(j + 1) % len(POD.themes)])

    def promote_managers(self) -> None:
        """Anyone outside leadership who has reports is a manager."""
        for seat in self.seats:
            if seat.reports and seat.role == "employee":
                seat.role = "manager"


def plan_org(people: int, rng: random.Random) -> list[Seat]:
    """The whole org chart for `people` people (at least MIN_PEOPLE)."""
    if people < MIN_PEOPLE:
        raise ValueError(f"A demo organisation has at least {MIN_PEOPLE} people.")
    chart = _Chart(rng)
    ceo = chart.add("leader", LEADERSHIP, "leadership", None, name=CEO_NAME)
    chart.seats[ceo].leads = LEADERSHIP
    vps = {f.key: chart.add("leader", LEADERSHIP, "leadership", ceo, name=VP_NAMES[f.key]) for f in FUNCTIONS}
    for function in FUNCTIONS:
        chart.seats[vps[function.key]].leads = function.team_name
    chart.add("finance", LEADERSHIP, "finance", ceo, name=FINANCE_NAME, theme=FINANCE)
    chart.add("finance", LEADERSHIP, "finance", ceo, name=CONTROLLER_NAME, theme=FINANCE)
    chart.add("admin", LEADERSHIP, "admin", ceo, name=ADMIN_NAME, theme=ADMIN)
    pod_size = 5 if people >= 40 else 3
    sizes = function_sizes(people - len(chart.seats) - pod_size)
    for function in FUNCTIONS:
        chart.grow_function(function, vps[function.key], sizes[function.key])
    chart.grow_pod(pod_size, vps[SALES.key])
    chart.promote_managers()
    return chart.seats
