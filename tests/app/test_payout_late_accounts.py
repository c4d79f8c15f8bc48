"""Payees who get a Cadence account after their run was approved still read their statements.

The run stores the roster's e-mail; a statement recorded before its rep had an account is
matched to them by that e-mail when they (or their manager) open the Pay pages. Finance
sees, on the run's page, the payees nobody in Cadence has the e-mail of yet.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import RunStatement
from okr_app.payouts.imports import import_deals, import_quotas, import_roster
from okr_app.payouts.runs import record_run
from okr_app.payouts.services import approve_run, get_run
from okr_app.policy import Actor
from tests.builders.payout_files import RUN_DEALS, RUN_QUOTAS, RUN_ROSTER, write_payout_inputs

# Cleo (rep3) is on the roster but has no Cadence account when the run is recorded and approved.
# rep3: new 20,000 / 100,000 = 0.2, below the 0.5 threshold -> new_business 0.00; renewal 0.00; total 0.00.
LATE_ROSTER = RUN_ROSTER + ["rep3,Cleo Late,Cleo.Late@example.com,ae-80-20,,"]
LATE_DEALS = RUN_DEALS + ["N-10,ACC-10,rep3,new,20000,2026-05-15,"]
LATE_QUOTAS = RUN_QUOTAS + ["rep3,2026-Q2,new_business,100000", "rep3,2026-Q2,renewal,50000"]


@pytest.fixture
def late(app, build, tmp_path):
    finance = build.person(role="finance", email="fay@example.com")
    approver = build.person(role="finance", email="gus@example.com")
    manager = build.person(role="manager", email="mia@example.com")
    build.person(email="ada@example.com")
    build.person(email="ben@example.com")
    paths = write_payout_inputs(tmp_path / "in", deals=LATE_DEALS, roster=LATE_ROSTER, quotas=LATE_QUOTAS)
    actor = Actor(finance)
    import_deals(actor, Path(paths["--deals"]).read_bytes(), "deals.csv")
    import_roster(actor, Path(paths["--roster"]).read_bytes(), "roster.csv", "2026-Q2", paths["--plans"])
    import_quotas(actor, Path(paths["--quotas"]).read_bytes(), "quotas.csv")
    run = record_run(actor, "2026-Q2", paths["--plans"]).run
    approve_run(Actor(approver), get_run(Actor(approver), run.id))
    db.session.commit()
    cleo = db.session.scalar(sa.select(RunStatement).where(RunStatement.run_id == run.id,
                                                           RunStatement.rep_id == "rep3"))
    assert cleo.person_id is None
    return run.id, cleo.id, manager


def test_the_run_page_lists_the_payees_without_a_cadence_account(client, auth, late):
    run_id, _, _ = late
    auth.login("fay@example.com")
    page = client.get(f"/pay/runs/{run_id}").get_data(as_text=True)
    assert "Payees without a Cadence account" in page
    assert "Cleo Late (rep3) · Cleo.Late@example.com" in page
    assert "Ada" not in page.split("Payees without a Cadence account")[1].split("<h2>")[0]


def test_a_rep_whose_account_is_created_after_approval_reads_their_statements(client, auth, build, late):
    run_id, statement_id, manager = late
    build.person(email="cleo.late@example.com", manager=manager)  # invited later, e-mail in another case
    db.session.commit()
    auth.login("cleo.late@example.com")
    index = client.get("/pay/").get_data(as_text=True)
    assert f"/pay/statements/{statement_id}" in index
    page = client.get(f"/pay/statements/{statement_id}")
    assert page.status_code == 200 and "Cleo Late" in page.get_data(as_text=True)
    assert client.get(f"/pay/statements/{statement_id}.pdf").status_code == 200
    auth.logout()
    auth.login("mia@example.com")  # Cleo's manager reads it too
    assert client.get(f"/pay/statements/{statement_id}").status_code == 200
    auth.logout()
    auth.login("ben@example.com")  # nobody else does
    assert client.get(f"/pay/statements/{statement_id}").status_code == 404
    auth.logout()
    auth.login("fay@example.com")
    page = client.get(f"/pay/runs/{run_id}").get_data(as_text=True)
    assert "Payees without a Cadence account" not in page
