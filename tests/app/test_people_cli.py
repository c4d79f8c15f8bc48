"""`cadence users ...` and `cadence teams ...` as an operator types them (typos included)."""
from __future__ import annotations

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.auth.passwords import verify_password
from okr_app.extensions import db
from okr_app.models import AuditEvent, Person, Team


@pytest.fixture
def cadence(app, build, tmp_path):
    """Run `cadence ...` against the test database; returns the click Result."""
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance")}

    def run(*args: str, stdin: str | None = None):
        result = CliRunner().invoke(cli, list(args), env=env, input=stdin)
        db.session.expire_all()
        return result

    return run


def person(email: str) -> Person | None:
    return db.session.scalar(sa.select(Person).where(Person.email == email))


def test_users_add_reads_the_password_from_stdin_and_stores_only_its_hash(cadence, build):
    build.team("Sales")
    build.person(email="boss@example.com")
    result = cadence("users", "add", "Rep@Example.com", "--name", "Rui Rep", "--role", "manager",
                     "--manager", "boss@example.com", "--team", "sales", "--password-stdin",
                     stdin="a-long-cli-password\n")
    assert result.exit_code == 0, result.output
    rep = person("rep@example.com")
    assert (rep.name, rep.role, rep.manager.email, rep.team.name) == ("Rui Rep", "manager", "boss@example.com",
                                                                       "Sales")
    assert verify_password(rep.password_hash, "a-long-cli-password")
    assert "a-long-cli-password" not in result.output


def test_a_password_cannot_be_given_on_the_command_line(cadence):
    result = cadence("users", "add", "x@example.com", "--name", "X", "--password", "visible-in-ps-output")
    assert result.exit_code == 2
    assert "No such option" in result.output
    assert person("x@example.com") is None


def test_users_add_refuses_an_unknown_manager_or_team_and_saves_nothing(cadence, build):
    result = cadence("users", "add", "x@example.com", "--name", "X", "--manager", "ghost@example.com")
    assert result.exit_code == 2 and "Nobody with the email 'ghost@example.com'" in result.output
    result = cadence("users", "add", "x@example.com", "--name", "X", "--team", "Nowhere")
    assert result.exit_code == 2 and "No team called 'Nowhere'" in result.output
    assert person("x@example.com") is None


def test_users_add_refuses_a_short_password_and_a_duplicate_email(cadence, build):
    build.person(email="taken@example.com")
    short = cadence("users", "add", "new@example.com", "--name", "N", "--password-stdin", stdin="short\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    taken = cadence("users", "add", "TAKEN@example.com", "--name", "T")
    assert taken.exit_code == 2 and "already belongs to someone" in taken.output
    assert person("new@example.com") is None


def test_set_role_changes_the_role_ends_sessions_and_is_audited(cadence, build):
    ana = build.person(email="ana@example.com")
    version = ana.session_version
    result = cadence("users", "set-role", "ana@example.com", "leader")
    assert result.exit_code == 0, result.output
    assert "employee → leader" in result.output
    ana = person("ana@example.com")
    assert (ana.role, ana.session_version) == ("leader", version + 1)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.role"))
    assert (event.actor_email, event.before, event.after) == ("system", "employee", "leader")


def test_set_role_will_not_demote_the_last_admin(cadence, build):
    build.person(email="root@example.com", role="admin")
    result = cadence("users", "set-role", "root@example.com", "employee")
    assert result.exit_code == 2 and "last active admin" in result.output
    assert person("root@example.com").role == "admin"


def test_deactivate_stops_sign_in_and_names_the_reports_left_without_a_manager(cadence, build, client):
    boss = build.person(email="boss@example.com")
    build.person(email="rep@example.com", manager=boss)
    result = cadence("users", "deactivate", "boss@example.com")
    assert result.exit_code == 0, result.output
    assert "Deactivated boss@example.com." in result.output
    assert "rep@example.com" in result.output
    assert person("boss@example.com").active is False
    assert client.post("/login", data={"email": "boss@example.com",
                                       "password": "correct-horse-battery"}).status_code == 401


def test_set_password_reads_stdin_and_is_audited_without_the_password(cadence, build):
    build.person(email="ana@example.com")
    result = cadence("users", "set-password", "ana@example.com", "--password-stdin", stdin="another-long-one\n")
    assert result.exit_code == 0, result.output
    assert verify_password(person("ana@example.com").password_hash, "another-long-one")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.password"))
    assert "another-long-one" not in event.after + event.before


def test_teams_add_creates_a_pod_and_refuses_a_second_one_with_the_same_name(cadence):
    assert cadence("teams", "add", "Launch Pod", "--kind", "pod").exit_code == 0
    again = cadence("teams", "add", "launch pod")
    assert again.exit_code == 2 and "already a team" in again.output
    assert [(t.name, t.kind) for t in db.session.scalars(sa.select(Team))] == [("Launch Pod", "pod")]
    assert "Launch Pod\tpod\t0" in cadence("teams", "list").output


def test_users_list_prints_one_line_per_active_person(cadence, build):
    build.person(email="b@example.com", role="finance")
    gone = build.person(email="a@example.com")
    gone.active = False
    db.session.commit()
    assert cadence("users", "list").output.splitlines() == ["b@example.com\tfinance\t-\t-"]
    assert len(cadence("users", "list", "--all").output.splitlines()) == 2
