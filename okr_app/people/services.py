"""People and teams: the verbs the admin pages, the CSV import and `cadence users` all call.

`actor` is the signed-in admin, or None for the `cadence` CLI (whoever runs it already holds the
server and its database). Rules kept here and nowhere else: emails are unique and stored in lower
case; a manager must be an active person and must not make the org chart loop; a role change,
a deactivation or a new password ends that person's other sessions (their `session_version`
moves on); the last active admin cannot be demoted or deactivated; a deactivated person's API
tokens are revoked. Every change is audited with before and after values.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from okr_app.domain import limits
from okr_app.api.tokens import revoke_tokens
from okr_app.audit.services import record
from okr_app.auth.passwords import hash_password, password_problem
from okr_app.errors import InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import ROLES, TEAM_KINDS, Person, Team
from okr_app.org import manager_chain_ids, would_create_cycle
from okr_app.policy import Actor, can_manage_people

MAX_EMAIL = limits.EMAIL.max
MAX_NAME = limits.PERSON_NAME.max
MAX_PASSWORD = limits.PASSWORD.max


class PersonRejected(InvalidInput):
    """A value for one field of a person or team breaks a rule; `field` lets a form show it in place."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class _Keep:
    """Marker for 'leave this field as it is' where None means 'none' (no manager, no team)."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()


# --- field rules (shared with the CSV import) --------------------------------------------------

def clean_email(text: str | None, field: str = "email") -> str:
    text = (text or "").strip()
    if not text:
        raise PersonRejected(field, "An email address is required.")
    if len(text) > MAX_EMAIL:
        raise PersonRejected(field, f"An email address is at most {MAX_EMAIL} characters.")
    try:
        validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise PersonRejected(field, f"{text!r} is not a valid email address.") from None
    return text.lower()


def clean_text(text: str | None, field: str, what: str, required: bool = True, max_length: int = MAX_NAME) -> str:
    """Trimmed, printable, bounded text (control characters would break exports and PostgreSQL)."""
    text = (text or "").strip()
    if not text:
        if required:
            raise PersonRejected(field, f"{what} is required.")
        return ""
    if len(text) > max_length:
        raise PersonRejected(field, f"{what} is at most {max_length} characters.")
    if limits.control_characters_in(text) or "\n" in text or "\r" in text or "\t" in text:
        raise PersonRejected(field, f"{what} contains control characters.")
    return text


def clean_role(text: str | None, field: str = "role") -> str:
    """A blank role means employee."""
    role = (text or "").strip().lower() or "employee"
    if role not in ROLES:
        raise PersonRejected(field, f"Unknown role {text!r}; the roles are {', '.join(ROLES)}.")
    return role


def check_password(password: str, field: str = "password", email: str = "", name: str = "") -> str:
    """The password, when `okr_app.auth.passwords` accepts it for the person with this email and name."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise PersonRejected(field, problem)
    return password


# --- lookups ------------------------------------------------------------------------------------

def person_by_email(email: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email.strip().lower()))


def get_person(email: str) -> Person:
    person = person_by_email(email)
    if person is None:
        raise NotFound(f"Nobody with the email {email!r}.")
    return person


def team_by_name(name: str) -> Team | None:
    return db.session.scalar(sa.select(Team).where(sa.func.lower(Team.name) == name.strip().lower()))


def get_team(name: str, field: str = "team") -> Team:
    team = team_by_name(name)
    if team is None:
        known = ", ".join(db.session.scalars(sa.select(Team.name).order_by(Team.name))) or "none yet"
        raise PersonRejected(field, f"No team called {name!r} (teams: {known}); add it first "
                                    "(People → Teams, or `cadence teams add`).")
    return team


def usable_manager(manager: Person | None, field: str = "manager") -> Person | None:
    if manager is not None and not manager.active:
        raise PersonRejected(field, f"{manager.email} is deactivated and cannot manage anyone.")
    return manager


def _require_admin(actor: Actor | None) -> None:
    if actor is not None and not can_manage_people(actor):
        raise NotAllowed("Only admins manage people, teams and roles.")


def _person_of(actor: Actor | None) -> Person | None:
    return actor.person if actor is not None else None


def _other_active_admins(person: Person) -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)).where(
        Person.role == "admin", Person.active.is_(True), Person.id != person.id)) or 0


# --- verbs ----------------------------------------------------------------------------------------

def add_person(actor: Actor | None, *, email: str, name: str, role: str = "employee",
               manager: Person | None = None, team: Team | None = None, password: str | None = None) -> Person:
    _require_admin(actor)
    email = clean_email(email)
    if person_by_email(email) is not None:
        raise PersonRejected("email", f"{email} already belongs to someone in Cadence.")
    name = clean_text(name, "name", "A name")
    person = Person(email=email, name=name, role=clean_role(role),
                    manager_id=usable_manager(manager).id if manager else None,
                    team_id=team.id if team else None,
                    password_hash=hash_password(check_password(password, email=email, name=name)) if password else None)
    db.session.add(person)
    db.session.flush()
    record(_person_of(actor), "person.create", "person", person.id, after=describe(person))
    return person


def describe(person: Person) -> dict:
    """What the audit trail keeps of a person: readable values, not ids."""
    manager = db.session.get(Person, person.manager_id) if person.manager_id else None
    team = db.session.get(Team, person.team_id) if person.team_id else None
    return {"email": person.email, "name": person.name, "role": person.role,
            "manager": manager.email if manager else None, "team": team.name if team else None,
            "active": person.active}


def update_person(actor: Actor | None, person: Person, *, name: str | None = None, email: str | None = None,
                  role: str | None = None, manager: Person | None | _Keep = KEEP,
                  team: Team | None | _Keep = KEEP, active: bool | None = None) -> Person:
    """Apply the given changes (None / KEEP leave a field alone), each audited."""
    _require_admin(actor)
    if role is not None:
        set_role(actor, person, role)
    if active is False and person.active:
        deactivate(actor, person)
    elif active is True and not person.active:
        reactivate(actor, person)
    before = describe(person)
    if name is not None:
        person.name = clean_text(name, "name", "A name")
    if email is not None:
        email = clean_email(email)
        other = person_by_email(email)
        if other is not None and other.id != person.id:
            raise PersonRejected("email", f"{email} already belongs to {other.name}.")
        person.email = email
    if not isinstance(manager, _Keep) and (manager.id if manager else None) != person.manager_id:
        set_manager(person, manager)
    if not isinstance(team, _Keep):
        person.team_id = team.id if team else None
    after = describe(person)
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        record(_person_of(actor), "person.update", "person", person.id,
               before={key: before[key] for key in changed}, after={key: after[key] for key in changed})
    db.session.flush()
    return person


def set_manager(person: Person, manager: Person | None) -> None:
    """Refuses a manager who would make the chart loop (someone below this person, or themselves)."""
    usable_manager(manager)
    new_id = manager.id if manager else None
    if would_create_cycle(person.id, new_id):
        raise PersonRejected("manager", f"{manager.name} reports to {person.name} (directly or further down); "
                                        "making them the manager would make the org chart loop.")
    person.manager_id = new_id


def set_role(actor: Actor | None, person: Person, role: str) -> Person:
    """A new role takes effect at once: the person's existing sessions end."""
    _require_admin(actor)
    role = clean_role(role)
    if role == person.role:
        return person
    if person.role == "admin" and person.active and _other_active_admins(person) == 0:
        raise PersonRejected("role", f"{person.name} is the last active admin; make someone else admin first.")
    before = person.role
    person.role = role
    person.session_version += 1
    record(_person_of(actor), "person.role", "person", person.id, before=before, after=role)
    db.session.flush()
    return person


def deactivate(actor: Actor | None, person: Person) -> list[Person]:
    """Ends their sessions and revokes their API tokens; returns the active people still reporting
    to them, who need a new manager."""
    _require_admin(actor)
    if not person.active:
        return active_reports(person)
    if person.role == "admin" and _other_active_admins(person) == 0:
        raise PersonRejected("active", f"{person.name} is the last active admin; make someone else admin first.")

    person.active = False
    person.session_version += 1
    revoked = revoke_tokens(person, actor=_person_of(actor))
    record(_person_of(actor), "person.deactivate", "person", person.id, before="active",
           after={"active": False, "tokens_revoked": revoked})
    db.session.flush()
    return active_reports(person)


def reactivate(actor: Actor | None, person: Person) -> Person:
    _require_admin(actor)
    if not person.active:
        person.active = True
        record(_person_of(actor), "person.reactivate", "person", person.id, before="deactivated", after="active")
        db.session.flush()
    return person


def set_password(actor: Actor | None, person: Person, password: str) -> Person:
    """An admin (or the CLI) sets someone's password; their other sessions end."""
    _require_admin(actor)
    person.password_hash = hash_password(check_password(password, email=person.email, name=person.name))
    person.session_version += 1
    record(_person_of(actor), "person.password", "person", person.id, after="password set")
    db.session.flush()
    return person


def create_team(actor: Actor | None, name: str, kind: str = "function") -> Team:
    """A function (sales, marketing, ...) or a cross-functional pod; names are unique, any case."""
    _require_admin(actor)
    name = clean_text(name, "name", "A team name")
    if kind not in TEAM_KINDS:
        raise PersonRejected("kind", f"A team is a {' or a '.join(TEAM_KINDS)}, not {kind!r}.")
    if team_by_name(name) is not None:
        raise PersonRejected("name", f"There is already a team called {name!r}.")
    team = Team(name=name, kind=kind)
    db.session.add(team)
    db.session.flush()
    record(_person_of(actor), "team.create", "team", team.id, after={"name": name, "kind": kind})
    return team


def active_reports(person: Person) -> list[Person]:
    return list(db.session.scalars(sa.select(Person).where(Person.manager_id == person.id,
                                                           Person.active.is_(True)).order_by(Person.name)))


# --- reading ------------------------------------------------------------------------------------

def search_people(actor: Actor, query: str = "", include_inactive: bool = False,
                  limit: int = 200) -> tuple[list[Person], int]:
    """People whose name, email or team contains the query (any case), and how many match in all."""
    _require_admin(actor)
    where = []
    query = (query or "").strip().lower()
    if query:
        where.append(sa.or_(sa.func.lower(Person.name).contains(query, autoescape=True),
                            sa.func.lower(Person.email).contains(query, autoescape=True),
                            sa.func.lower(Team.name).contains(query, autoescape=True)))
    if not include_inactive:
        where.append(Person.active.is_(True))
    base = sa.select(Person).outerjoin(Team, Person.team_id == Team.id).where(*where)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    people = db.session.scalars(base.options(sa.orm.selectinload(Person.team), sa.orm.selectinload(Person.manager))
                                .order_by(sa.func.lower(Person.name), Person.id).limit(limit))
    return list(people), total


def list_teams(actor: Actor | None) -> list[tuple[Team, int]]:
    """Every team with its number of active members."""
    _require_admin(actor)
    members = (sa.select(sa.func.count(Person.id)).where(Person.team_id == Team.id, Person.active.is_(True))
               .correlate(Team).scalar_subquery())
    return [(team, count) for team, count in db.session.execute(
        sa.select(Team, members).order_by(sa.func.lower(Team.name)))]


@dataclass(frozen=True)
class Profile:
    """A person in the org chart: who they are, who is above them, who reports to them."""

    person: Person
    team: Team | None
    chain: list[Person]  # top of the chart first, their direct manager last
    reports: list[Person]
    teammates: int


def profile(person_id: int) -> Profile:
    """Any signed-in person may see this: the org chart is not a secret inside the company."""
    person = db.session.get(Person, person_id)
    if person is None:
        raise NotFound("No such person.")
    chain_ids = manager_chain_ids(person.id)
    above = {p.id: p for p in db.session.scalars(sa.select(Person).where(Person.id.in_(chain_ids)))}
    reports = list(db.session.scalars(sa.select(Person).where(Person.manager_id == person.id)
                                      .order_by(Person.active.desc(), sa.func.lower(Person.name))))
    teammates = 0
    if person.team_id is not None:
        teammates = db.session.scalar(sa.select(sa.func.count(Person.id)).where(
            Person.team_id == person.team_id, Person.active.is_(True), Person.id != person.id)) or 0
    return Profile(person=person, team=person.team, chain=[above[i] for i in reversed(chain_ids) if i in above],
                   reports=reports, teammates=teammates)


def manager_choices() -> list[tuple[int, str]]:
    """Active people for a manager picker, by name."""
    rows = db.session.execute(sa.select(Person.id, Person.name, Person.email).where(Person.active.is_(True))
                              .order_by(sa.func.lower(Person.name)))
    return [(pid, f"{name} <{email}>") for pid, name, email in rows]


def team_choices() -> list[tuple[int, str]]:
    return [(tid, name) for tid, name in db.session.execute(
        sa.select(Team.id, Team.name).order_by(sa.func.lower(Team.name)))]
