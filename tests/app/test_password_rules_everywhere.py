"""The password rules hold at every door: the CLI, the admin form, a CSV import and a change of one's own."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import cli
from okr_app.extensions import db
from okr_app.people.importing import ImportRejected, import_people
from tests.builders import Builders


def test_the_cli_refuses_a_common_password_and_says_why(app, build, tmp_path):
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "k",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance")}
    result = CliRunner().invoke(cli, ["users", "add", "new@example.com", "--name", "Nia New", "--password-stdin"],
                                env=env, input="password1234\n")
    assert result.exit_code == 2 and "one of the most common" in result.output


def test_the_admin_form_refuses_a_password_holding_the_persons_email(client, build, auth):
    build.person(email="admin@example.com", role="admin")
    auth.login("admin@example.com")
    response = client.post("/people/new", data={"name": "Nia New", "email": "nia.new@example.com",
                                                 "role": "employee", "manager_id": "0", "team_id": "0",
                                                 "password": "nia.new-winter-2026"})
    assert response.status_code == 422
    assert "may not contain your email" in response.get_data(as_text=True)


def test_a_csv_import_refuses_a_weak_password_on_its_line(app, build):
    with pytest.raises(ImportRejected) as refused:
        import_people(None, b"email,name,role,manager_email,team,password\n"
                            b"nia@example.com,Nia New,employee,,,aaaaaaaaaaaaaaa\n", "people.csv")
    assert "people.csv:2: password: That password is too easy to guess" in str(refused.value)


def test_changing_ones_own_password_refuses_ones_name(client, build, auth):
    build.person(email="ana@example.com", name="Ana Alder")
    auth.login("ana@example.com")
    response = client.post("/account/password", data={"current_password": Builders.PASSWORD,
                                                      "new_password": "alder-tugboat-orchard",
                                                      "confirm": "alder-tugboat-orchard"})
    assert response.status_code == 422
    assert "may not contain your name" in response.get_data(as_text=True)
    db.session.expire_all()
