"""The weekly check-in's rules, through its services: one report per person per ISO week, all-or-nothing
submits, every key-result update kept with who and when, and who may reply to a report."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from okr_app.checkins.services import (KrUpdate, KrUpdateRejected, parse_value, reply_to_report, report_for,
                                       save_weekly_report, submit_weekly_check_in)
from okr_app.errors import InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.models import CheckIn, KeyResult, ReportReply, WeeklyReport
from okr_app.okrs.progress import ProgressBook
from okr_app.policy import Actor
from okr_app.clock import today
from okr_app.domain.weeks import iso_week_of

REPORT = {"progress": "Closed Acme", "plans": "Renew Globex", "problems": "Legal is slow", "satisfaction": 4}


def reports_of(person) -> list[WeeklyReport]:
    return list(db.session.scalars(sa.select(WeeklyReport).where(WeeklyReport.person_id == person.id)))


def check_ins_of(kr) -> list[CheckIn]:
    return list(db.session.scalars(sa.select(CheckIn).where(CheckIn.key_result_id == kr.id).order_by(CheckIn.id)))


def test_a_second_report_in_the_same_week_updates_the_first_instead_of_adding_one(build):
    me = build.person()
    week = iso_week_of(today())
    first, created = save_weekly_report(Actor(me), week, **REPORT)
    db.session.commit()
    again, created_again = save_weekly_report(Actor(me), week, **{**REPORT, "progress": "Closed Acme and Initech"})
    db.session.commit()
    assert created and not created_again
    assert again.id == first.id
    assert [r.progress for r in reports_of(me)] == ["Closed Acme and Initech"]


def test_a_report_in_a_different_week_is_a_new_report(build):
    me = build.person()
    this_monday = today() - timedelta(days=today().weekday())
    next_week_day = this_monday + timedelta(days=9)  # Wednesday of next week
    save_weekly_report(Actor(me), iso_week_of(today()), **REPORT)
    save_weekly_report(Actor(me), iso_week_of(next_week_day), **REPORT, on=next_week_day)
    db.session.commit()
    assert sorted(r.iso_week for r in reports_of(me)) == sorted([iso_week_of(today()), iso_week_of(next_week_day)])


def test_writing_or_editing_a_report_for_a_past_week_is_refused(build):
    me = build.person()
    last_week = iso_week_of(today() - timedelta(days=7))
    build.weekly(me, week=last_week)
    with pytest.raises(InvalidInput, match="not this week"):
        save_weekly_report(Actor(me), last_week, **REPORT)
    db.session.rollback()
    assert [r.progress for r in reports_of(me)] == ["Shipped things"]  # the builder's text, untouched


def test_a_week_that_is_not_an_iso_week_is_refused(build):
    with pytest.raises(InvalidInput, match="ISO week"):
        save_weekly_report(Actor(build.person()), "last week", **REPORT)


@pytest.mark.parametrize("satisfaction", [0, 6, -1, "0", "6", "three", "", None, 3.5, True])
def test_satisfaction_is_a_whole_number_from_one_to_five(build, satisfaction):
    me = build.person()
    with pytest.raises(InvalidInput, match="Satisfaction"):
        save_weekly_report(Actor(me), iso_week_of(today()), **{**REPORT, "satisfaction": satisfaction})
    db.session.rollback()
    assert reports_of(me) == []


@pytest.mark.parametrize("satisfaction", [1, 5, "3", " 2 ", 4.0])
def test_satisfaction_accepts_each_whole_number_from_one_to_five(build, satisfaction):
    me = build.person()
    report, _ = save_weekly_report(Actor(me), iso_week_of(today()), **{**REPORT, "satisfaction": satisfaction})
    assert report.satisfaction == int(float(str(satisfaction).strip()))


def test_report_text_longer_than_ten_thousand_characters_is_refused(build):
    with pytest.raises(InvalidInput, match="at most 10,000"):
        save_weekly_report(Actor(build.person()), iso_week_of(today()), **{**REPORT, "problems": "x" * 10_001})


def _org(build):
    """A leader's company objective with a roll-up key result; my objective aligns to it."""
    lead = build.person(role="leader")
    me = build.person(manager=lead)
    cycle = build.cycle()
    company = build.objective(cycle, company=True)
    rollup = build.key_result(company, kind="rollup")
    mine = build.objective(cycle, owner=me, aligned_to=rollup)
    deals = build.key_result(mine, start=0, target=10, current=2)
    launch = build.key_result(mine, kind="milestone")
    return me, cycle, company, deals, launch


def test_the_check_in_records_every_update_with_who_and_when_and_moves_the_rollup(build):
    me, cycle, company, deals, launch = _org(build)
    # before: deals (2 - 0) / (10 - 0) = 0.2, launch 0 → mine (0.2 + 0) / 2 = 0.1 → company rollup 0.1
    assert ProgressBook.for_cycle(cycle.id).objective_progress(company.id) == pytest.approx(0.1)
    report, recorded = submit_weekly_check_in(
        Actor(me), [KrUpdate(deals.id, "6", "at_risk", "Two demos slipped"), KrUpdate(launch.id, "1")],
        iso_week_of(today()), **REPORT)
    db.session.commit()
    assert recorded == 2
    history = check_ins_of(deals)
    assert [c.value for c in history] == [2.0, 6.0]
    assert history[-1].author_id == me.id and history[-1].note == "Two demos slipped"
    assert history[-1].created_at is not None and history[-1].confidence == "at_risk"
    assert check_ins_of(launch)[-1].author_id == me.id
    # after: deals 6 / 10 = 0.6, launch 1 → mine (0.6 + 1) / 2 = 0.8 → company rollup 0.8
    db.session.expire_all()
    assert ProgressBook.for_cycle(cycle.id).objective_progress(company.id) == pytest.approx(0.8)
    assert report.iso_week == iso_week_of(today())


def test_an_update_that_changes_nothing_is_not_recorded_again(build):
    me, _, _, deals, launch = _org(build)
    # deals shows 2 (its latest check-in); launch shows 0 (never checked in: not done yet)
    _, recorded = submit_weekly_check_in(Actor(me), [KrUpdate(deals.id, "2"), KrUpdate(launch.id, "0")],
                                         iso_week_of(today()), **REPORT)
    assert recorded == 0
    assert len(check_ins_of(deals)) == 1 and check_ins_of(launch) == []


def test_a_blank_value_with_a_new_confidence_records_the_shown_value_again(build):
    me, _, _, deals, _ = _org(build)
    _, recorded = submit_weekly_check_in(Actor(me), [KrUpdate(deals.id, "", "off_track")], iso_week_of(today()),
                                         **REPORT)
    assert recorded == 1
    assert [(c.value, c.confidence) for c in check_ins_of(deals)][-1] == (2.0, "off_track")


@pytest.mark.parametrize("which, value, message", [
    ("deals", "twelve", "not a number"),
    ("deals", "inf", "is not a number"),
    ("deals", "nan", "is not a number"),
    ("deals", 1e309, "finite"),
    ("launch", "2", "milestone takes 1"),
])
def test_a_bad_value_anywhere_refuses_the_whole_check_in_and_names_the_key_result(build, which, value, message):
    me, _, _, deals, launch = _org(build)
    bad = deals if which == "deals" else launch
    good = launch if which == "deals" else deals
    updates = [KrUpdate(good.id, "1" if good is launch else "7"), KrUpdate(bad.id, value)]
    with pytest.raises(KrUpdateRejected, match=message) as caught:
        submit_weekly_check_in(Actor(me), updates, iso_week_of(today()), **REPORT)
    db.session.rollback()
    assert caught.value.key_result_id == bad.id
    assert caught.value.message.startswith(bad.title)
    assert len(check_ins_of(deals)) == 1 and check_ins_of(launch) == []
    assert db.session.get(KeyResult, deals.id).current_value == 2.0
    assert reports_of(me) == []


def test_a_bad_report_refuses_the_key_result_updates_too(build):
    me, _, _, deals, _ = _org(build)
    with pytest.raises(InvalidInput, match="Satisfaction"):
        submit_weekly_check_in(Actor(me), [KrUpdate(deals.id, "9")], iso_week_of(today()),
                               **{**REPORT, "satisfaction": 0})
    db.session.rollback()
    assert len(check_ins_of(deals)) == 1


def test_someone_elses_key_result_cannot_be_updated_through_my_check_in(build):
    me, cycle, _, _, _ = _org(build)
    peer = build.person()
    theirs = build.key_result(build.objective(cycle, owner=peer), start=0, target=10)
    with pytest.raises(NotAllowed):
        submit_weekly_check_in(Actor(me), [KrUpdate(theirs.id, "9")], iso_week_of(today()), **REPORT)


@pytest.mark.parametrize("text, number", [("12", 12.0), (" 3.5 ", 3.5), ("-4", -4.0), ("1e3", 1000.0),
                                          ("", None), (None, None), (7, 7.0)])
def test_typed_values_are_read_as_numbers_and_blank_keeps_the_current_one(text, number):
    assert parse_value(text) == number


def _reported(build):
    boss = build.person(role="manager")
    author = build.person(manager=boss)
    peer = build.person(manager=boss)
    report = build.weekly(author, problems="Pricing approval takes a week")
    return boss, author, peer, report


def test_the_authors_manager_replies_to_a_report(build):
    boss, _, _, report = _reported(build)
    reply_to_report(Actor(boss), report_for(Actor(boss), report.id), "I will call finance today.")
    db.session.commit()
    assert [(r.author_id, r.body) for r in db.session.scalars(sa.select(ReportReply))] == [
        (boss.id, "I will call finance today.")]


def test_a_leader_outside_the_chain_replies_too(build):
    _, _, _, report = _reported(build)
    leader = build.person(role="leader")
    reply_to_report(Actor(leader), report_for(Actor(leader), report.id), "Noted.")


def test_the_author_answers_in_their_own_reports_thread(build):
    _, author, _, report = _reported(build)
    reply = reply_to_report(Actor(author), report_for(Actor(author), report.id), "Finance called back.")
    assert reply.author_id == author.id


def test_a_peer_can_neither_read_nor_reply_to_a_report(build):
    _, _, peer, report = _reported(build)
    with pytest.raises(NotFound):
        report_for(Actor(peer), report.id)
    with pytest.raises(NotAllowed):
        reply_to_report(Actor(peer), report, "Sneaky")


def test_an_empty_reply_is_refused(build):
    boss, _, _, report = _reported(build)
    with pytest.raises(InvalidInput, match="needs some text"):
        reply_to_report(Actor(boss), report, "   ")


def test_one_refusal_lists_every_mistake_of_the_submit(build):
    me, _, _, deals, launch = _org(build)
    with pytest.raises(KrUpdateRejected) as caught:
        submit_weekly_check_in(Actor(me), [KrUpdate(deals.id, "lots"), KrUpdate(launch.id, "3")],
                               iso_week_of(today()), **{**REPORT, "satisfaction": 9})
    db.session.rollback()
    assert set(caught.value.kr_errors) == {deals.id, launch.id}
    assert "not a number" in caught.value.message and "milestone" in caught.value.message
    assert "Satisfaction" in caught.value.message
