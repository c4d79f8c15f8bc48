"""Separation of duties on approval: not who ran it, not a payee, not who changed its inputs since.

Each refusal says why, changes nothing and is kept in the audit trail; another finance
person may approve.
"""
from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import AuditEvent, PayoutRun
from tests.builders.payout_runs import DEALS_HEADER, QUOTAS, ROSTER, Finance


@pytest.fixture
def finance(app, build, clock, tmp_path):
    clock.pin(datetime(2026, 7, 2, 9, 0))
    for email in ("a1@example.com", "a2@example.com"):
        build.person(email=email)
    for email in ("fin1@example.com", "fin2@example.com", "fin3@example.com"):
        build.person(email=email, role="finance")
    return Finance(app, tmp_path)


def live_run(period: str = "2026-Q2") -> PayoutRun:
    return db.session.scalar(sa.select(PayoutRun).where(PayoutRun.period == period, PayoutRun.state != "superseded"))


def refusals() -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "payout.approve_refused")
                                   .order_by(AuditEvent.id)))


def test_finance_cannot_approve_a_run_that_pays_them_but_another_finance_person_can(finance):
    # fin3 is on the 2026-Q2 roster as rep f3 (paid 0.00: no deals, but on the roster all the same)
    finance.load(roster=ROSTER + ["f3,Fin Three,FIN3@example.com,ae-80-20,,"],
                 quotas=QUOTAS + ["f3,2026-Q2,new_business,100000", "f3,2026-Q2,renewal,50000"])
    finance.ok("payout", "run", "--period", "2026-Q2")
    run = live_run()
    refused = finance("payout", "approve", str(run.id), who="fin3@example.com")
    assert refused.exit_code == 2
    assert (f"Separation of duties: payout run #{run.id} pays you (fin3@example.com is on its 2026-Q2 roster as "
            "rep f3), so another finance person must approve it. Nothing was approved.") in refused.output
    assert live_run().state == "draft"
    (event,) = refusals()
    assert (event.actor_email, event.object_id) == ("fin3@example.com", str(run.id))
    assert '"reason": "paid_by_it"' in event.after
    assert "Approved run" in finance.ok("payout", "approve", str(run.id), who="fin2@example.com")
    assert live_run().approved_by.email == "fin2@example.com"


def test_finance_cannot_approve_a_run_whose_inputs_they_changed_after_it_was_computed(finance, clock):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    run = live_run()
    clock.pin(datetime(2026, 7, 2, 10, 0))
    fix = finance.file("fix.csv", DEALS_HEADER, ["D2,ACC-2,a1,new,80000,2026-05-05,"])
    finance.ok("deals", "import", fix, "--replace", who="fin2@example.com")
    refused = finance("payout", "approve", str(run.id), who="fin2@example.com")
    assert refused.exit_code == 2
    assert (f"Separation of duties: you changed the inputs of payout run #{run.id} after it was computed "
            "(deals.correct on 2026-07-02 10:00 UTC), so another finance person must approve it.") in refused.output
    assert live_run().state == "draft"
    (event,) = refusals()
    assert event.actor_email == "fin2@example.com" and '"reason": "changed_its_inputs"' in event.after
    # fin3 changed nothing: they may approve (the changed deal is paid later, as an adjustment)
    assert "Approved run" in finance.ok("payout", "approve", str(run.id), who="fin3@example.com")


def test_an_import_that_leaves_the_quarters_inputs_as_they_were_does_not_bar_approval(finance, clock):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    clock.pin(datetime(2026, 7, 2, 10, 0))
    # a Q3 deal: the 2026-Q2 inputs (deals closed by 2026-06-30) are unchanged
    finance.ok("deals", "import", finance.file("q3.csv", DEALS_HEADER, ["D9,ACC-9,a1,new,1000,2026-07-01,"]),
               who="fin2@example.com")
    assert "Approved run" in finance.ok("payout", "approve", str(live_run().id), who="fin2@example.com")
    assert refusals() == []


def test_the_person_who_ran_it_is_refused_and_the_refusal_is_audited(finance):
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    refused = finance("payout", "approve", str(live_run().id))
    assert refused.exit_code == 2 and "you ran payout run" in refused.output
    (event,) = refusals()
    assert event.actor_email == "fin1@example.com" and '"reason": "ran_it"' in event.after


def test_approving_asks_for_confirmation_at_a_terminal_and_yes_skips_it(finance):
    help_text = finance("payout", "approve", "--help", who=None).output
    assert "asks for confirmation first (approving cannot be undone)" in " ".join(help_text.split())
    finance.load()
    finance.ok("payout", "run", "--period", "2026-Q2")
    assert "Approved run" in finance.ok("payout", "approve", str(live_run().id), "--yes", who="fin2@example.com")
    assert live_run().state == "approved"
