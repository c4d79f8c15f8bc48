"""`people.csv` import: everyone in the file is added, or nobody is.

Columns (header on line 1, any order, any case): email, name, role, manager_email, team, and
optionally password. A blank role means employee; a blank manager_email or team means none. A
manager is found among the rows of the same file or among the active people already in Cadence;
a team must already exist (a typo would otherwise create a stray team silently). The whole file
is checked before anything is written, and every problem is reported as `file:line: field:
message` (line 1 is the header; a quoted value spanning lines counts from the line it starts on).
Files over MAX_IMPORT_BYTES are refused before they are read.
"""
from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import sqlalchemy as sa

from okr_app.audit.services import record
from okr_app.auth.passwords import hash_password
from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import Person, Team
from okr_app.people.services import (PersonRejected, _person_of, _require_admin, check_password, clean_email,
                                     clean_role, clean_text, describe)
from okr_app.policy import Actor

COLUMNS = ("email", "name", "role", "manager_email", "team")
OPTIONAL_COLUMNS = ("password",)
_CHUNK = 64 * 1024
_LOOKUP_BATCH = 500


@dataclass(frozen=True, order=True)
class Problem:
    """One reason the file was refused, where a person can find it."""

    file: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class ImportRejected(InvalidInput):
    """The file was refused whole; `problems` lists every bad row and field."""

    def __init__(self, file: str, problems: list[Problem]) -> None:
        self.file = file
        self.problems = sorted(problems, key=lambda p: (p.line, _field_order(p.field)))
        count = len(self.problems)
        super().__init__(f"{file}: nothing imported; {count} problem{'s' if count != 1 else ''}:\n"
                         + "\n".join(str(problem) for problem in self.problems))


class FileTooLarge(InvalidInput):
    status = 413

    def __init__(self, file: str, limit: int) -> None:
        super().__init__(f"{file} is larger than the import limit of {_size(limit)} "
                         "(CADENCE_MAX_IMPORT_BYTES); nothing imported. Split the file or raise the limit.")


@dataclass
class ImportResult:
    file: str
    people: list[Person] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str = ""
    name: str = ""
    role: str = "employee"
    manager_email: str = ""
    team: str = ""
    password: str = ""


# --- reading the bytes, with the size limit -------------------------------------------------------

def read_limited(stream: BinaryIO, max_bytes: int, file: str) -> bytes:
    """At most `max_bytes` read into memory: a larger stream is refused as soon as it shows it."""
    chunks, total = [], 0
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        total += len(chunk)
        if total > max_bytes:
            raise FileTooLarge(file, max_bytes)
        chunks.append(chunk)


def import_people_file(actor: Actor | None, path: str | os.PathLike, max_bytes: int) -> ImportResult:
    """The CLI's door: the size is checked on disk before the file is opened."""
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise FileTooLarge(path.name, max_bytes)
        with path.open("rb") as stream:
            data = read_limited(stream, max_bytes, path.name)
    except OSError as exc:
        raise InvalidInput(f"Cannot read {path}: {exc.strerror or exc}.") from None
    return import_people(actor, data, path.name)


def import_people_stream(actor: Actor | None, stream: BinaryIO, file: str, max_bytes: int) -> ImportResult:
    """The web upload's door."""
    return import_people(actor, read_limited(stream, max_bytes, file), file)


# --- checking and writing -----------------------------------------------------------------------

def import_people(actor: Actor | None, data: bytes, file: str) -> ImportResult:
    """Check every row, then add everyone in one flush; ImportRejected (nothing written) otherwise."""
    _require_admin(actor)
    header, raw_rows, problems = _parse(data, file)
    if problems:
        raise ImportRejected(file, problems)
    rows = [_check_row(header, line, fields, file, problems) for line, fields in raw_rows]
    if not rows:
        problems.append(Problem(file, 1, "file", "no people in the file (only a header)"))
    _check_duplicates(rows, file, problems)
    managers = _check_managers(rows, file, problems)
    teams = _check_teams(rows, file, problems)
    if problems:
        raise ImportRejected(file, problems)
    return _write(actor, rows, managers, teams, file)


def _parse(data: bytes, file: str) -> tuple[list[str], list[tuple[int, list[str]]], list[Problem]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        return [], [], [Problem(file, line, "file", "not UTF-8 text (save the CSV as UTF-8)")]
    if "\x00" in text:
        line = text[:text.index("\x00")].count("\n") + 1
        return [], [], [Problem(file, line, "file", "contains a NUL byte: this is not a text CSV file")]
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        header = next(reader, None)
        if header is None:
            return [], [], [Problem(file, 1, "header", f"the file is empty; expected {','.join(COLUMNS)}")]
        header_problems = _check_header(header, file)
        if header_problems:
            return [], [], header_problems
        start = reader.line_num + 1
        for fields in reader:
            line, start = start, reader.line_num + 1
            if any(value.strip() for value in fields):
                rows.append((line, fields))
    except csv.Error as exc:
        return [], [], [Problem(file, start, "file", f"not readable as CSV ({exc})")]
    return [name.strip().lower() for name in header], rows, []


def _check_header(header: list[str], file: str) -> list[Problem]:
    names = [name.strip().lower() for name in header]
    problems = []
    missing = [name for name in COLUMNS if name not in names]
    if missing:
        problems.append(Problem(file, 1, "header", f"missing column{'s' if len(missing) > 1 else ''} "
                                                   f"{', '.join(missing)} (expected {','.join(COLUMNS)}"
                                                   f"[,{','.join(OPTIONAL_COLUMNS)}])"))
    unknown = [name for name in names if name not in COLUMNS + OPTIONAL_COLUMNS]
    if unknown:
        problems.append(Problem(file, 1, "header", f"unknown column{'s' if len(unknown) > 1 else ''} "
                                                   f"{', '.join(repr(n) for n in unknown)}"))
    repeated = sorted({name for name in names if names.count(name) > 1 and name})
    if repeated:
        problems.append(Problem(file, 1, "header", f"column{'s' if len(repeated) > 1 else ''} "
                                                   f"{', '.join(repeated)} "
                                                   f"appear{'' if len(repeated) > 1 else 's'} more than once"))
    return problems


def _check_row(header: list[str], line: int, fields: list[str], file: str, problems: list[Problem]) -> _Row:
    row = _Row(line)
    if len(fields) != len(header):
        problems.append(Problem(file, line, "row", f"has {len(fields)} fields; the header has {len(header)}"))
        return row
    values = dict(zip(header, fields))

    def take(name: str, clean) -> str:
        try:
            return clean(values.get(name, ""))
        except PersonRejected as exc:
            problems.append(Problem(file, line, name, exc.message))
            return ""

    row.email = take("email", clean_email)
    row.name = take("name", lambda v: clean_text(v, "name", "A name"))
    row.role = take("role", clean_role)
    row.manager_email = take("manager_email", lambda v: v.strip().lower()[:254])
    row.team = take("team", lambda v: clean_text(v, "team", "A team name", required=False))
    row.password = take("password", lambda v: check_password(v, email=row.email or "", name=row.name or "") if v else "")
    return row


def _check_duplicates(rows: list[_Row], file: str, problems: list[Problem]) -> None:
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.email:
            continue
        if row.email in first_line:
            problems.append(Problem(file, row.line, "email",
                                    f"{row.email} appears again (first on line {first_line[row.email]})"))
        else:
            first_line[row.email] = row.line
    existing = _existing_people([row.email for row in rows if row.email])
    for row in rows:
        if row.email in existing and first_line.get(row.email) == row.line:
            problems.append(Problem(file, row.line, "email", f"{row.email} is already in Cadence "
                                                             "(change existing people on the People page)"))


def _check_managers(rows: list[_Row], file: str, problems: list[Problem]) -> dict[str, Person]:
    """Managers outside the file must be active people in Cadence; inside it, the chart must not loop."""
    in_file = {row.email: row for row in rows if row.email}
    outside = _existing_people([row.manager_email for row in rows
                                if row.manager_email and row.manager_email not in in_file])
    for row in rows:
        manager = row.manager_email
        if not manager or manager in in_file:
            continue
        if manager not in outside:
            problems.append(Problem(file, row.line, "manager_email",
                                    f"{manager} is neither in this file nor in Cadence"))
        elif not outside[manager].active:
            problems.append(Problem(file, row.line, "manager_email", f"{manager} is deactivated"))
    reported: set[str] = set()
    for row in rows:
        loop = _loop_through(row.email, in_file)
        if loop and row.email not in reported:
            reported.update(loop[:-1])
            text = " → ".join(loop)
            for email in loop[:-1]:
                member = in_file[email]
                message = ("a person cannot be their own manager" if len(loop) == 2
                           else f"the managers make a loop: {text}")
                problems.append(Problem(file, member.line, "manager_email", message))
    return outside


def _loop_through(email: str, in_file: dict[str, _Row]) -> list[str]:
    """['a', 'b', 'a'] when following managers from `email` inside the file comes back to it."""
    path, seen = [email], {email}
    current = in_file.get(email)
    while current is not None and current.manager_email in in_file:
        nxt = current.manager_email
        if nxt == email:
            return path + [email]
        if nxt in seen:
            return []  # a loop further up; reported from one of its own members
        path.append(nxt)
        seen.add(nxt)
        current = in_file[nxt]
    return []


def _check_teams(rows: list[_Row], file: str, problems: list[Problem]) -> dict[str, Team]:
    teams = {team.name.lower(): team for team in db.session.scalars(sa.select(Team))}
    for row in rows:
        if row.team and row.team.lower() not in teams:
            known = ", ".join(sorted(team.name for team in teams.values())) or "none yet"
            problems.append(Problem(file, row.line, "team", f"no team called {row.team!r} (teams: {known}); "
                                                            "add it first with `cadence teams add`"))
    return teams


def _existing_people(emails: list[str]) -> dict[str, Person]:
    found: dict[str, Person] = {}
    unique = sorted(set(emails))
    for start in range(0, len(unique), _LOOKUP_BATCH):
        batch = unique[start:start + _LOOKUP_BATCH]
        for person in db.session.scalars(sa.select(Person).where(sa.func.lower(Person.email).in_(batch))):
            found[person.email.lower()] = person
    return found


def _write(actor: Actor | None, rows: list[_Row], managers: dict[str, Person], teams: dict[str, Team],
           file: str) -> ImportResult:
    people = {}
    for row in rows:
        person = Person(email=row.email, name=row.name, role=row.role,
                        team_id=teams[row.team.lower()].id if row.team else None,
                        password_hash=hash_password(row.password) if row.password else None)
        db.session.add(person)
        people[row.email] = person
    db.session.flush()
    for row in rows:
        if row.manager_email:
            manager = people.get(row.manager_email) or managers[row.manager_email]
            people[row.email].manager_id = manager.id
    db.session.flush()
    who = _person_of(actor)
    for person in people.values():
        record(who, "person.create", "person", person.id, after=describe(person))
    record(who, "people.import", "file", file, after={"file": file, "people": len(people)})
    db.session.flush()
    return ImportResult(file=file, people=list(people.values()))


def _field_order(name: str) -> int:
    order = ("file", "header", "row") + COLUMNS + OPTIONAL_COLUMNS
    return order.index(name) if name in order else len(order)


def _size(count: int) -> str:
    return f"{count / 1024 / 1024:.0f} MB" if count >= 1024 * 1024 else f"{count} bytes"
