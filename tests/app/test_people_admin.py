"""The People pages as admins and non-admins use (and misuse) them."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import ApiToken, AuditEvent, Person, Team
from tests.builders import Builders


def form_for(person, **changes):
    """The edit form as the page would post it, with some fields changed."""
    data = {"name": person.name, "email": person.email, "role": person.role,
            "manager_id": person.manager_id or 0, "team_id": person.team_id or 0, "active": "y"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


@pytest.fixture
def admin(build, auth):
    person = build.person(name="Ada Admin", role="admin", email="admin@example.com")
    auth.login("admin@example.com")
    return person


@pytest.mark.parametrize("role", ["employee", "manager", "leader", "finance"])
@pytest.mark.parametrize("path", ["/people/", "/people/new", "/people/teams", "/people/import"])
def test_only_admins_may_open_the_people_admin_pages(client, build, auth, role, path):
    build.person(role=role, email="someone@example.com")
    auth.login("someone@example.com")
    assert client.get(path).status_code == 403


def test_a_non_admin_cannot_edit_anyone_not_even_themselves(client, build, auth):
    me = build.person(email="me@example.com", role="manager")
    auth.login("me@example.com")
    assert client.get(f"/people/{me.id}/edit").status_code == 403
    response = client.post(f"/people/{me.id}/edit", data=form_for(me, role="admin"))
    assert response.status_code == 403
    db.session.expire_all()
    assert db.session.get(Person, me.id).role == "manager"


def test_the_people_list_searches_name_email_and_team(client, build, admin):
    sales = build.team("Sales")
    build.person(name="Sam Seller", team=sales, email="sam@example.com")
    build.person(name="Mia Marketer", email="mia@example.com")
    page = client.get("/people/?q=sales").get_data(as_text=True)
    assert "Sam Seller" in page and "Mia Marketer" not in page
    page = client.get("/people/?q=MIA@").get_data(as_text=True)
    assert "Mia Marketer" in page and "Sam Seller" not in page


def test_a_search_for_a_sql_wildcard_matches_it_literally(client, build, admin):
    build.person(name="Percy", email="percy@example.com")
    page = client.get("/people/?q=%25").get_data(as_text=True)
    assert "Percy" not in page


def test_deactivated_people_are_listed_only_on_request(client, build, admin):
    gone = build.person(name="Gone Girl", email="gone@example.com")
    gone.active = False
    db.session.commit()
    assert "Gone Girl" not in client.get("/people/").get_data(as_text=True)
    assert "Gone Girl" in client.get("/people/?inactive=1").get_data(as_text=True)


def test_an_admin_adds_a_person_who_can_then_sign_in(app, client, build, admin):
    sales = build.team("Sales")
    response = client.post("/people/new", data={"name": "Nia New", "email": "Nia@Example.com", "role": "manager",
                                                 "manager_id": admin.id, "team_id": sales.id,
                                                 "password": "a-long-first-password"})
    assert response.status_code == 302
    nia = db.session.scalar(sa.select(Person).where(Person.email == "nia@example.com"))
    assert (nia.name, nia.role, nia.manager_id, nia.team_id) == ("Nia New", "manager", admin.id, sales.id)
    [created] = events("person.create")
    assert created.actor_email == "admin@example.com" and '"role": "manager"' in created.after
    other = app.test_client()
    assert other.post("/login", data={"email": "nia@example.com",
                                      "password": "a-long-first-password"}).status_code == 302


def test_adding_someone_with_an_email_already_taken_saves_nothing(client, build, admin):
    build.person(email="taken@example.com")
    before = db.session.scalar(sa.select(sa.func.count(Person.id)))
    response = client.post("/people/new", data={"name": "Twin", "email": "TAKEN@example.com", "role": "employee",
                                                 "manager_id": 0, "team_id": 0})
    assert response.status_code == 422
    assert "already belongs to someone" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Person.id))) == before


def test_an_unknown_role_or_manager_id_in_a_crafted_post_is_refused(client, build, admin):
    for data in ({"role": "superuser", "manager_id": 0}, {"role": "employee", "manager_id": 99999}):
        response = client.post("/people/new", data={"name": "X", "email": "x@example.com", "team_id": 0, **data})
        assert response.status_code == 422
    assert db.session.scalar(sa.select(Person).where(Person.email == "x@example.com")) is None


def test_making_someones_report_their_manager_is_refused_as_a_loop(client, build, admin):
    boss = build.person(name="Boss", email="boss@example.com")
    mid = build.person(name="Mid", manager=boss, email="mid@example.com")
    low = build.person(name="Low", manager=mid, email="low@example.com")
    response = client.post(f"/people/{boss.id}/edit", data=form_for(boss, manager_id=low.id))
    assert response.status_code == 422
    assert "loop" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Person, boss.id).manager_id is None


def test_a_role_change_is_audited_with_before_and_after_and_bumps_the_session_version(client, build, admin):
    ana = build.person(email="ana@example.com")
    version = ana.session_version
    assert client.post(f"/people/{ana.id}/edit", data=form_for(ana, role="finance")).status_code == 302
    db.session.expire_all()
    ana = db.session.get(Person, ana.id)
    assert (ana.role, ana.session_version) == ("finance", version + 1)
    [event] = events("person.role")
    assert (event.actor_email, event.object_id, event.before, event.after) == (
        "admin@example.com", str(ana.id), "employee", "finance")


def test_deactivating_someone_ends_their_session_and_revokes_their_tokens(app, client, build, admin):
    ana = build.person(email="ana@example.com")
    db.session.add(ApiToken(person_id=ana.id, token_hash="a" * 64, prefix="cad_aaaa"))
    db.session.commit()
    anas_browser = app.test_client()
    anas_browser.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    response = client.post(f"/people/{ana.id}/edit", data=form_for(ana, active=None))  # box unticked
    assert response.status_code == 302
    assert anas_browser.get(f"/people/{ana.id}").status_code == 302
    db.session.expire_all()
    assert db.session.get(Person, ana.id).active is False
    assert db.session.scalar(sa.select(ApiToken.revoked_at)) is not None
    [event] = events("person.deactivate")
    assert '"tokens_revoked": 1' in event.after


def test_deactivating_a_manager_warns_about_the_people_left_reporting_to_them(client, build, admin):
    boss = build.person(name="Boss", email="boss@example.com")
    build.person(manager=boss)
    response = client.post(f"/people/{boss.id}/edit", data=form_for(boss, active=None), follow_redirects=True)
    assert "1 active people still report to Boss" in response.get_data(as_text=True)


def test_the_last_active_admin_cannot_demote_or_deactivate_themselves(client, admin):
    for change in ({"role": "employee"}, {"active": None}):
        response = client.post(f"/people/{admin.id}/edit", data=form_for(admin, **change))
        assert response.status_code == 422
        assert "last active admin" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (admin.role, admin.active) == ("admin", True)


def test_an_empty_post_to_the_edit_page_changes_nothing(client, build, admin):
    ana = build.person(email="ana@example.com")
    assert client.post(f"/people/{ana.id}/edit", data={}).status_code == 422
    db.session.expire_all()
    assert db.session.get(Person, ana.id).active is True


def test_an_admin_sets_a_new_password_which_ends_the_persons_sessions(app, client, build, admin):
    ana = build.person(email="ana@example.com")
    anas_browser = app.test_client()
    anas_browser.post("/login", data={"email": "ana@example.com", "password": Builders.PASSWORD})
    assert client.post(f"/people/{ana.id}/edit",
                       data=form_for(ana, password="reset-by-the-admin")).status_code == 302
    assert anas_browser.get(f"/people/{ana.id}").status_code == 302
    assert app.test_client().post("/login", data={"email": "ana@example.com",
                                                  "password": "reset-by-the-admin"}).status_code == 302


def test_teams_are_added_once_whatever_the_case(client, admin):
    assert client.post("/people/teams", data={"name": "Customer Success", "kind": "function"}).status_code == 302
    response = client.post("/people/teams", data={"name": "customer success", "kind": "pod"})
    assert response.status_code == 422
    assert "already a team" in response.get_data(as_text=True)
    assert [t.name for t in db.session.scalars(sa.select(Team))] == ["Customer Success"]
    assert len(events("team.create")) == 1


def test_the_person_page_shows_everyone_the_org_chart_around_a_person(client, build, auth):
    top = build.person(name="Tia Top", role="leader", email="tia@example.com")
    mid = build.person(name="Max Mid", role="manager", manager=top, email="max@example.com")
    build.person(name="Lea Low", manager=mid, email="lea@example.com")
    build.person(name="Outsider", email="out@example.com")
    auth.login("out@example.com")
    page = client.get(f"/people/{mid.id}").get_data(as_text=True)
    assert "Tia Top" in page and "Lea Low" in page and "Max Mid" in page
    assert f"/people/{mid.id}/edit" not in page  # read-only for non-admins


def test_the_person_page_of_someone_who_does_not_exist_is_404(client, build, auth):
    build.person(email="ana@example.com")
    auth.login("ana@example.com")
    assert client.get("/people/424242").status_code == 404


def test_an_admin_sees_an_edit_link_on_the_person_page(client, build, admin):
    ana = build.person(email="ana@example.com")
    assert f"/people/{ana.id}/edit" in client.get(f"/people/{ana.id}").get_data(as_text=True)
