"""Finance does the quarter in the browser: upload, run, review, approve, download the payroll file.

The pages call the same services as the CLI (`okr_app.payouts.imports`, `record_run`,
`approve_run`, `export_run`), so the numbers are the CLI's: with the worked example,
a1 is paid 25,600 + 3,600 = 29,200.00 and a2 16,000 x 0.5 = 8,000.00.
"""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from okr_app.extensions import db
from okr_app.models import AuditEvent, Deal, PayoutRun
from tests.builders.payout_runs import DEALS_HEADER, Q2_DEALS, QUOTAS, QUOTAS_HEADER, ROSTER, ROSTER_HEADER, Finance


def csv_file(header: str, rows: list[str], name: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO((header + "\n" + "".join(row + "\n" for row in rows)).encode()), name


@pytest.fixture
def people(app, build, tmp_path):
    build.person(email="a1@example.com")
    build.person(email="a2@example.com")
    build.person(email="fin1@example.com", role="finance")
    build.person(email="fin2@example.com", role="finance")
    build.person(email="emp@example.com")
    app.config["PLANS_DIR"] = str(Finance(app, tmp_path).plans)


def test_finance_uploads_runs_approves_and_downloads_the_payroll_file_in_the_browser(client, auth, people):
    auth.login("fin1@example.com")
    assert "The quarter" in client.get("/pay/quarter").get_data(as_text=True)
    for kind, data in (("roster", {"file": csv_file(ROSTER_HEADER, ROSTER, "roster.csv"), "period": "2026-Q2"}),
                       ("quotas", {"file": csv_file(QUOTAS_HEADER, QUOTAS, "quotas.csv")}),
                       ("deals", {"file": csv_file(DEALS_HEADER, Q2_DEALS, "deals.csv")})):
        response = client.post(f"/pay/quarter/{kind}", data=data, content_type="multipart/form-data",
                               follow_redirects=True)
        assert response.status_code == 200 and f"Imported {kind}.csv" in response.get_data(as_text=True), kind
    ran = client.post("/pay/quarter/run", data={"period": "2026-Q2"}, follow_redirects=True)
    page = ran.get_data(as_text=True)
    assert "Recorded draft run #1 for 2026-Q2: 2 reps" in page and "USD 37,200.00" in page
    auth.logout()
    auth.login("fin2@example.com")
    approved = client.post("/pay/runs/1/approve", data={"confirm": "yes"}, follow_redirects=True)
    assert "is approved and locked" in approved.get_data(as_text=True)
    assert "Download payroll CSV" in approved.get_data(as_text=True)
    payroll = client.get("/pay/runs/1/payroll.csv")
    assert payroll.status_code == 200 and payroll.mimetype == "text/csv"
    assert payroll.get_data(as_text=True) == ("rep,email,period,currency,amount\n"
                                              "a1,a1@example.com,2026-Q2,USD,29200.00\n"
                                              "a2,a2@example.com,2026-Q2,USD,8000.00\n")
    run = db.session.get(PayoutRun, 1)
    db.session.refresh(run)
    assert (run.state, run.created_by.email, run.approved_by.email, run.exported_by.email) == (
        "exported", "fin1@example.com", "fin2@example.com", "fin2@example.com")
    # the quarter's own events, in order (sign-ins and sign-outs are audited too, and left out here)
    actions = list(db.session.scalars(sa.select(AuditEvent.action).where(~AuditEvent.action.startswith("auth."))
                                      .order_by(AuditEvent.id)))
    assert actions == ["roster.import", "quotas.import", "deals.import", "payout.run", "payout.approve",
                       "payout.export"]


def test_a_bad_upload_lists_every_bad_row_and_imports_nothing(client, auth, people):
    auth.login("fin1@example.com")
    bad = ["D1,ACC-1,a1,upsell,60000,2026-04-10,", "D2,ACC-2,a1,new,-5,2026-05-05,",
           "D3,ACC-3,a1,new,100,2026-02-30,"]
    response = client.post("/pay/quarter/deals", data={"file": csv_file(DEALS_HEADER, bad, "deals.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "3 problems; nothing was imported" in page
    for line, field in ((2, "type"), (3, "amount"), (4, "close_date")):
        assert f"deals.csv, line {line}, {field}:" in page, field
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 0


def test_a_run_on_data_that_cannot_be_paid_lists_its_problems_and_records_nothing(client, auth, people):
    auth.login("fin1@example.com")
    client.post("/pay/quarter/roster", data={"file": csv_file(ROSTER_HEADER, ROSTER, "roster.csv"),
                                             "period": "2026-Q2"}, content_type="multipart/form-data")
    client.post("/pay/quarter/deals", data={"file": csv_file(DEALS_HEADER, Q2_DEALS, "deals.csv")},
                content_type="multipart/form-data")
    response = client.post("/pay/quarter/run", data={"period": "2026-Q2"})  # no quotas imported
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "no quota for rep a1, period 2026-Q2, component new_business" in page
    assert db.session.scalar(sa.select(sa.func.count(PayoutRun.id))) == 0


def test_the_quarter_pages_are_finance_only(client, auth, people):
    auth.login("emp@example.com")
    assert client.get("/pay/quarter").status_code == 403
    response = client.post("/pay/quarter/deals", data={"file": csv_file(DEALS_HEADER, Q2_DEALS, "deals.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Deal.id))) == 0
