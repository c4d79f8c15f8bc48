"""The Pay pages: your own statements, your reports' for managers, every run for finance,
and 404 for a statement id that is not yours to read."""
from __future__ import annotations

import shutil
import subprocess

import pytest

from okr_app.extensions import db
from okr_app.models import PayoutRun
from okr_app.payouts.services import approve_run
from comp_engine.names import line_label, line_name
from okr_app.policy import Actor
from tests.builders.payout_files import record_payout_run


@pytest.fixture
def pay(app, build, tmp_path):
    """A draft 2026-Q2 run paying Ada 29,200 and Ben 8,000 (see `record_payout_run`)."""
    return record_payout_run(build, tmp_path / "in")


def approve(pay) -> None:
    approve_run(Actor(pay.people.approver), db.session.get(PayoutRun, pay.run_id))
    db.session.commit()


def test_a_rep_reads_their_own_statement_with_every_line_deal_and_the_total(client, auth, pay):
    approve(pay)
    auth.login("ada@example.com")
    index = client.get("/pay/").get_data(as_text=True)
    assert f"/pay/statements/{pay.ada}" in index and f"/pay/statements/{pay.ben}" not in index
    page = client.get(f"/pay/statements/{pay.ada}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for expected in ("Ada Quinn", "new_business", "renewal", "N-1", "N-2", "R-1", "25,600.00", "3,600.00",
                     "USD 29,200.00", "16,000.00 × (1.0 × 1.0 + 2.0 × (130,000.00 − 100,000.00) / 100,000.00) = 25,600.00",
                     "Download PDF", f"/pay/statements/{pay.ada}.pdf"):
        assert expected in html, expected


def test_a_rep_gets_404_for_a_peer_s_statement_and_its_pdf(client, auth, pay):
    approve(pay)
    auth.login("ada@example.com")
    assert client.get(f"/pay/statements/{pay.ben}").status_code == 404
    assert client.get(f"/pay/statements/{pay.ben}.pdf").status_code == 404
    assert client.get("/pay/statements/999999").status_code == 404


def test_a_manager_reads_a_report_s_statement_but_not_anyone_else_s(client, auth, pay):
    approve(pay)
    auth.login("mia@example.com")
    index = client.get("/pay/").get_data(as_text=True)
    assert "Your team's statements" in index and f"/pay/statements/{pay.ada}" in index
    assert client.get(f"/pay/statements/{pay.ada}").status_code == 200
    assert client.get(f"/pay/statements/{pay.ben}").status_code == 404


def test_someone_with_no_statement_sees_none_and_reads_none(client, auth, pay):
    approve(pay)
    auth.login("olu@example.com")
    assert "No statement yet" in client.get("/pay/").get_data(as_text=True)
    assert client.get(f"/pay/statements/{pay.ada}").status_code == 404
    assert client.get(f"/pay/runs/{pay.run_id}").status_code == 404


def test_a_draft_run_s_statement_stays_hidden_from_the_rep_until_approved(client, auth, pay):
    auth.login("ada@example.com")
    assert client.get(f"/pay/statements/{pay.ada}").status_code == 404
    assert f"/pay/statements/{pay.ada}" not in client.get("/pay/").get_data(as_text=True)


def test_finance_sees_the_runs_with_totals_and_every_statement(client, auth, pay):
    auth.login("gus@example.com")
    index = client.get("/pay/").get_data(as_text=True)
    # 29,200 + 8,000 = 37,200 over the two reps.
    for expected in ("Payout runs", f"#{pay.run_id}", "2026-Q2", "draft", "USD 37,200.00", "Fay Finance", "not yet"):
        assert expected in index, expected
    run_page = client.get(f"/pay/runs/{pay.run_id}").get_data(as_text=True)
    for expected in ("Ada Quinn", "Ben Ortiz", "USD 29,200.00", "USD 8,000.00", f"/pay/statements/{pay.ben}",
                     "Approve run", f"/pay/runs/{pay.run_id}/summary.pdf"):
        assert expected in run_page, expected
    assert client.get(f"/pay/statements/{pay.ben}").status_code == 200


def test_another_finance_person_approves_the_run_from_the_web(client, auth, pay):
    auth.login("gus@example.com")
    page = client.get(f"/pay/runs/{pay.run_id}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and 'method="post"' in page
    unconfirmed = client.post(f"/pay/runs/{pay.run_id}/approve", follow_redirects=True)
    assert "tick the box to confirm that you reviewed it" in unconfirmed.get_data(as_text=True)
    assert db.session.get(PayoutRun, pay.run_id).state == "draft"
    response = client.post(f"/pay/runs/{pay.run_id}/approve", data={"confirm": "yes"}, follow_redirects=True)
    assert response.status_code == 200
    assert "is approved and locked" in response.get_data(as_text=True)
    run = db.session.get(PayoutRun, pay.run_id)
    db.session.refresh(run)
    assert run.state == "approved" and run.approved_by_id == pay.people.approver.id


def test_the_person_who_ran_the_payout_cannot_approve_it(client, auth, pay):
    auth.login("fay@example.com")
    page = client.get(f"/pay/runs/{pay.run_id}").get_data(as_text=True)
    assert "Approve run" not in page and "separation of duties" in page
    response = client.post(f"/pay/runs/{pay.run_id}/approve", data={"confirm": "yes"}, follow_redirects=True)
    assert "another finance person must approve it" in response.get_data(as_text=True)
    run = db.session.get(PayoutRun, pay.run_id)
    db.session.refresh(run)
    assert run.state == "draft"


def test_nobody_outside_finance_can_approve_or_read_a_run(client, auth, pay):
    auth.login("mia@example.com")
    assert client.post(f"/pay/runs/{pay.run_id}/approve").status_code == 404
    assert client.get(f"/pay/runs/{pay.run_id}/summary.pdf").status_code == 404
    run = db.session.get(PayoutRun, pay.run_id)
    db.session.refresh(run)
    assert run.state == "draft"


def test_approving_needs_a_post(client, auth, pay):
    auth.login("gus@example.com")
    assert client.get(f"/pay/runs/{pay.run_id}/approve").status_code == 405


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_download_is_a_pdf_of_the_same_statement(client, auth, pay, tmp_path):
    approve(pay)
    auth.login("ada@example.com")
    response = client.get(f"/pay/statements/{pay.ada}.pdf")
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="2026-Q2-rep1.pdf"'
    assert "no-store" in response.headers["Cache-Control"]
    assert response.data.startswith(b"%PDF")
    (tmp_path / "s.pdf").write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "Ada Quinn" in text and "USD 29,200.00" in text and "N-2" in text


def test_finance_downloads_the_run_s_summary_pdf(client, auth, pay):
    auth.login("gus@example.com")
    response = client.get(f"/pay/runs/{pay.run_id}/summary.pdf")
    assert response.status_code == 200 and response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"] == 'attachment; filename="2026-Q2-summary.pdf"'


def test_the_pay_pages_ask_you_to_sign_in_first(client, pay):
    for url in ("/pay/", f"/pay/statements/{pay.ada}", f"/pay/statements/{pay.ada}.pdf", f"/pay/runs/{pay.run_id}"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


@pytest.mark.parametrize(("key", "label"), [
    ("new_business", "New business"),
    ("renewal", "Renewal"),
    ("modifier:gross_revenue_retention", "Modifier: Gross revenue retention"),
    ("clawback", "Clawback"),
    ("arr__expansion", "Arr expansion"),
    ("draw:recovery", "Draw: recovered"),
    ("question:7", "Question #7"),
    ("adjustment:2026-Q1:new_business", "Adjustment 2026-Q1: New business"),
    ("adjustment:2026-Q1:modifier:logo_retention", "Adjustment 2026-Q1: Modifier: Logo retention"),
])
def test_a_component_key_reads_as_words(key, label):
    assert line_name(key) == label


@pytest.mark.parametrize(("key", "label"), [
    ("new_business", "New business (new_business)"),  # a plan key: the name, and the key the plan file uses
    ("adjustment:2026-Q1:new_business", "Adjustment 2026-Q1: New business (new_business)"),
    ("modifier:gross_revenue_retention", "Modifier: Gross revenue retention"),  # words already: no key
    ("clawback", "Clawback"),
    ("adjustment:2026-Q1:question:3", "Adjustment 2026-Q1: Question #3"),
])
def test_a_summary_row_names_the_line_with_its_plan_key_beside_it(key, label):
    assert line_label(key) == label


def test_the_statement_names_each_component_in_words_with_the_plan_key_beside_it(client, auth, pay):
    approve(pay)
    auth.login("ada@example.com")
    html = client.get(f"/pay/statements/{pay.ada}").get_data(as_text=True)
    summary = html.split("<h2>Summary</h2>")[1].split("</table>")[0]
    assert '<td>New business <small class="muted line-key">new_business</small></td>' in summary
    assert '<td>Renewal <small class="muted line-key">renewal</small></td>' in summary
    components = html.split("<h2>Components</h2>")[1]
    assert '<h3>New business <small class="muted">quota component · <span class="line-key">new_business</span>' \
        in components
    assert "Draft run" not in html and "callout" not in html.split("<h2>Summary</h2>")[0]  # approved: no banner


def test_a_draft_statement_says_so_as_information_not_as_an_error(client, auth, pay):
    auth.login("gus@example.com")
    html = client.get(f"/pay/statements/{pay.ben}").get_data(as_text=True)
    assert f'<p class="callout callout-info" role="status">Draft run #{pay.run_id}: finance has not approved it' in html
    assert "flash-error" not in html


def test_a_superseded_statement_warns_that_it_is_never_paid(client, auth, pay):
    from okr_app.payouts.imports import import_deals
    from okr_app.payouts.runs import record_run

    finance = Actor(pay.people.finance)
    extra = "deal_id,account_id,rep_id,type,amount,close_date,split\nN-10,ACC-10,rep2,new,10000,2026-05-02,\n"
    import_deals(finance, extra.encode(), "late-deal.csv")
    newer = record_run(finance, "2026-Q2", pay.plans).run
    db.session.commit()
    auth.login("gus@example.com")
    html = client.get(f"/pay/statements/{pay.ben}").get_data(as_text=True)
    assert (f'<p class="callout callout-warn" role="status">Run #{pay.run_id} was replaced by run #{newer.id}: '
            "this statement is kept for the record and is never paid.</p>") in html
