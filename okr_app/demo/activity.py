"""A demo cycle week by week: who filled in the check-in page when, the values and confidence they
reported, their weekly reports, and their managers' replies. Builds rows; `okr_app.demo.seed`
inserts them.

The cycle is 12 weeks long and started 8 weeks before this Monday, so today is in week 9. Week 1
is for setting OKRs; people check in from week 2, on a Thursday or Friday, and this week some time
between Monday and an hour ago. People who stalled stop after week 4, 5 or 6 (so they have been
silent for 2+ weeks); a few more have not checked in yet this week.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from okr_app.demo.catalogue import KrTemplate, fmt
from okr_app.demo.chart import DEMO_EMPLOYEE_NAME, Seat
from okr_app.demo.text import Facts, checkin_note, reply_text, weekly_text
from okr_app.demo.trajectory import (PROFILE_WEIGHTS, PROFILES, confidence_of, mood_of, progress_at,
                                     satisfaction_of, value_path)
from okr_app.domain.progress import expected_progress
from okr_app.domain.weeks import iso_week_of, monday_of

CYCLE_WEEKS = 12
WEEKS_BEFORE = 8  # the cycle started this many weeks before this Monday
FIRST_CHECKIN_WEEK = 2
SNAPSHOT_WEEK = 6
MISS_THIS_WEEK = 0.1  # share of people who have not checked in yet this week
REPLY_CHANCE = 0.3  # of a report with Problems getting an answer from the manager


def cycle_start(now: datetime) -> date:
    return monday_of(now.date()) - timedelta(weeks=WEEKS_BEFORE)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute))


@dataclass
class PlannedKr:
    """A personal key result: its numbers, then its check-ins as (week, value, confidence, when)."""

    template: KrTemplate
    title: str
    start: float | None
    target: float | None
    weight: float
    due: date | None
    id: int = 0
    history: list[tuple[int, float, str, datetime]] = field(default_factory=list)

    def as_of(self, week: int) -> tuple[float | None, str, datetime | None]:
        """(value, confidence, when) of the latest check-in up to the end of `week`."""
        seen = [entry for entry in self.history if entry[0] <= week]
        return (seen[-1][1], seen[-1][2], seen[-1][3]) if seen else (None, "on_track", None)


class WeeklyActivity:
    """Everything people did in the weeks of the cycle so far, decided up front from the seeded rng."""

    def __init__(self, rng: random.Random, now: datetime, seats: list[Seat], person_ids: list[int]) -> None:
        self.rng, self.now, self.seats, self.person_ids = rng, now, seats, person_ids
        self.start = cycle_start(now)
        self.end = self.start + timedelta(weeks=CYCLE_WEEKS, days=-1)
        self.current_week = WEEKS_BEFORE + 1
        self.week_so_far = now - datetime.combine(monday_of(now.date()), time.min)
        last_week = self.current_week if self.week_so_far > timedelta(hours=1) else self.current_week - 1
        self.weeks = list(range(FIRST_CHECKIN_WEEK, last_week + 1))
        self.team_of: dict[str, list[Seat]] = {}
        for seat in seats:
            self.team_of.setdefault(seat.team, []).append(seat)

    def assign_profiles(self, owners: list[int]) -> None:
        """Who is ahead, on track, behind or stalled, and who has not checked in yet this week; at
        least one stalled person, so the tree's "no check-in for 2+ weeks" filter shows someone."""
        self.profile = {s.index: "on_track" for s in self.seats}
        for index in owners:
            self.profile[index] = self.rng.choices(PROFILES, PROFILE_WEIGHTS)[0]
        demo_employee = next(s.index for s in self.seats if s.name == DEMO_EMPLOYEE_NAME)
        self.profile[demo_employee] = "on_track"
        if not any(self.profile[i] == "stalled" for i in owners):
            candidates = [i for i in owners if self.seats[i].role == "employee" and i != demo_employee]
            self.profile[self.rng.choice(candidates)] = "stalled"
        self.stalled_after = {i: self.rng.randint(FIRST_CHECKIN_WEEK + 2, SNAPSHOT_WEEK)
                              for i, profile in self.profile.items() if profile == "stalled"}
        self.missed_this_week = {i for i in self.profile
                                 if i in self.stalled_after or self.rng.random() < MISS_THIS_WEEK}
        self.missed_this_week.add(demo_employee)  # so the demo employee still has this week's check-in to do
        self.moments = {i: {w: self._when(w) for w in self.weeks} for i in self.profile}

    def _when(self, week: int) -> datetime:
        monday = self.start + timedelta(weeks=week - 1)
        if week == self.current_week:
            return datetime.combine(monday, time.min) + (self.week_so_far - timedelta(hours=1)) * self.rng.random()
        return at(monday + timedelta(days=self.rng.choice((3, 4))), self.rng.randint(8, 17), self.rng.randint(0, 59))

    def weeks_of(self, index: int) -> list[int]:
        """The weeks this person filled in the check-in page (key results and weekly report together)."""
        last = self.stalled_after.get(index, self.current_week)
        return [w for w in self.weeks
                if w <= last and not (w == self.current_week and index in self.missed_this_week)]

    def check_in_rows(self, plans: dict[int, list[PlannedKr]]) -> list[dict]:
        """Every check-in, also recorded in each key result's `history`."""
        rows = []
        for index, krs in plans.items():
            weeks, moments = self.weeks_of(index), self.moments[index]
            elapsed = {w: (moments[w].date() - self.start).days / (CYCLE_WEEKS * 7) for w in weeks}
            for n, kr in enumerate(krs):
                t = kr.template
                values = value_path(t.kind, kr.start, kr.target, t.precision, self.profile[index], elapsed, self.rng)
                previous, previous_confidence = None, None
                for w in weeks:
                    when = moments[w] + timedelta(seconds=20 * (n + 1))
                    progress = progress_at(t.kind, kr.start, kr.target, values[w])
                    expected = expected_progress(self.start, kr.due or self.end, when.date())
                    confidence = confidence_of(t.kind, progress, expected, self.profile[index], self.rng)
                    note = checkin_note(_direction(t.kind, previous, values[w], kr.start, kr.target), self.rng)
                    if values[w] == previous and confidence == previous_confidence and not note:
                        note = "No change this week."  # the check-in page skips an unchanged, silent update
                    rows.append({"key_result_id": kr.id, "value": values[w], "confidence": confidence, "note": note,
                                 "author_id": self.person_ids[index], "created_at": when})
                    kr.history.append((w, values[w], confidence, when))
                    previous, previous_confidence = values[w], confidence
        return rows

    def report_rows(self, plans: dict[int, list[PlannedKr]]) -> tuple[list[dict], list[Seat]]:
        """Progress / Plans / Problems for each week people checked in (a stalled person's last report
        says what blocks them), with the seat of each author."""
        rows, authors = [], []
        for seat in self.seats:
            primary = plans.get(seat.index, [None])[0]
            for w in self.weeks_of(seat.index):
                stalled = w == self.stalled_after.get(seat.index)
                mood = "rough" if stalled else mood_of(self.profile[seat.index], w, self.rng)
                facts = Facts(_first(seat), self._colleague(seat), *_kr_facts(primary, w))
                progress, plans_text, problems = weekly_text(seat.voice, mood, self.rng, facts, stalled)
                when = self.moments[seat.index][w]
                rows.append({"person_id": self.person_ids[seat.index],
                             "iso_week": iso_week_of(self.start + timedelta(weeks=w - 1)), "progress": progress,
                             "plans": plans_text, "problems": problems,
                             "satisfaction": satisfaction_of(mood, self.rng), "created_at": when, "updated_at": when})
                authors.append(seat)
        return rows, authors

    def reply_rows(self, reports: list[dict], authors: list[Seat], report_ids: list[int]) -> list[dict]:
        """Managers answer some Problems, in working hours the same or the next days (never in the future)."""
        rows = []
        for report, seat, report_id in zip(reports, authors, report_ids):
            if not report["problems"] or seat.manager is None or self.rng.random() > REPLY_CHANCE:
                continue
            day = report["created_at"].date() + timedelta(days=self.rng.choice((0, 1, 1, 2)))
            when = max(at(day, self.rng.randint(8, 18), self.rng.randint(0, 59)),
                       report["created_at"] + timedelta(hours=1))
            if when < self.now - timedelta(minutes=5):
                manager = self.seats[seat.manager]
                body = reply_text(self.rng, Facts(_first(seat), self._colleague(manager), "", ""))
                rows.append({"report_id": report_id, "author_id": self.person_ids[manager.index], "body": body,
                             "created_at": when})
        return rows

    def _colleague(self, seat: Seat) -> str:
        """The first name of someone else in the same team (the manager in a team of one)."""
        team = self.team_of[seat.team]
        if len(team) < 2:
            return _first(self.seats[seat.manager or 0])
        other = self.rng.choice(team)
        return _first(other if other.index != seat.index else team[(team.index(other) + 1) % len(team)])


def _first(seat: Seat) -> str:
    return seat.name.split()[0]


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


def _kr_facts(kr: PlannedKr | None, week: int) -> tuple[str, str]:
    """The title of a person's first key result and its value that week, as a report quotes them."""
    value, _, _ = kr.as_of(week) if kr else (None, "", None)
    if value is None:
        return "", ""
    if kr.template.kind == "milestone":
        return kr.title, "done" if value >= 1 else "not done yet"
    return kr.title, fmt(value, kr.template.style)
