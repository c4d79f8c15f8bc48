"""`cadence payout run --period P` on imported data, then approve, export and list: the finance
round trip, with the unlucky operator's mistakes (reruns, self-approval, exporting a draft).

The tiny data set, by hand (plan ae-80-20: T = 20,000; new_business weight 0.8, threshold
0.5, curve [[0,1],[1,2]] marginal; renewal weight 0.2, curve [[0,1]]):
  a1, 2026-Q2: new 60,000 + 70,000 = 130,000 / quota 100,000 -> attainment 1.3;
               16,000 x (1.0 x 1.0 + 2.0 x 0.3) = 25,600.00
               renewal 45,000 / 50,000 = 0.9 -> 4,000 x 0.9 = 3,600.00; total 29,200.00
  a2, 2026-Q2: new 50,000 / 100,000 = 0.5 (at the threshold) -> 16,000 x 0.5 = 8,000.00;
               renewal 0 -> 0.00; total 8,000.00
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from comp_engine import lines_csv, run_payout
from okr_app.extensions import db
from okr_app.models import AuditEvent, PayoutLine, PayoutRun, RunStatement
from tests.builders.payout_runs import DEALS_HEADER, Q2_DEALS, Finance, live_runs, totals


@pytest.fixture
def finance(app, build, tmp_path):
    manager = build.person(email="m@example.com", role="manager")
    build.person(email="a1@example.com", manager=manager)
    build.person(email="a2@example.com")
    build.person(email="fin1@example.com", role="finance")
    build.person(email="fin2@example.com", role="finance")
    return Finance(app, tmp_path)


def test_a_run_records_a_draft_with_every_statement_and_line(finance):
    finance.load()
    output = finance.ok("payout", "run", "--period", "2026-Q2")
    run = live_runs("2026-Q2")[0]
    assert f"Recorded draft run #{run.id} for 2026-Q2: 2 reps, 37,200.00 USD" in output
    assert (run.state, run.rep_count, run.line_count, run.created_by.email) == ("draft", 2, 4, "fin1@example.com")
    assert totals(run.id) == {"a1": 2_920_000, "a2": 800_000}
    lines = db.session.execute(sa.select(PayoutLine.rep_id, PayoutLine.component, PayoutLine.credited,
                                         PayoutLine.quota, PayoutLine.attainment, PayoutLine.amount_cents)
                               .where(PayoutLine.run_id == run.id).order_by(PayoutLine.position)).all()
    assert [tuple(line) for line in lines] == [
        ("a1", "new_business", "130000.00", "100000.00", "1.3000", 2_560_000),
        ("a1", "renewal", "45000.00", "50000.00", "0.9000", 360_000),
        ("a2", "new_business", "50000.00", "100000.00", "0.5000", 800_000),
        ("a2", "renewal", "0.00", "50000.00", "0.0000", 0),
    ]
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "payout.run"))
    assert json.loads(event.after)["totals"] == {"USD": "37200.00"} and event.actor_email == "fin1@example.com"


def test_the_database_door_computes_exactly_what_the_file_door_computes(finance):
    """One engine, three doors: the stored lines are lines.csv of the same files, row for row."""
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    run = live_runs("2026-Q2")[0]
    paths = {name: finance.tmp_path / f"{name}.csv" for name in ("deals", "roster", "quotas")}
    expected = lines_csv(run_payout("2026-Q2", paths["deals"], paths["roster"], paths["quotas"], finance.plans))
    stored = "rep_id,period,component,deal_id,credited,quota,attainment,amount\n" + "".join(
        f"{line.rep_id},2026-Q2,{line.component},{line.deal_id},{line.credited},{line.quota},{line.attainment},"
        f"{line.amount_cents // 100}.{line.amount_cents % 100:02d}\n"
        for line in db.session.scalars(sa.select(PayoutLine).where(PayoutLine.run_id == run.id)
                                       .order_by(PayoutLine.position)))
    assert stored == expected


def test_running_again_on_the_same_inputs_returns_the_same_run(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    first = live_runs("2026-Q2")[0].id
    output = finance.ok("payout", "run", "--period", "2026-Q2", who="fin2@example.com")
    assert f"unchanged: run #{first}" in output
    assert db.session.scalar(sa.select(sa.func.count(PayoutRun.id))) == 1
    # A deal of a later quarter does not change 2026-Q2's inputs either.
    finance.ok("deals", "import", finance.file("later.csv", DEALS_HEADER, ["D9,ACC-9,a1,new,1,2026-07-01,"]))
    assert f"unchanged: run #{first}" in finance.ok("payout", "run", "--period", "2026-Q2")


def test_changed_inputs_replace_the_draft_and_keep_the_old_one_superseded(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    old = live_runs("2026-Q2")[0]
    finance.ok("deals", "import", finance.file("more.csv", DEALS_HEADER, ["D5,ACC-5,a2,renewal,10000,2026-06-30,"]))
    output = finance.ok("payout", "run", "--period", "2026-Q2")
    new = live_runs("2026-Q2")[0]
    assert f"Replaced draft run #{old.id}" in output and new.id != old.id
    db.session.refresh(old)
    assert (old.state, old.superseded_by_id) == ("superseded", new.id)
    # a2's renewal: 10,000 / 50,000 = 0.2 -> 4,000 x 0.2 = 800.00 more.
    assert totals(new.id) == {"a1": 2_920_000, "a2": 880_000}
    assert totals(old.id) == {"a1": 2_920_000, "a2": 800_000}


def test_the_person_who_ran_a_payout_cannot_approve_it_and_nor_can_a_non_finance_person(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    run_id = str(live_runs("2026-Q2")[0].id)
    own = finance("payout", "approve", run_id)
    assert own.exit_code == 2 and "Separation of duties" in own.output
    rep = finance("payout", "approve", run_id, who="a1@example.com")
    assert rep.exit_code == 2 and f"No payout run #{run_id}" in rep.output
    assert live_runs("2026-Q2")[0].state == "draft"
    assert "Approved run" in finance.ok("payout", "approve", run_id, who="fin2@example.com")
    run = live_runs("2026-Q2")[0]
    assert (run.state, run.approved_by.email) == ("approved", "fin2@example.com")
    again = finance("payout", "approve", run_id, who="fin2@example.com")
    assert again.exit_code == 2 and "already approved" in again.output


def test_an_approved_quarter_never_changes(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    run = live_runs("2026-Q2")[0]
    finance.ok("payout", "approve", str(run.id), who="fin2@example.com")
    before = totals(run.id)
    same = finance("payout", "run", "--period", "2026-Q2")
    assert same.exit_code == 2 and "an approved quarter never changes" in same.output
    assert "inputs are unchanged" in same.output
    finance.ok("deals", "import", finance.file("fix.csv", DEALS_HEADER, ["D2,ACC-2,a1,new,80000,2026-05-05,"]),
               "--replace")
    changed = finance("payout", "run", "--period", "2026-Q2")
    assert changed.exit_code == 2 and "adjustment lines" in changed.output
    assert [r.id for r in live_runs("2026-Q2")] == [run.id] and totals(run.id) == before
    assert db.session.scalar(sa.select(sa.func.count(PayoutRun.id))) == 1


def test_export_writes_the_payroll_file_of_an_approved_run_only(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    run_id = str(live_runs("2026-Q2")[0].id)
    draft = finance("payout", "export", run_id, "--format", "csv")
    assert draft.exit_code == 2 and "is a draft: approve it first" in draft.output
    finance.ok("payout", "approve", run_id, who="fin2@example.com")
    out = finance.tmp_path / "payroll.csv"
    assert "Wrote" in finance.ok("payout", "export", run_id, "--format", "csv", "--out", str(out))
    # Totals from the module docstring: 29,200.00 and 8,000.00.
    assert out.read_text() == ("rep,email,period,currency,amount\n"
                               "a1,a1@example.com,2026-Q2,USD,29200.00\n"
                               "a2,a2@example.com,2026-Q2,USD,8000.00\n")
    run = live_runs("2026-Q2")[0]
    assert (run.state, run.exported_by.email) == ("exported", "fin1@example.com")
    again = finance("payout", "export", run_id)
    assert again.stdout == out.read_text() and "had already been exported" in again.stderr


def test_the_payroll_file_escapes_text_a_spreadsheet_would_run(finance):
    roster = ["=HYPERLINK(1),Eve,@evil@example.com,ae-80-20,,"]
    finance.ok("roster", "import", finance.file("r.csv", "rep_id,name,email,plan,manager_id,target_incentive",
                                                roster), "--period", "2026-Q2")
    finance.ok("quotas", "import", finance.file("q.csv", "rep_id,period,component,quota",
                                                ["=HYPERLINK(1),2026-Q2,new_business,100",
                                                 "=HYPERLINK(1),2026-Q2,renewal,100"]))
    finance.ok("deals", "import", finance.file("d.csv", DEALS_HEADER, ["D1,ACC-1,=HYPERLINK(1),renewal,50,2026-04-01,"]))
    finance.ok("payout", "run", "--period", "2026-Q2")
    run_id = str(live_runs("2026-Q2")[0].id)
    finance.ok("payout", "approve", run_id, who="fin2@example.com")
    # renewal 50 / 100 = 0.5 -> 4,000 x 0.5 = 2,000.00; new_business 0 -> 0.
    assert finance.ok("payout", "export", run_id).splitlines()[1] == "'=HYPERLINK(1),'@evil@example.com,2026-Q2,USD,2000.00"


def test_runs_lists_live_runs_with_totals_and_all_shows_replaced_drafts(finance):
    assert "No payout runs yet" in finance.ok("payout", "runs")
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    finance.ok("deals", "import", finance.file("more.csv", DEALS_HEADER, ["D5,ACC-5,a2,renewal,10000,2026-06-30,"]))
    finance.ok("payout", "run", "--period", "2026-Q2")
    listed = finance.ok("payout", "runs").strip().splitlines()
    assert len(listed) == 1 and "#2  2026-Q2  draft" in listed[0] and "38,000.00 USD" in listed[0]
    assert "superseded" in finance.ok("payout", "runs", "--all")
    assert finance("payout", "runs", who="a1@example.com").exit_code == 2


def test_a_run_refuses_bad_imported_data_naming_the_imported_file_and_line(finance):
    finance.load(deals=[*Q2_DEALS, "D7,ACC-7,ghost,new,10,2026-04-02,"])
    result = finance("payout", "run", "--period", "2026-Q2")
    assert result.exit_code == 2
    assert "deals.csv, line 6, rep_id: 'ghost' is not on the roster" in result.output
    assert live_runs("2026-Q2") == []
    no_roster = finance("payout", "run", "--period", "2026-Q3")
    assert no_roster.exit_code == 2 and "There is no roster for 2026-Q3" in no_roster.output


def test_only_finance_runs_a_payout(finance):
    finance.load()
    result = finance("payout", "run", "--period", "2026-Q2", who="m@example.com")
    assert result.exit_code == 2 and "Only finance runs payouts" in result.output
    assert live_runs("2026-Q2") == []


def test_the_database_allows_one_live_run_per_quarter(finance, app):
    """The guarantee holds even for code that skips the lock: a partial unique index."""
    from sqlalchemy.exc import IntegrityError

    db.session.add(PayoutRun(period="2026-Q2", fingerprint="a", state="approved"))
    db.session.add(PayoutRun(period="2026-Q2", fingerprint="b", state="superseded"))
    db.session.commit()
    db.session.add(PayoutRun(period="2026-Q2", fingerprint="c", state="draft"))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_rep_who_left_before_the_quarter_is_set_aside_with_a_note_and_pay_is_unchanged(finance):
    # a9 closed D0 in 2026-Q1 and has left: not on the 2026-Q2 roster. D0 is before the quarter, so it is
    # set aside; a1 still gets 25,600.00 + 3,600.00 = 29,200.00 and a2 8,000.00, exactly as without D0.
    finance.load(deals=["D0,ACC-9,a9,new,10000,2026-01-15,", *Q2_DEALS])
    result = finance("payout", "run", "--period", "2026-Q2")
    assert result.exit_code == 0, result.output
    assert "note: " in result.output and "a9" in result.output
    totals = dict(db.session.execute(sa.select(RunStatement.rep_id, RunStatement.total_cents)).all())
    assert totals == {"a1": 2_920_000, "a2": 800_000}
