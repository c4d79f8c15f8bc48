"""people.csv imports: everyone or nobody, every bad row named, big and garbage files survived."""
from __future__ import annotations

import io
import string

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cli import cli
from okr_app.auth.passwords import verify_password
from okr_app.extensions import db
from okr_app.models import ROLES, AuditEvent, Person, Team
from okr_app.people.importing import FileTooLarge, ImportRejected, import_people, import_people_stream

HEADER = "email,name,role,manager_email,team\n"


def people_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Person.id)))


def problems_of(data: str, file: str = "people.csv") -> list[str]:
    with pytest.raises(ImportRejected) as refused:
        import_people(None, data.encode(), file)
    db.session.rollback()
    return [str(problem) for problem in refused.value.problems]


def test_a_clean_file_adds_everyone_with_managers_from_the_file_or_from_cadence(build):
    build.team("Sales")
    ceo = build.person(name="Cleo", email="ceo@example.com", role="leader")
    data = (HEADER +
            "rep@example.com,Rui Rep,,vp@example.com,sales\n"       # manager appears later in the file
            "vp@example.com,Val VP,manager,ceo@example.com,Sales\n"  # manager already in Cadence
            "solo@example.com,Solo,finance,,\n")
    result = import_people(None, data.encode(), "people.csv")
    db.session.commit()
    assert len(result.people) == 3
    by_email = {p.email: p for p in db.session.scalars(sa.select(Person))}
    assert by_email["rep@example.com"].role == "employee"  # a blank role means employee
    assert by_email["rep@example.com"].manager_id == by_email["vp@example.com"].id
    assert by_email["vp@example.com"].manager_id == ceo.id
    assert by_email["vp@example.com"].team.name == "Sales"
    assert by_email["solo@example.com"].manager_id is None and by_email["solo@example.com"].team_id is None
    actions = [e.action for e in db.session.scalars(sa.select(AuditEvent))]
    assert actions.count("person.create") == 3 and actions.count("people.import") == 1


def test_a_password_column_is_stored_hashed_and_works(build):
    data = "email,name,role,manager_email,team,password\nana@example.com,Ana,,,,a-long-password-1\n"
    import_people(None, data.encode(), "people.csv")
    db.session.commit()
    ana = db.session.scalar(sa.select(Person))
    assert "a-long-password-1" not in ana.password_hash
    assert verify_password(ana.password_hash, "a-long-password-1")


def test_every_bad_row_is_reported_with_file_line_and_field_and_nothing_is_written(build):
    build.team("Sales")
    build.person(email="taken@example.com")
    before = people_count()
    data = (HEADER +
            "good@example.com,Good Person,employee,,Sales\n"       # line 2: fine
            "not-an-email,Bad Email,employee,,\n"                  # line 3
            "role@example.com,Bad Role,wizard,,\n"                 # line 4
            "orphan@example.com,Orphan,,ghost@example.com,\n"      # line 5
            "good@example.com,Twin,,,\n"                           # line 6
            "team@example.com,No Team,,,Slaes\n"                   # line 7
            "taken@example.com,Taken,,,\n"                         # line 8
            ",,,,\n"                                               # line 9: blank row, skipped
            "short@example.com,Short\n")                           # line 10
    assert problems_of(data) == [
        "people.csv:3: email: 'not-an-email' is not a valid email address.",
        "people.csv:4: role: Unknown role 'wizard'; the roles are employee, manager, leader, finance, admin.",
        "people.csv:5: manager_email: ghost@example.com is neither in this file nor in Cadence",
        "people.csv:6: email: good@example.com appears again (first on line 2)",
        "people.csv:7: team: no team called 'Slaes' (teams: Sales); add it first with `cadence teams add`",
        "people.csv:8: email: taken@example.com is already in Cadence (change existing people on the People page)",
        "people.csv:10: row: has 2 fields; the header has 5",
    ]
    assert people_count() == before


def test_managers_that_loop_inside_the_file_are_reported_on_each_row_of_the_loop(build):
    data = (HEADER + "a@example.com,A,,b@example.com,\n" + "b@example.com,B,,c@example.com,\n"
            + "c@example.com,C,,a@example.com,\n" + "d@example.com,D,,d@example.com,\n"
            + "e@example.com,E,,a@example.com,\n")  # hangs under the loop but is not part of it
    problems = problems_of(data)
    assert problems[:3] == [f"people.csv:{line}: manager_email: the managers make a loop: "
                            "a@example.com → b@example.com → c@example.com → a@example.com" for line in (2, 3, 4)]
    assert problems[3:] == ["people.csv:5: manager_email: a person cannot be their own manager"]


def test_a_deactivated_manager_in_cadence_is_refused(build):
    gone = build.person(email="gone@example.com")
    gone.active = False
    db.session.commit()
    assert problems_of(HEADER + "new@example.com,New,,gone@example.com,\n") == [
        "people.csv:2: manager_email: gone@example.com is deactivated"]


def test_line_numbers_count_from_where_a_multi_line_quoted_value_starts(build):
    data = HEADER + 'ok@example.com,"Name over\ntwo lines",,,\n' + "bad,Bad,,,\n"
    assert problems_of(data)[-1] == "people.csv:4: email: 'bad' is not a valid email address."


@pytest.mark.parametrize("header, message", [
    ("email,name,role,team\n", "people.csv:1: header: missing column manager_email"),
    ("email,name,role,manager_email,team,salary\n", "people.csv:1: header: unknown column 'salary'"),
    ("email,name,role,manager_email,team,team\n", "people.csv:1: header: column team appears more than once"),
    ("x@example.com,X,,,\n", "people.csv:1: header: missing columns email, name, role, manager_email, team"),
])
def test_a_wrong_header_is_named_before_any_row_is_looked_at(build, header, message):
    assert problems_of(header + "x@example.com,X,,,\n")[0].startswith(message)


def test_an_empty_file_is_refused_with_the_expected_header(build):
    assert problems_of("") == ["people.csv:1: header: the file is empty; expected email,name,role,manager_email,team"]


def test_headers_are_read_in_any_order_and_case_with_a_byte_order_mark(build):
    data = "\ufeffTeam, Name ,EMAIL,Manager_Email,role\n,Zoe,zoe@example.com,,leader\n"
    import_people(None, data.encode(), "people.csv")
    assert db.session.scalar(sa.select(Person.role).where(Person.email == "zoe@example.com")) == "leader"


def test_a_file_that_is_not_utf8_is_refused_naming_the_line(build):
    data = (HEADER + "ok@example.com,Ok,,,\n").encode() + "zoë@example.com,Zoë,,,\n".encode("latin-1")
    with pytest.raises(ImportRejected) as refused:
        import_people(None, data, "people.csv")
    assert [str(p) for p in refused.value.problems] == [
        "people.csv:3: file: not UTF-8 text (save the CSV as UTF-8)"]


def test_names_with_control_characters_are_refused(build):
    assert problems_of(HEADER + "x@example.com,\"Bad\x1b[31mName\",,,\n") == [
        "people.csv:2: name: A name contains control characters."]


def test_a_file_of_only_a_header_imports_nobody_and_says_so(build):
    assert problems_of(HEADER) == ["people.csv:1: file: no people in the file (only a header)"]


# --- size limits ----------------------------------------------------------------------------------

class CountingStream(io.RawIOBase):
    """An endless upload that counts how much of it the importer reads."""

    def __init__(self, size: int) -> None:
        self.size, self.read_so_far = size, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        count = min(len(buffer), self.size - self.read_so_far)
        buffer[:count] = b"x" * count
        self.read_so_far += count
        return count


def test_a_50_mb_upload_is_refused_after_reading_little_more_than_the_limit(build):
    stream = CountingStream(50 * 1024 * 1024)
    with pytest.raises(FileTooLarge, match="larger than the import limit"):
        import_people_stream(None, stream, "huge.csv", max_bytes=1024 * 1024)
    assert stream.read_so_far <= 1024 * 1024 + 64 * 1024  # the limit plus one 64 KiB chunk


def test_a_50_mb_file_is_refused_by_the_cli_from_its_size_on_disk(build, tmp_path, cli_env):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB long, nothing to read
    result = CliRunner().invoke(cli, ["users", "import", str(huge)], env=cli_env)
    assert result.exit_code == 2
    assert "huge.csv is larger than the import limit of 10 MB" in result.output
    assert people_count() == 0


def test_an_upload_over_the_import_limit_is_refused_on_the_page(app, client, build, auth):
    build.person(role="admin", email="admin@example.com")
    auth.login("admin@example.com")
    app.config["MAX_IMPORT_BYTES"] = 100
    data = (HEADER + "".join(f"p{n}@example.com,P{n},,,\n" for n in range(10))).encode()
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "people.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "larger than the import limit" in response.get_data(as_text=True)
    assert people_count() == 1


def test_the_import_page_lists_every_problem_and_imports_nothing(client, build, auth):
    build.person(role="admin", email="admin@example.com")
    auth.login("admin@example.com")
    data = (HEADER + "ok@example.com,Ok,,,\nbad,Bad,,,\n").encode()
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "people.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nothing imported: 1 problem" in page and "people.csv:3" in page
    assert people_count() == 1


def test_the_import_page_imports_a_clean_file(client, build, auth):
    build.person(role="admin", email="admin@example.com")
    auth.login("admin@example.com")
    data = (HEADER + "ok@example.com,Ok,,admin@example.com,\n").encode()
    response = client.post("/people/import", data={"file": (io.BytesIO(data), "people.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert people_count() == 2


# --- the CLI door -------------------------------------------------------------------------------

@pytest.fixture
def cli_env(app, tmp_path):
    return {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
            "CADENCE_INSTANCE_PATH": str(tmp_path / "instance")}


def test_the_cli_import_prints_every_problem_and_exits_2(build, tmp_path, cli_env):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "ok@example.com,Ok,,,\nbad,Bad,,,\nx@example.com,X,boss,,\n")
    result = CliRunner().invoke(cli, ["users", "import", str(path)], env=cli_env)
    assert result.exit_code == 2
    assert "people.csv: nothing imported; 2 problems:" in result.output
    assert "people.csv:3: email: 'bad' is not a valid email address." in result.output
    assert "people.csv:4: role: Unknown role 'boss'" in result.output
    assert people_count() == 0


def test_the_cli_import_adds_everyone_and_audits_it_as_the_system(build, tmp_path, cli_env):
    path = tmp_path / "people.csv"
    path.write_text(HEADER + "a@example.com,A,leader,,\nb@example.com,B,,a@example.com,\n")
    result = CliRunner().invoke(cli, ["users", "import", str(path)], env=cli_env)
    assert result.exit_code == 0, result.output
    assert "Imported 2 people from people.csv." in result.output
    assert people_count() == 2
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "people.import"))
    assert event.actor_email == "system" and '"people": 2' in event.after


# --- garbage --------------------------------------------------------------------------------------

CELL = st.one_of(
    st.text(max_size=12),
    st.sampled_from(["", "employee", "admin", "Sales", "=cmd|' /C calc'!A0", "a@b.co", "x@example.com",
                     "manager", "  ", "\"", ",", "\n", "\r\n", "é", "\x00", "\ufeff"]),
    st.builds(lambda user: f"{user}@example.com", st.text(string.ascii_lowercase, min_size=1, max_size=4)),
)
EMAIL = st.builds(lambda user: f"{user}@example.com", st.text(string.ascii_lowercase, min_size=1, max_size=3))
# Rows shaped like the real thing, each field sometimes right and sometimes wrong, so that some
# files import and the write path meets odd names and roles too.
PLAUSIBLE_ROW = st.tuples(
    EMAIL,
    st.one_of(st.sampled_from(["Ana", "Bo Li", "Zoë", "=1+1"]), st.text(max_size=15)),
    st.one_of(st.sampled_from(["", "employee", "Manager", "admin"]), st.text(max_size=8)),
    st.one_of(st.just(""), EMAIL),
    st.sampled_from(["", "", "Sales", "sales", "Nowhere"]),
).map(list)
ROWS = st.lists(st.one_of(PLAUSIBLE_ROW, st.lists(CELL, min_size=0, max_size=7)), max_size=8)
RAW_BYTES = st.binary(max_size=300).map(lambda tail: HEADER.encode() + tail)


def _csv_text(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    import csv
    csv.writer(buffer).writerows(rows)
    return (HEADER + buffer.getvalue()).encode("utf-8", "surrogatepass")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS)
def test_garbage_rows_either_import_cleanly_or_are_refused_whole(build, rows):
    """Invariant: no exception other than ImportRejected, and a refusal leaves the table as it was."""
    if db.session.scalar(sa.select(Team.id)) is None:  # the examples share one database
        build.team("Sales")
    _either_clean_or_refused(_csv_text(rows))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=RAW_BYTES)
def test_garbage_bytes_after_a_good_header_never_crash_the_import(build, data):
    """Invariant: arbitrary bytes give a clean import or a list of problems, never a crash."""
    _either_clean_or_refused(data)


def _either_clean_or_refused(data: bytes) -> None:
    before = people_count()
    try:
        result = import_people(None, data, "garbage.csv")
    except ImportRejected as refused:
        db.session.rollback()
        assert refused.problems and all(p.file == "garbage.csv" and p.line >= 1 for p in refused.problems)
        assert people_count() == before
    else:
        db.session.flush()
        assert people_count() == before + len(result.people)
        assert all(p.role in ROLES and p.email == p.email.lower() and p.name.strip() for p in result.people)
        db.session.rollback()
