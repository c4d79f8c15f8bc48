"""The tree page, the team page, the home page and `GET /api/v1/cycles/<id>/tree` issue a bounded
number of SQL statements whatever the organisation's size (issue 3, "Done when").

Two organisations are seeded with bulk inserts, 50 and 2,000 people, shaped alike: a company
objective with one roll-up key result per team, three team objectives aligned to it, and one
objective per person aligned to their team's roll-up, each with three key results and two check-ins
per key result; every tenth personal objective is private; weekly reports and replies for some.
Statements are counted with a `before_cursor_execute` listener while each page is requested."""
from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.builders.apps import make_app
from okr_app.extensions import db
from okr_app.models import (CheckIn, Cycle, KeyResult, Objective, Person, ReportReply, Team, WeeklyReport)
from okr_app.clock import today, utcnow
from okr_app.domain.weeks import iso_week_of, monday_of
from tests.builders import Builders, password_hash
from tests.builders.queries import counting_queries

BOUND = 15
SIZES = (50, 2000)
TEAMS = ("Customer Success", "Marketing", "Sales")
CEO_EMAIL, LEAD_EMAIL = "ceo@example.com", "lead1@example.com"


def seed_org(people: int) -> dict:
    """An organisation of `people` people (CEO, three team leads, squads of ten under squad managers)."""
    now, on = utcnow(), today()
    week, last_week = iso_week_of(on), iso_week_of(on - timedelta(days=7))
    hashed = password_hash()
    db.session.execute(sa.insert(Team), [{"id": i + 1, "name": name, "kind": "function"}
                                         for i, name in enumerate(TEAMS)])
    persons = [{"id": 1, "email": CEO_EMAIL, "name": "Chief Executive", "role": "leader", "manager_id": None,
                "team_id": None, "password_hash": hashed}]
    persons += [{"id": 2 + t, "email": f"lead{t + 1}@example.com", "name": f"Lead {t + 1}", "role": "manager",
                 "manager_id": 1, "team_id": t + 1, "password_hash": hashed} for t in range(3)]
    squad_manager: dict[tuple[int, int], int] = {}
    for pid in range(5, people + 1):
        team = (pid % 3) + 1
        squad = (team, (pid - 5) // 30)  # ten people of a team per squad; the first one manages it
        is_manager = squad not in squad_manager
        manager = 1 + team if is_manager else squad_manager[squad]
        squad_manager.setdefault(squad, pid)
        persons.append({"id": pid, "email": f"p{pid}@example.com", "name": f"Person {pid:04d}",
                        "role": "manager" if is_manager else "employee", "manager_id": manager,
                        "team_id": team, "password_hash": None})
    db.session.execute(sa.insert(Person), persons)
    db.session.execute(sa.update(Team).where(Team.id == 1).values(lead_id=2))

    cycle_start = monday_of(on) - timedelta(weeks=3)
    db.session.execute(sa.insert(Cycle), [{"id": 1, "name": "FY Q3", "start": cycle_start, "weeks": 12,
                                           "state": "active"}])
    kr_ids = itertools.count(1)
    objectives, krs = [], []
    objectives.append({"id": 1, "cycle_id": 1, "title": "Grow revenue that lasts", "owner_type": "company",
                       "owner_person_id": None, "team_id": None, "aligned_kr_id": None, "private": False})
    company_krs = {}
    for t in range(3):
        company_krs[t + 1] = kr = next(kr_ids)
        krs.append(_kr(kr, 1, "rollup", position=t))
    team_rollups = {}
    for t in range(3):
        oid = 2 + t
        objectives.append({"id": oid, "cycle_id": 1, "title": f"{TEAMS[t]} delivers", "owner_type": "team",
                           "owner_person_id": None, "team_id": t + 1, "aligned_kr_id": company_krs[t + 1],
                           "private": False})
        team_rollups[t + 1] = kr = next(kr_ids)
        krs.append(_kr(kr, oid, "rollup", position=0))
        krs += [_kr(next(kr_ids), oid, "increase", position=1, current=40.0),
                _kr(next(kr_ids), oid, "stay_above", position=2, current=90.0, start=0, target=80)]
    person_krs = []
    for person in persons:
        oid = 4 + person["id"]
        objectives.append({"id": oid, "cycle_id": 1, "title": f"{person['name']} moves the needle",
                           "owner_type": "person", "owner_person_id": person["id"], "team_id": None,
                           "aligned_kr_id": team_rollups.get(person["team_id"]),
                           "private": person["id"] % 10 == 0})
        for position, kind in enumerate(("increase", "milestone", "stay_below")):
            kr = next(kr_ids)
            current = float(person["id"] % 100) if kind == "increase" else 1.0 if kind == "milestone" else 5.0
            krs.append(_kr(kr, oid, kind, position=position, current=current,
                           confidence="at_risk" if person["id"] % 7 == 0 else "on_track"))
            person_krs.append((kr, person["id"], current))
    # Objectives first without their alignment, then key results, then the alignment: the foreign
    # keys point both ways, and PostgreSQL checks them row by row.
    db.session.execute(sa.insert(Objective), [{**o, "aligned_kr_id": None} for o in objectives])
    db.session.execute(sa.insert(KeyResult), krs)
    db.session.execute(sa.update(Objective), [{"id": o["id"], "aligned_kr_id": o["aligned_kr_id"]}
                                              for o in objectives if o["aligned_kr_id"] is not None])
    db.session.execute(sa.insert(CheckIn), [
        {"key_result_id": kr, "value": value, "confidence": "on_track", "note": "", "author_id": author,
         "created_at": now - timedelta(days=days)}
        for kr, author, value in person_krs for days in (8, 1)])
    reports = [{"id": p["id"], "person_id": p["id"], "iso_week": week, "progress": "Closed two deals",
                "plans": "Follow up", "problems": "Pricing approval is slow", "satisfaction": 4,
                "created_at": now, "updated_at": now} for p in persons if p["id"] % 2 == 0]
    reports += [{"id": 100_000 + p["id"], "person_id": p["id"], "iso_week": last_week, "progress": "Demos",
                 "plans": "Close", "problems": "", "satisfaction": 3, "created_at": now, "updated_at": now}
                for p in persons if p["id"] % 3 == 0]
    db.session.execute(sa.insert(WeeklyReport), reports)
    db.session.execute(sa.insert(ReportReply), [
        {"report_id": r["id"], "author_id": 1, "body": "Let us talk on Monday.", "created_at": now}
        for r in reports if r["id"] % 4 == 0 and r["id"] < 100_000])
    db.session.commit()
    return {"people": len(persons), "objectives": len(objectives)}


def _kr(kr_id, objective_id, kind, position, current=None, start=0.0, target=100.0, confidence="on_track"):
    quantitative = kind not in ("milestone", "rollup")
    return {"id": kr_id, "objective_id": objective_id, "title": f"Key result {kr_id}", "kind": kind,
            "start_value": start if quantitative else None, "target_value": target if quantitative else None,
            "unit": "", "weight": 1.0, "position": position, "current_value": current, "confidence": confidence,
            "last_checkin_at": utcnow() - timedelta(days=1) if current is not None else None,
            "leads_to_action": True, "reproducible": kr_id % 5 != 0, "about_buyers": True}


@pytest.fixture(scope="module")
def orgs(tmp_path_factory):
    """Both organisations, each in its own app and database, seeded once for the module."""
    built = {}
    with pytest.MonkeyPatch.context() as mp:
        for size in SIZES:
            folder = tmp_path_factory.mktemp(f"org{size}")
            mp.delenv("CADENCE_DATABASE_URL", raising=False)
            mp.setenv("CADENCE_INSTANCE_PATH", str(folder / "instance"))
            app = make_app(folder)
            with app.app_context():
                db.create_all()
                facts = seed_org(size)
            built[size] = (app, facts)
    yield built
    for app, _ in built.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def counted(app):
    with app.app_context():
        return counting_queries(db.engine)


def signed_in(app, email):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": Builders.PASSWORD})
    assert response.status_code == 302, "the seeded person signs in"
    return client


def measure(app, client, url, **kwargs) -> tuple[int, str]:
    with counted(app) as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return len(statements), response.get_data(as_text=True)


def test_the_tree_page_issues_the_same_small_number_of_queries_for_50_and_2000_people(orgs):
    counts = {}
    for size, (app, facts) in orgs.items():
        client = signed_in(app, CEO_EMAIL)
        counts[size], page = measure(app, client, "/tree?depth=all")
        # The CEO sees every objective, private ones included: 1 company + 3 team + one per person.
        assert f'<strong class="count-objectives">{facts["objectives"]}</strong>' in page
        assert page.count('<details class="node') == facts["objectives"]
    assert counts[50] <= BOUND and counts[2000] <= BOUND, counts
    assert counts[50] == counts[2000], counts


def test_the_tree_page_opens_the_company_and_team_levels_and_counts_the_whole_cycle(orgs):
    """54 objectives fit on one page (at most 150), so at 50 people every level opens; at 2,000 the
    page opens 1 company + 3 team objectives, plus the CEO's own (on no team, so aligned to nothing:
    a root), = 5, and links each team objective to the people below it, loaded on demand."""
    counts = {}
    for size, (app, facts) in orgs.items():
        client = signed_in(app, CEO_EMAIL)
        counts[size], page = measure(app, client, "/tree")
        assert f'<strong class="count-objectives">{facts["objectives"]}</strong>' in page
        assert page.count('<details class="node') == (54 if size == 50 else 5)
        assert page.count('data-fragment="/tree/objectives/') == (0 if size == 50 else 3)
    assert counts[50] <= BOUND and counts[50] == counts[2000], counts


def test_a_subtree_fragment_issues_the_same_small_number_of_queries_for_50_and_2000_people(orgs):
    counts = {}
    for size, (app, _) in orgs.items():
        client = signed_in(app, CEO_EMAIL)
        counts[size], fragment = measure(app, client, "/tree/objectives/2/fragment")
        assert fragment.startswith('<details class="node node-team"')
    assert counts[50] <= BOUND and counts[50] == counts[2000], counts


def test_the_filtered_and_collapsed_tree_page_stays_within_the_bound(orgs):
    counts = {}
    for size, (app, _) in orgs.items():
        client = signed_in(app, LEAD_EMAIL)
        counts[size], page = measure(app, client, "/tree?team=1&status=at_risk&collapsed=1")
        assert "<details class=\"node" in page and " open>" not in page.split('<div class="tree">')[1].split(
            '<section class="not-checked-in">')[0]
    assert counts[50] <= BOUND and counts[50] == counts[2000], counts


def test_the_team_page_issues_the_same_small_number_of_queries_for_50_and_2000_people(orgs):
    counts = {}
    for size, (app, _) in orgs.items():
        client = signed_in(app, LEAD_EMAIL)
        counts[size], page = measure(app, client, "/team")
        # Team 1 is every third person; the lead reads everyone below them, so report text shows.
        assert "Customer Success" in page and "Pricing approval is slow" in page
        assert "Let us talk on Monday." in page
    assert counts[50] <= BOUND and counts[2000] <= BOUND, counts
    assert counts[50] == counts[2000], counts


def test_the_home_page_issues_the_same_small_number_of_queries_for_50_and_2000_people(orgs):
    counts = {}
    for size, (app, _) in orgs.items():
        client = signed_in(app, LEAD_EMAIL)
        counts[size], page = measure(app, client, "/")
        assert "People below you who are behind" in page
    assert counts[50] <= BOUND and counts[50] == counts[2000], counts


def test_the_api_tree_issues_the_same_small_number_of_queries_for_50_and_2000_people(orgs):
    tokens = pytest.importorskip("okr_app.api.tokens")
    counts = {}
    for size, (app, facts) in orgs.items():
        with app.app_context():
            ceo = db.session.scalar(sa.select(Person).where(Person.email == CEO_EMAIL))
            created = tokens.create_token(ceo)
            secret = created[1] if isinstance(created, tuple) else created
            db.session.commit()
        client = app.test_client()
        with counted(app) as statements:
            response = client.get("/api/v1/cycles/1/tree", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        shown = sum(1 for _ in _walk(response.get_json()["objectives"]))
        assert shown == facts["objectives"]
        counts[size] = len(statements)
    assert counts[50] <= BOUND and counts[2000] <= BOUND, counts
    assert counts[50] == counts[2000], counts


def _walk(objectives):
    for objective in objectives:
        yield objective
        for kr in objective["key_results"]:
            yield from _walk(kr["objectives"])
