"""Write a whole demo organisation into the database with bulk inserts, mid-cycle.

The cycle is 12 weeks long and started 8 weeks before this Monday, so today is in week 9 and the
mid-cycle snapshot (end of week 6) has been taken. Week 1 is for setting OKRs; every week from 2
to this one has check-ins and a weekly report, except for the people who stalled (nothing since
week 4 to 6, so 2+ weeks of silence) or have not checked in yet this week. Inserts bypass the services for speed (2,000 people in
seconds), so the data is built to satisfy their rules: one objective per person, at most
`MAX_KEY_RESULTS` per objective, dates inside the cycle and in the past, and every key result's
current value equal to its latest check-in. Flushes, never commits: the caller commits.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask import current_app

from okr_app.audit.services import record
from okr_app.cycles.services import take_snapshot
from okr_app.demo import catalogue
from okr_app.demo.catalogue import KrTemplate, fmt
from okr_app.demo.chart import DEMO_EMPLOYEE_NAME, DEMO_MANAGER_NAME, LEADERSHIP, MIN_PEOPLE, Seat, plan_org
from okr_app.demo.names import ACCOUNTS
from okr_app.demo.text import Facts, checkin_note, reply_text, weekly_text
from okr_app.demo.trajectory import (PROFILE_WEIGHTS, PROFILES, confidence_of, mood_of, progress_at,
                                     satisfaction_of, value_path)
from okr_app.domain.progress import expected_progress
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Objective, Person, ReportReply, Snapshot, Team, WeeklyReport
from okr_app.timeutil import iso_week_of, monday_of, utcnow

DEMO_PASSWORD = "demo-password"
CYCLE_WEEKS = 12
WEEKS_BEFORE = 8  # the cycle started this many weeks before this Monday
FIRST_CHECKIN_WEEK = 2  # week 1 is for setting OKRs
SNAPSHOT_WEEK = 6
MISS_THIS_WEEK = 0.1  # share of people who have not checked in yet this week
REPLY_CHANCE = 0.3  # of a report with Problems getting an answer from the manager
PRIVATE_COUNT = 2
LOGIN_ROLES = ("leader", "manager", "employee", "finance", "admin")
INSERT_CHUNK = 1000


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


@dataclass
class _Kr:
    """A personal key result being planned: its numbers, then its check-ins (week, value, confidence, at)."""

    template: KrTemplate
    title: str
    start: float | None
    target: float | None
    weight: float
    due: date | None
    id: int = 0
    history: list[tuple[int, float, str, datetime]] = field(default_factory=list)


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
        from okr_app.auth.passwords import hash_password
        password_hash = hash_password(DEMO_PASSWORD)
    return _Loader(random.Random(seed), now or utcnow(), password_hash).load(people, seed)


class _Loader:
    def __init__(self, rng: random.Random, now: datetime, password_hash: str) -> None:
        self.rng, self.now, self.password_hash = rng, now, password_hash
        this_monday = monday_of(now.date())
        self.start = this_monday - timedelta(weeks=WEEKS_BEFORE)
        self.current_week = WEEKS_BEFORE + 1
        # This week's check-ins happened between Monday 00:00 and now; in the first hour, nobody's has.
        self.week_so_far = now - datetime.combine(this_monday, time.min)
        last_week = self.current_week if self.week_so_far > timedelta(hours=1) else self.current_week - 1
        self.weeks = list(range(FIRST_CHECKIN_WEEK, last_week + 1))
        self.counts = {"objectives": 0, "key_results": 0, "check_ins": 0, "reports": 0, "replies": 0}

    def load(self, people: int, seed: int) -> DemoCompany:
        self.seats = plan_org(people, self.rng)
        self._teams()
        self._people()
        self.cycle = Cycle(name=_cycle_name(self.start), start=self.start, weeks=CYCLE_WEEKS, state="active",
                           created_at=_at(self.start - timedelta(days=10), 10))
        db.session.add(self.cycle)
        db.session.flush()
        plans = self._personal_okrs(self._cascade())
        self._assign_profiles(plans)
        self._check_ins(plans)
        self._weekly_reports(plans)
        self._snapshot_then_latest(plans)
        record(None, "demo.load", "cycle", self.cycle.id, after={"people": people, "seed": seed, **self.counts})
        db.session.flush()
        return DemoCompany(cycle_id=self.cycle.id, people=people, logins=self._logins(), **self.counts)

    # --- org ----------------------------------------------------------------------------------

    def _teams(self) -> None:
        kinds = {LEADERSHIP: "function", **{f.team_name: f.kind for f in (*catalogue.FUNCTIONS, catalogue.POD)}}
        self.team_ids = dict(db.session.execute(sa.select(Team.name, Team.id).where(Team.name.in_(kinds))).all())
        missing = [{"name": name, "kind": kind} for name, kind in kinds.items() if name not in self.team_ids]
        self.team_ids.update(zip((row["name"] for row in missing), _insert_then_ids(Team, missing, ("name",))))

    def _people(self) -> None:
        rows = [{"name": s.name, "email": s.email, "role": s.role, "team_id": self.team_ids[s.team],
                 "password_hash": self.password_hash,
                 "created_at": self.now - timedelta(days=self.rng.randint(60, 900), hours=self.rng.randint(0, 23))}
                for s in self.seats]
        self.person_ids = _insert_then_ids(Person, rows, ("email",))
        db.session.execute(sa.update(Person), [{"id": self.person_ids[s.index], "manager_id": self.person_ids[s.manager]}
                                               for s in self.seats if s.manager is not None])
        db.session.execute(sa.update(Team), [{"id": self.team_ids[s.leads], "lead_id": self.person_ids[s.index]}
                                             for s in self.seats if s.leads])

    # --- objectives and key results -----------------------------------------------------------

    def _objectives(self, rows: list[dict]) -> list[int]:
        self.counts["objectives"] += len(rows)
        return _insert_then_ids(Objective, rows, ("owner_type", "owner_person_id", "team_id"))

    def _key_results(self, rows: list[dict]) -> list[int]:
        self.counts["key_results"] += len(rows)
        return _insert_then_ids(KeyResult, rows, ("objective_id", "position"))

    def _objective_row(self, title: str, owner_type: str, created_by: int, *, owner: int | None = None,
                       team: str | None = None, aligned: int | None = None, private: bool = False,
                       description: str = "") -> dict:
        return {"cycle_id": self.cycle.id, "title": title, "owner_type": owner_type, "owner_person_id": owner,
                "team_id": self.team_ids[team] if team else None, "aligned_kr_id": aligned, "private": private,
                "description": description, "created_by_id": created_by,
                "created_at": _at(self.start, self.rng.randint(9, 17), self.rng.randint(0, 59))}

    def _rollup_row(self, objective_id: int, title: str, position: int) -> dict:
        return {"objective_id": objective_id, "title": title, "kind": "rollup", "position": position,
                "created_at": _at(self.start, 17)}

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

    def _personal_okrs(self, theme_krs: dict[tuple[str, str], int]) -> dict[int, list[_Kr]]:
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
                    "about_buyers": not t.vanity, "created_at": _at(self.start, self.rng.randint(10, 18))})
        ids = iter(self._key_results(kr_rows))
        for krs in plans.values():
            for kr in krs:
                kr.id = next(ids)
        return plans

    def _pick_krs(self, seat: Seat, vanity_shown: set[str]) -> list[_Kr]:
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
            krs.append(_Kr(t, t.title_for(start, target), start, target, weight, due))
        return krs

    # --- check-ins and weekly reports ---------------------------------------------------------

    def _assign_profiles(self, plans: dict[int, list[_Kr]]) -> None:
        """Who is ahead, on track, behind or stalled, and who has not checked in yet this week; at
        least one stalled person, so the tree's filter has someone to show."""
        self.profile = {s.index: "on_track" for s in self.seats}
        for index in plans:
            self.profile[index] = self.rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        demo_employee = _named(self.seats, DEMO_EMPLOYEE_NAME).index
        self.profile[demo_employee] = "on_track"
        if not any(self.profile[i] == "stalled" for i in plans):
            candidates = [i for i in plans if self.seats[i].role == "employee" and i != demo_employee]
            self.profile[self.rng.choice(candidates)] = "stalled"
        self.stalled_after = {i: self.rng.randint(FIRST_CHECKIN_WEEK + 2, SNAPSHOT_WEEK)
                              for i, p in self.profile.items() if p == "stalled"}
        self.missed_this_week = {i for i in self.profile if i in self.stalled_after or self.rng.random() < MISS_THIS_WEEK}
        self.missed_this_week.add(demo_employee)  # so the demo employee still has this week's check-in to do
        self.moments = {i: {w: self._when(w) for w in self.weeks} for i in self.profile}

    def _when(self, week: int) -> datetime:
        """When someone filled in a week's check-in page: Thursday or Friday working hours in past
        weeks; a moment between Monday 00:00 and an hour ago in the current week."""
        monday = self.start + timedelta(weeks=week - 1)
        if week == self.current_week:
            return datetime.combine(monday, time.min) + (self.week_so_far - timedelta(hours=1)) * self.rng.random()
        return _at(monday + timedelta(days=self.rng.choice((3, 4))), self.rng.randint(8, 17), self.rng.randint(0, 59))

    def _weeks_of(self, index: int) -> list[int]:
        """The weeks this person filled in the check-in page (key results and weekly report together)."""
        last = self.stalled_after.get(index, self.current_week)
        return [w for w in self.weeks if w <= last and not (w == self.current_week and index in self.missed_this_week)]

    def _check_ins(self, plans: dict[int, list[_Kr]]) -> None:
        rows = []
        for index, krs in plans.items():
            weeks = self._weeks_of(index)
            moments = self.moments[index]
            elapsed = {w: (moments[w].date() - self.start).days / (CYCLE_WEEKS * 7) for w in weeks}
            for n, kr in enumerate(krs):
                t = kr.template
                values = value_path(t.kind, kr.start, kr.target, t.precision, self.profile[index], elapsed, self.rng)
                previous, previous_confidence = None, None
                for w in weeks:
                    at = moments[w] + timedelta(seconds=20 * (n + 1))
                    progress = progress_at(t.kind, kr.start, kr.target, values[w])
                    expected = expected_progress(self.start, kr.due or self.cycle.end, at.date())
                    confidence = confidence_of(t.kind, progress, expected, self.profile[index], self.rng)
                    note = checkin_note(_direction(t.kind, previous, values[w], kr.start, kr.target), self.rng)
                    if values[w] == previous and confidence == previous_confidence and not note:
                        note = "No change this week."  # the check-in page skips an unchanged, silent update
                    rows.append({"key_result_id": kr.id, "value": values[w], "confidence": confidence, "note": note,
                                 "author_id": self.person_ids[index], "created_at": at})
                    kr.history.append((w, values[w], confidence, at))
                    previous, previous_confidence = values[w], confidence
        _insert(CheckIn, rows)
        self.counts["check_ins"] = len(rows)

    def _weekly_reports(self, plans: dict[int, list[_Kr]]) -> None:
        """Progress / Plans / Problems in each week people checked in (a stalled person's last report
        says what blocks them). Managers answer some of the Problems."""
        team_of: dict[str, list[Seat]] = {}
        for seat in self.seats:
            team_of.setdefault(seat.team, []).append(seat)
        rows, authors = [], []
        for seat in self.seats:
            primary = plans.get(seat.index, [None])[0]
            for w in self._weeks_of(seat.index):
                stalled = w == self.stalled_after.get(seat.index)
                mood = "rough" if stalled else mood_of(self.profile[seat.index], w, self.rng)
                facts = Facts(_first(seat), self._colleague(seat, team_of), *_kr_facts(primary, w))
                progress, plans_text, problems = weekly_text(seat.voice, mood, self.rng, facts, stalled)
                at = self.moments[seat.index][w]
                rows.append({"person_id": self.person_ids[seat.index],
                             "iso_week": iso_week_of(self.start + timedelta(weeks=w - 1)), "progress": progress,
                             "plans": plans_text, "problems": problems, "satisfaction": satisfaction_of(mood, self.rng),
                             "created_at": at, "updated_at": at})
                authors.append(seat)
        report_ids = _insert_then_ids(WeeklyReport, rows, ("person_id", "iso_week"))
        replies = []
        for seat, report_id, row in zip(authors, report_ids, rows):
            if not row["problems"] or seat.manager is None or self.rng.random() > REPLY_CHANCE:
                continue
            day = row["created_at"].date() + timedelta(days=self.rng.choice((0, 1, 1, 2)))
            at = max(_at(day, self.rng.randint(8, 18), self.rng.randint(0, 59)), row["created_at"] + timedelta(hours=1))
            if at < self.now - timedelta(minutes=5):
                manager = self.seats[seat.manager]
                body = reply_text(self.rng, Facts(_first(seat), self._colleague(manager, team_of), "", ""))
                replies.append({"report_id": report_id, "author_id": self.person_ids[manager.index], "body": body,
                                "created_at": at})
        _insert(ReportReply, replies)
        self.counts["reports"], self.counts["replies"] = len(rows), len(replies)

    def _colleague(self, seat: Seat, team_of: dict[str, list[Seat]]) -> str:
        """The first name of someone else in the same team (the manager in a team of one)."""
        team = team_of[seat.team]
        if len(team) < 2:
            return _first(self.seats[seat.manager or 0])
        other = self.rng.choice(team)
        return _first(other if other.index != seat.index else team[(team.index(other) + 1) % len(team)])

    # --- snapshot and current values ----------------------------------------------------------

    def _snapshot_then_latest(self, plans: dict[int, list[_Kr]]) -> None:
        """Take the mid-cycle snapshot (cycles.services.take_snapshot) from the values as they stood at
        the end of week 6, dated the next morning; then move every key result on to its latest check-in."""
        krs = [kr for planned in plans.values() for kr in planned]
        self._set_current(krs, until_week=SNAPSHOT_WEEK)
        db.session.expire_all()
        take_snapshot(None, self.cycle)
        taken_at = _at(self.cycle.midpoint + timedelta(days=1), 7)
        db.session.execute(sa.update(Snapshot).where(Snapshot.cycle_id == self.cycle.id).values(taken_at=taken_at))
        self.cycle.snapshot_taken_at = taken_at
        self._set_current(krs, until_week=self.current_week)
        db.session.flush()
        db.session.expire_all()

    def _set_current(self, krs: list[_Kr], until_week: int) -> None:
        rows = []
        for kr in krs:
            seen = [entry for entry in kr.history if entry[0] <= until_week]
            _, value, confidence, at = seen[-1] if seen else (None, None, "on_track", None)
            rows.append({"id": kr.id, "current_value": value, "confidence": confidence, "last_checkin_at": at})
        if rows:
            db.session.execute(sa.update(KeyResult), rows)

    def _logins(self) -> list[tuple[str, str, str]]:
        """One person per role to sign in as: the CEO, Sam (a sales manager), Alex (on Sam's team),
        finance and the admin."""
        seats = self.seats
        wanted = {"leader": seats[0], "manager": _named(seats, DEMO_MANAGER_NAME),
                  "employee": _named(seats, DEMO_EMPLOYEE_NAME),
                  "finance": next(s for s in seats if s.role == "finance"),
                  "admin": next(s for s in seats if s.role == "admin")}
        return [(role, wanted[role].name, wanted[role].email) for role in LOGIN_ROLES]


def _insert(model, rows: list[dict]) -> None:
    """Multi-row Core INSERTs (executemany, column defaults applied), a chunk at a time."""
    for offset in range(0, len(rows), INSERT_CHUNK):
        db.session.execute(model.__table__.insert(), rows[offset:offset + INSERT_CHUNK])


def _insert_then_ids(model, rows: list[dict], keys: tuple[str, ...]) -> list[int]:
    """Insert, then read the new ids back by a key unique among the new rows, in row order.

    Cheaper than INSERT ... RETURNING with ordered ids, which SQLite runs one row at a time."""
    if not rows:
        return []
    before = db.session.scalar(sa.select(sa.func.max(model.id))) or 0
    _insert(model, rows)
    columns = [getattr(model, key) for key in keys]
    found = {tuple(found_row[:-1]): found_row[-1]
             for found_row in db.session.execute(sa.select(*columns, model.id).where(model.id > before))}
    return [found[tuple(row.get(key) for key in keys)] for row in rows]


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


def _cycle_name(start: date) -> str:
    return f"Q{(start.month - 1) // 3 + 1} {start.year} · 12 weeks from {start:%-d %b}"


def _first(seat: Seat) -> str:
    return seat.name.split()[0]


def _named(seats: list[Seat], name: str) -> Seat:
    return next(s for s in seats if s.name == name)


def _direction(kind: str, previous: float | None, value: float, start: float | None, target: float | None) -> str:
    """Which way a check-in moved the key result: first, up (better), down (worse), flat, or done."""
    if kind == "milestone" and value >= 1 > (previous or 0):
        return "done"
    if previous is None:
        return "first"
    if kind == "milestone" or value == previous:
        return "flat"
    if kind in ("increase", "decrease"):
        better = (value - previous) * ((target or 0) - (start or 0)) > 0
    else:
        better = value > previous if kind == "stay_above" else value < previous
    return "up" if better else "down"


def _kr_facts(kr: _Kr | None, week: int) -> tuple[str, str]:
    """The title of a person's first key result and its value that week, as a report quotes them."""
    known = [value for w, value, _, _ in (kr.history if kr else []) if w <= week]
    if not known:
        return "", ""
    if kr.template.kind == "milestone":
        return kr.title, "done" if known[-1] >= 1 else "not done yet"
    return kr.title, fmt(known[-1], kr.template.style)
