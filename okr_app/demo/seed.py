"""Write a whole demo organisation into the database with bulk inserts, mid-cycle.

The org chart comes from `chart`, the goals from `catalogue`, the weeks of check-ins and reports
from `activity`. Inserts bypass the services for speed (2,000 people in seconds), so the data is
built to satisfy their rules: one objective per person, at most `MAX_KEY_RESULTS` per objective,
dates inside the cycle and in the past, and every key result's current value equal to its latest
check-in. The mid-cycle snapshot is taken with `cycles.services.take_snapshot`. Flushes, never
commits: the caller commits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from okr_app.audit.services import record
from okr_app.auth.passwords import hash_password
from okr_app.cycles.services import take_snapshot
from okr_app.demo import bulk, catalogue
from okr_app.demo.activity import (CYCLE_WEEKS, SNAPSHOT_WEEK, WEEKS_BEFORE, PlannedKr, WeeklyActivity, at,
                                   cycle_start)
from okr_app.demo.chart import (CONTROLLER_NAME, DEMO_EMPLOYEE_NAME, DEMO_MANAGER_NAME, FINANCE_NAME, LEADERSHIP,
                              MIN_PEOPLE, Seat, plan_org)
from okr_app.demo.names import ACCOUNTS
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Objective, Person, ReportReply, Snapshot, Team, WeeklyReport
from okr_app.clock import utcnow

DEMO_PASSWORD = "demo-password"
PRIVATE_COUNT = 2
LOGIN_ROLES = ("leader", "manager", "employee", "finance", "controller", "admin")


@dataclass
class DemoCompany:
    """What was loaded, and whom to sign in as."""

    cycle_id: int
    people: int
    objectives: int
    key_results: int
    check_ins: int
    reports: int
    replies: int
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # (role, name, email)


def seed_organisation(people: int = 60, seed: int = 1, *, now: datetime | None = None,
                      password_hash: str | None = None) -> DemoCompany:
    """Load a demo company of `people` people (at least 20); the same seed and day give the same data.

    Everyone signs in with DEMO_PASSWORD (hashed once here unless `password_hash` is given)."""
    if people < MIN_PEOPLE:
        raise InvalidInput(f"A demo organisation has at least {MIN_PEOPLE} people.")
    company_krs = len(catalogue.FUNCTIONS) + 1
    if current_app.config["MAX_KEY_RESULTS"] < company_krs:
        raise InvalidInput(f"The demo's company objective has {company_krs} key results, more than "
                           "CADENCE_MAX_KEY_RESULTS allows.")
    if password_hash is None:
        password_hash = hash_password(DEMO_PASSWORD)
    return _Loader(random.Random(seed), now or utcnow(), password_hash).load(people, seed)


class _Loader:
    def __init__(self, rng: random.Random, now: datetime, password_hash: str) -> None:
        self.rng, self.now, self.password_hash = rng, now, password_hash
        self.start = cycle_start(now)
        self.counts = {"objectives": 0, "key_results": 0, "check_ins": 0, "reports": 0, "replies": 0}

    def load(self, people: int, seed: int) -> DemoCompany:
        self.seats = plan_org(people, self.rng)
        self._teams()
        self._people()
        self.cycle = Cycle(name=_cycle_name(self.start), start=self.start, weeks=CYCLE_WEEKS, state="active",
                           created_at=at(self.start - timedelta(days=10), 10))
        db.session.add(self.cycle)
        db.session.flush()
        plans = self._personal_okrs(self._cascade())
        self._weeks(plans)
        self._snapshot_then_latest(plans)
        record(None, "demo.load", "cycle", self.cycle.id, after={"people": people, "seed": seed, **self.counts})
        db.session.flush()
        return DemoCompany(cycle_id=self.cycle.id, people=people, logins=self._logins(), **self.counts)

    # --- org ----------------------------------------------------------------------------------

    def _teams(self) -> None:
        kinds = {LEADERSHIP: "function", **{f.team_name: f.kind for f in (*catalogue.FUNCTIONS, catalogue.POD)}}
        self.team_ids = dict(db.session.execute(sa.select(Team.name, Team.id).where(Team.name.in_(kinds))).all())
        missing = [{"name": name, "kind": kind} for name, kind in kinds.items() if name not in self.team_ids]
        self.team_ids.update(zip((row["name"] for row in missing), bulk.insert_then_ids(Team, missing, ("name",))))

    def _people(self) -> None:
        rows = [{"name": s.name, "email": s.email, "role": s.role, "team_id": self.team_ids[s.team],
                 "password_hash": self.password_hash,
                 "created_at": self.now - timedelta(days=self.rng.randint(60, 900), hours=self.rng.randint(0, 23))}
                for s in self.seats]
        self.person_ids = bulk.insert_then_ids(Person, rows, ("email",))
        managers = [{"id": self.person_ids[s.index], "manager_id": self.person_ids[s.manager]}
                    for s in self.seats if s.manager is not None]
        db.session.execute(sa.update(Person), managers)
        db.session.execute(sa.update(Team), [{"id": self.team_ids[s.leads], "lead_id": self.person_ids[s.index]}
                                             for s in self.seats if s.leads])

    # --- objectives and key results -----------------------------------------------------------

    def _objectives(self, rows: list[dict]) -> list[int]:
        self.counts["objectives"] += len(rows)
        return bulk.insert_then_ids(Objective, rows, ("owner_type", "owner_person_id", "team_id"))

    def _key_results(self, rows: list[dict]) -> list[int]:
        self.counts["key_results"] += len(rows)
        return bulk.insert_then_ids(KeyResult, rows, ("objective_id", "position"))

    def _objective_row(self, title: str, owner_type: str, created_by: int, *, owner: int | None = None,
                       team: str | None = None, aligned: int | None = None, private: bool = False,
                       description: str = "") -> dict:
        return {"cycle_id": self.cycle.id, "title": title, "owner_type": owner_type, "owner_person_id": owner,
                "team_id": self.team_ids[team] if team else None, "aligned_kr_id": aligned, "private": private,
                "description": description, "created_by_id": created_by,
                "created_at": at(self.start, self.rng.randint(9, 17), self.rng.randint(0, 59))}

    def _rollup_row(self, objective_id: int, title: str, position: int) -> dict:
        return {"objective_id": objective_id, "title": title, "kind": "rollup", "position": position,
                "created_at": at(self.start, 17)}

    def _cascade(self) -> dict[tuple[str, str], int]:
        """Company objective → a rollup KR per team → team objectives → a rollup KR per theme in use.

        Returns the theme key results that people's objectives align to, by (function, theme)."""
        ceo = self.person_ids[0]
        [company] = self._objectives([self._objective_row(catalogue.COMPANY_OBJECTIVE, "company", ceo,
                                                          description=catalogue.COMPANY_DESCRIPTION)])
        functions = (*catalogue.FUNCTIONS, catalogue.POD)
        company_krs = self._key_results([self._rollup_row(company, f.company_kr, i) for i, f in enumerate(functions)])
        lead_of = {s.leads: self.person_ids[s.index] for s in self.seats if s.leads}
        team_objectives = self._objectives([
            self._objective_row(f.objective, "team", lead_of[f.team_name], team=f.team_name, aligned=kr_id)
            for f, kr_id in zip(functions, company_krs)])
        in_use = {(s.function.key, s.theme.key) for s in self.seats if s.function is not None}
        rows, keys = [], []
        for f, objective_id in zip(functions, team_objectives):
            for position, theme in enumerate(t for t in f.themes if (f.key, t.key) in in_use):
                rows.append(self._rollup_row(objective_id, theme.team_kr, position))
                keys.append((f.key, theme.key))
        return dict(zip(keys, self._key_results(rows)))

    def _personal_okrs(self, theme_krs: dict[tuple[str, str], int]) -> dict[int, list[PlannedKr]]:
        """One objective per person with a theme (two of them private), two to four key results each."""
        owners = [s for s in self.seats if s.theme is not None]
        hidden = sorted(self.rng.sample([s.index for s in owners if s.role == "employee" and s.name not in (
            DEMO_EMPLOYEE_NAME, DEMO_MANAGER_NAME)], PRIVATE_COUNT))
        private_titles = dict(zip(hidden, catalogue.PRIVATE_OBJECTIVES))
        rows = []
        for seat in owners:
            title = (private_titles.get(seat.index) or self.rng.choice(seat.theme.objectives)).format(
                account=self.rng.choice(ACCOUNTS))
            aligned = theme_krs[(seat.function.key, seat.theme.key)] if seat.function else None
            person = self.person_ids[seat.index]
            rows.append(self._objective_row(title, "person", person, owner=person, aligned=aligned,
                                            private=seat.index in private_titles))
        objective_ids = self._objectives(rows)
        plans, kr_rows, vanity_shown = {}, [], set()
        for seat, objective_id in zip(owners, objective_ids):
            plans[seat.index] = self._pick_krs(seat, vanity_shown)
            for position, kr in enumerate(plans[seat.index]):
                t = kr.template
                kr_rows.append({
                    "objective_id": objective_id, "title": kr.title, "kind": t.kind, "start_value": kr.start,
                    "target_value": kr.target, "unit": t.unit, "due": kr.due, "weight": kr.weight,
                    "position": position, "leads_to_action": not t.vanity, "reproducible": True,
                    "about_buyers": not t.vanity, "created_at": at(self.start, self.rng.randint(10, 18))})
        ids = iter(self._key_results(kr_rows))
        for krs in plans.values():
            for kr in krs:
                kr.id = next(ids)
        return plans

    def _pick_krs(self, seat: Seat, vanity_shown: set[str]) -> list[PlannedKr]:
        """Two to four of the theme's key results (never past MAX_KEY_RESULTS), usually led by the
        theme's headline one (the first template); the first person of a theme that has a vanity
        metric takes it, so the demo shows the mark; later people rarely."""
        templates = seat.theme.krs
        count = max(1, min(self.rng.randint(2, 4), current_app.config["MAX_KEY_RESULTS"], len(templates)))
        headline, rest = templates[0], [t for t in templates[1:] if not t.vanity]
        vanity = [t for t in templates if t.vanity]
        chosen = [headline] if seat.name == DEMO_EMPLOYEE_NAME or self.rng.random() < 0.7 else []
        if vanity and (seat.theme.key not in vanity_shown or self.rng.random() < 0.1):
            chosen.append(vanity[0])
            vanity_shown.add(seat.theme.key)
        pool = rest if chosen and chosen[0] is headline else [headline, *rest]
        chosen += self.rng.sample(pool, max(0, min(count - len(chosen), len(pool))))
        chosen = chosen[:count]
        krs = []
        for position, t in enumerate(chosen):
            numeric = t.kind != "milestone"
            start = t.start.pick(self.rng) if numeric else None
            target = t.target.pick(self.rng) if numeric else None
            due = None if numeric else self.start + timedelta(weeks=self.rng.randint(8, CYCLE_WEEKS), days=-1)
            weight = 2.0 if position == 0 and self.rng.random() < 0.3 else 1.0
            krs.append(PlannedKr(t, t.title_for(start, target), start, target, weight, due))
        return krs

    # --- check-ins, weekly reports and replies -------------------------------------------------

    def _weeks(self, plans: dict[int, list[PlannedKr]]) -> None:
        activity = WeeklyActivity(self.rng, self.now, self.seats, self.person_ids)
        activity.assign_profiles(list(plans))
        check_ins = activity.check_in_rows(plans)
        bulk.insert(CheckIn, check_ins)
        reports, authors = activity.report_rows(plans)
        report_ids = bulk.insert_then_ids(WeeklyReport, reports, ("person_id", "iso_week"))
        replies = activity.reply_rows(reports, authors, report_ids)
        bulk.insert(ReportReply, replies)
        self.counts.update(check_ins=len(check_ins), reports=len(reports), replies=len(replies))

    # --- snapshot and current values ----------------------------------------------------------

    def _snapshot_then_latest(self, plans: dict[int, list[PlannedKr]]) -> None:
        """Take the mid-cycle snapshot (cycles.services.take_snapshot) from the values as they stood at
        the end of week 6, dated the next morning; then move every key result on to its latest check-in."""
        krs = [kr for planned in plans.values() for kr in planned]
        self._set_current(krs, until_week=SNAPSHOT_WEEK)
        db.session.expire_all()
        take_snapshot(None, self.cycle)
        taken_at = at(self.cycle.midpoint + timedelta(days=1), 7)
        db.session.execute(sa.update(Snapshot).where(Snapshot.cycle_id == self.cycle.id).values(taken_at=taken_at))
        self.cycle.snapshot_taken_at = taken_at
        self._set_current(krs, until_week=WEEKS_BEFORE + 1)
        db.session.flush()
        db.session.expire_all()

    def _set_current(self, krs: list[PlannedKr], until_week: int) -> None:
        """Each key result's current value, confidence and last check-in as of the end of a week."""
        rows = []
        for kr in krs:
            value, confidence, when = kr.as_of(until_week)
            rows.append({"id": kr.id, "current_value": value, "confidence": confidence, "last_checkin_at": when})
        if rows:
            db.session.execute(sa.update(KeyResult), rows)

    def _logins(self) -> list[tuple[str, str, str]]:
        """One person per role to sign in as: the CEO, Sam (a sales manager), Alex (on Sam's team),
        finance (Ravi, who runs payouts), the controller (Lena, the second finance person, who approves
        them) and the admin."""
        seats = self.seats
        wanted = {"leader": seats[0], "manager": _named(seats, DEMO_MANAGER_NAME),
                  "employee": _named(seats, DEMO_EMPLOYEE_NAME),
                  "finance": _named(seats, FINANCE_NAME), "controller": _named(seats, CONTROLLER_NAME),
                  "admin": next(s for s in seats if s.role == "admin")}
        return [(role, wanted[role].name, wanted[role].email) for role in LOGIN_ROLES]


def _cycle_name(start: date) -> str:
    """Named after the quarter holding the cycle's middle (most of its weeks), e.g. 'Q4 2026'."""
    middle = start + timedelta(weeks=CYCLE_WEEKS / 2)
    return f"Q{(middle.month - 1) // 3 + 1} {middle.year} · 12 weeks from {start:%-d %b}"


def _named(seats: list[Seat], name: str) -> Seat:
    return next(s for s in seats if s.name == name)
