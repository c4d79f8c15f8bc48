"""Who may change what, through the pages: a person edits their own OKRs, anyone edits the OKRs of
the people below them, leaders and admins edit company and team objectives and run cycles;
others get 403, and private objectives answer 404 to people who may not see them."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import CheckIn, Cycle, Objective
from okr_app.clock import today
from okr_app.domain.weeks import monday_of


@pytest.fixture
def org(build):
    """director → manager → owner and peer; a leader and an admin outside that chain; finance."""
    director = build.person(role="manager", name="Dina Director")
    manager = build.person(role="manager", manager=director, name="Manu Manager")
    people = dict(
        director=director, manager=manager,
        owner=build.person(manager=manager, name="Olga Owner"),
        peer=build.person(manager=manager, name="Pete Peer"),
        leader=build.person(role="leader", name="Lee Leader"),
        admin=build.person(role="admin", name="Ada Admin"),
        finance=build.person(role="finance", name="Fin Finance"),
    )
    cycle = build.cycle()
    personal = build.objective(cycle, owner=people["owner"], title="Olga's objective")
    private = build.objective(build.cycle(start=cycle.start - timedelta(weeks=12)), owner=people["owner"],
                              title="Olga's private objective", private=True)
    return dict(people=people, cycle=cycle, personal=personal, personal_kr=build.key_result(personal),
                private=private, private_kr=build.key_result(private),
                team=build.objective(cycle, team=build.team("Sales"), title="Sales objective"),
                company=build.objective(cycle, company=True, title="Company objective"))


def sign_in_as(auth, org, who):
    auth.logout()
    assert auth.login(org["people"][who].email).status_code == 302


EDITS_PERSONAL = {"owner": 200, "manager": 200, "director": 200, "admin": 200,
                  "peer": 403, "leader": 403, "finance": 403}


@pytest.mark.parametrize("who,status", sorted(EDITS_PERSONAL.items()))
def test_a_personal_objective_is_edited_by_its_owner_the_people_above_and_admins_only(client, auth, org, who, status):
    sign_in_as(auth, org, who)
    assert client.get(f"/okrs/objectives/{org['personal'].id}/edit").status_code == status
    assert client.get(f"/okrs/objectives/{org['personal'].id}/key-results/new").status_code == status
    check_in = client.post(f"/okrs/key-results/{org['personal_kr'].id}/check-ins",
                           data={"value": "40", "confidence": "on_track"})
    assert check_in.status_code == (302 if status == 200 else 403)
    expected_check_ins = 1 if status == 200 else 0
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == expected_check_ins


@pytest.mark.parametrize("who,status", [("leader", 200), ("admin", 200), ("director", 403), ("manager", 403),
                                        ("owner", 403), ("finance", 403)])
def test_team_and_company_objectives_are_edited_by_leaders_and_admins_only(client, auth, org, who, status):
    sign_in_as(auth, org, who)
    for objective in (org["team"], org["company"]):
        assert client.get(f"/okrs/objectives/{objective.id}/edit").status_code == status
        assert client.get(f"/okrs/objectives/{objective.id}").status_code == 200  # everyone reads them


def test_a_peer_cannot_delete_or_change_someone_elses_objective_and_nothing_changes(client, auth, org):
    sign_in_as(auth, org, "peer")
    objective = org["personal"]
    assert client.post(f"/okrs/objectives/{objective.id}/delete").status_code == 403
    assert client.post(f"/okrs/objectives/{objective.id}/edit", data={"title": "Hijacked"}).status_code == 403
    assert client.post(f"/okrs/key-results/{org['personal_kr'].id}/delete").status_code == 403
    db.session.expire_all()
    assert db.session.get(Objective, objective.id).title == "Olga's objective"


def test_an_employee_cannot_set_an_objective_for_a_peer_a_team_or_the_company(client, auth, org):
    sign_in_as(auth, org, "owner")
    url = f"/okrs/objectives/new?cycle={org['cycle'].id}"
    before = db.session.scalar(sa.select(sa.func.count(Objective.id)))
    team_id = org["team"].team_id
    for owner in (f"person:{org['people']['peer'].id}", f"team:{team_id}", "company"):
        response = client.post(url, data={"owner": owner, "title": "Not mine to set"})
        assert response.status_code == 403, owner
        assert "You cannot set objectives for that owner." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Objective.id))) == before


def test_a_manager_sets_an_objective_for_a_report_and_a_leader_for_a_team(client, auth, org):
    sign_in_as(auth, org, "director")
    owner = org["people"]["peer"]  # an indirect report: director → manager → peer
    url = f"/okrs/objectives/new?cycle={org['cycle'].id}"
    assert client.post(url, data={"owner": f"person:{owner.id}", "title": "Set by my director"}).status_code == 302
    sign_in_as(auth, org, "leader")
    team_id = org["team"].team_id
    assert client.post(url, data={"owner": f"team:{team_id}", "title": "Second team objective"}).status_code == 302
    titles = set(db.session.scalars(sa.select(Objective.title)))
    assert {"Set by my director", "Second team objective"} <= titles


VIEWS_PRIVATE = {"owner": 200, "manager": 200, "director": 200, "admin": 200,
                 "peer": 404, "leader": 404, "finance": 404}


@pytest.mark.parametrize("who,status", sorted(VIEWS_PRIVATE.items()))
def test_a_private_objective_is_seen_by_its_owner_the_people_above_and_admins_only(client, auth, org, who, status):
    sign_in_as(auth, org, who)
    assert client.get(f"/okrs/objectives/{org['private'].id}").status_code == status
    assert client.get(f"/okrs/key-results/{org['private_kr'].id}").status_code == status
    grades = client.get(f"/cycles/{org['private'].cycle_id}/grades").get_data(as_text=True)
    listed = "Olga&#39;s private objective" in grades
    assert listed == (status == 200)
    if status == 404:
        assert client.get(f"/okrs/objectives/{org['private'].id}/edit").status_code == 404
        assert client.post(f"/okrs/key-results/{org['private_kr'].id}/check-ins",
                           data={"value": "1"}).status_code == 404


@pytest.mark.parametrize("who,allowed", [("leader", True), ("admin", True), ("director", False),
                                         ("owner", False), ("finance", False)])
def test_only_leaders_and_admins_create_start_snapshot_and_close_cycles(client, auth, org, build, who, allowed):
    # starts after every active cycle here ends (overlapping active cycles are refused, see test_cycle_footguns)
    planning = build.cycle(state="planning", start=monday_of(today()) + timedelta(weeks=10))
    midway = build.cycle(start=monday_of(today()) - timedelta(weeks=8))
    sign_in_as(auth, org, who)
    expected = 302 if allowed else 403
    start = (monday_of(today()) + timedelta(weeks=2)).isoformat()
    assert client.post("/cycles/", data={"name": "Next", "start": start, "weeks": "6"}).status_code == expected
    assert client.post(f"/cycles/{planning.id}/activate").status_code == expected
    assert client.post(f"/cycles/{midway.id}/snapshot").status_code == expected
    assert client.get(f"/cycles/{org['cycle'].id}/close").status_code == (200 if allowed else 403)
    assert client.post(f"/cycles/{org['cycle'].id}/close").status_code == expected
    db.session.expire_all()
    assert (db.session.get(Cycle, org["cycle"].id).state == "closed") == allowed
    assert client.get(f"/cycles/{org['cycle'].id}").status_code == 200  # everyone reads cycles
