"""Builders for test data: each makes one thing with sensible defaults and commits it."""
from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import lru_cache

from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, KeyResult, Objective, PayoutImport, Person, RosterRep, Team, WeeklyReport
from okr_app.clock import today, utcnow
from okr_app.domain.weeks import iso_week_of, monday_of

_seq = itertools.count(1)


@lru_cache(maxsize=1)
def password_hash() -> str:
    from okr_app.auth.passwords import hash_password

    return hash_password(Builders.PASSWORD)


class Builders:
    PASSWORD = "correct-horse-battery"

    def team(self, name: str | None = None, kind: str = "function") -> Team:
        team = Team(name=name or f"Team {next(_seq)}", kind=kind)
        db.session.add(team)
        db.session.commit()
        return team

    def person(self, name: str | None = None, role: str = "employee", manager: Person | None = None,
               team: Team | None = None, email: str | None = None, password: bool = True) -> Person:
        n = next(_seq)
        person = Person(name=name or f"Person {n}", email=email or f"person{n}@example.com", role=role,
                        manager_id=manager.id if manager else None, team_id=team.id if team else None,
                        password_hash=password_hash() if password else None)
        db.session.add(person)
        db.session.commit()
        return person

    def cycle(self, name: str | None = None, start: date | None = None, weeks: int = 12,
              state: str = "active") -> Cycle:
        """Default: an active 12-week cycle that started on the Monday three weeks ago."""
        start = start or monday_of(today()) - timedelta(weeks=3)
        cycle = Cycle(name=name or f"Cycle {next(_seq)}", start=start, weeks=weeks, state=state)
        db.session.add(cycle)
        db.session.commit()
        return cycle

    def objective(self, cycle: Cycle, owner: Person | None = None, team: Team | None = None,
                  company: bool = False, title: str | None = None, aligned_to: KeyResult | None = None,
                  private: bool = False) -> Objective:
        owner_type = "company" if company else "team" if team else "person"
        objective = Objective(cycle_id=cycle.id, title=title or f"Objective {next(_seq)}", owner_type=owner_type,
                              owner_person_id=owner.id if owner and owner_type == "person" else None,
                              team_id=team.id if team else None,
                              aligned_kr_id=aligned_to.id if aligned_to else None, private=private)
        db.session.add(objective)
        db.session.commit()
        return objective

    def key_result(self, objective: Objective, kind: str = "increase", start: float | None = 0.0,
                   target: float | None = 100.0, current: float | None = None, weight: float = 1.0,
                   title: str | None = None, confidence: str = "on_track", unit: str = "",
                   due: date | None = None) -> KeyResult:
        if kind in ("milestone", "rollup"):
            start, target = None, None
        kr = KeyResult(objective_id=objective.id, title=title or f"KR {next(_seq)}", kind=kind,
                       start_value=start, target_value=target, weight=weight, confidence=confidence,
                       unit=unit, due=due)
        db.session.add(kr)
        db.session.flush()
        if current is not None:
            db.session.add(CheckIn(key_result_id=kr.id, value=current, confidence=confidence))
            kr.current_value, kr.last_checkin_at = current, utcnow()
        db.session.commit()
        return kr

    def weekly(self, person: Person, week: str | None = None, satisfaction: int = 4, problems: str = "",
               progress: str = "Shipped things", plans: str = "Ship more") -> WeeklyReport:
        report = WeeklyReport(person_id=person.id, iso_week=week or iso_week_of(today()), progress=progress,
                              plans=plans, problems=problems, satisfaction=satisfaction)
        db.session.add(report)
        db.session.commit()
        return report

    def roster_rep(self, rep_id: str, person: Person, period: str = "2026-Q1", plan: str = "ae-80-20") -> RosterRep:
        """A rep on a quarter's roster with this person's e-mail: Cadence then knows the person is that rep."""
        batch = PayoutImport(kind="roster", file_name="roster.csv", sha256="0" * 64, period=period)
        db.session.add(batch)
        db.session.flush()
        rep = RosterRep(period=period, rep_id=rep_id, name=person.name, email=person.email.upper(), plan=plan,
                        import_id=batch.id, line=2)
        db.session.add(rep)
        db.session.commit()
        return rep
