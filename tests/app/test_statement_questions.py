"""Questions on a statement: a rep asks about a line of their own statement, finance answers,
an adjustment is paid once in the next run, the rep and their manager are told.

Data: plan "ramp" pays 10% of new ARR. r1 (Rae, reports to Mo) closes 50,000 in 2025-Q1 (earns
5,000.00) and 20,000 in 2025-Q2 (2,000.00); r2 (Rob) closes 30,000 in 2025-Q1 (3,000.00).
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa

from okr_app.errors import InvalidInput
from okr_app.extensions import db
from okr_app.models import AuditEvent, Notification, PayoutLine, SentMail, StatementQuestion
from tests.builders.quarter_runs import QuarterRuns

ROSTER = ["r1,Rae One,rae@example.com,ramp,,,,,,,", "r2,Rob Two,rob@example.com,ramp,,,,,,,"]


@pytest.fixture
def org(app, build, tmp_path):
    class Org:
        pass

    org = Org()
    org.manager = build.person(role="manager", email="mo@example.com", name="Mo Manager")
    org.rae = build.person(email="rae@example.com", name="Rae One", manager=org.manager)
    org.rob = build.person(email="rob@example.com", name="Rob Two")
    org.runs = QuarterRuns(build, tmp_path)
    org.runs.deals(["D1,A1,r1,new,50000,2025-02-10,", "D2,A2,r2,new,30000,2025-03-01,",
                    "D3,A3,r1,new,20000,2025-05-10,"])
    for period in ("2025-Q1", "2025-Q2", "2025-Q3"):
        org.runs.roster(period, ROSTER)
    org.q1 = org.runs.run_and_approve("2025-Q1")
    org.rae_q1 = org.runs.statement(org.q1, "r1")
    org.rob_q1 = org.runs.statement(org.q1, "r2")
    org.rae_line = db.session.scalar(sa.select(PayoutLine.id).where(PayoutLine.run_id == org.q1.id,
                                                                    PayoutLine.rep_id == "r1"))
    return org


def ask(client, auth, email: str, statement_id: int, line_id: int, text: str = "D1 was 55,000, not 50,000",
        attachment: tuple[bytes, str] | None = None):
    auth.login(email)
    data = {"line": str(line_id), "text": text}
    if attachment:
        data["attachment"] = (io.BytesIO(attachment[0]), attachment[1])
    return client.post(f"/pay/statements/{statement_id}/questions", data=data, content_type="multipart/form-data")


def test_a_rep_asks_about_a_line_of_their_own_statement_with_an_attachment(app, client, auth, org):
    response = ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line,
                   attachment=(b"%PDF-1.4 order form", "../../etc/Order form.pdf"))
    assert response.status_code == 302
    question = db.session.scalar(sa.select(StatementQuestion))
    assert response.headers["Location"].endswith(f"/pay/questions/{question.id}")
    assert (question.state, question.asked_by_id, question.line.component) == ("open", org.rae.id, "commission")
    assert question.attachment_name == "Order form.pdf" and question.attachment_bytes == 19
    stored = Path(app.config["INSTANCE_PATH"]) / "question-attachments" / question.attachment_key
    assert stored.read_bytes() == b"%PDF-1.4 order form" and len(question.attachment_key) == 32
    download = client.get(f"/pay/questions/{question.id}/attachment")
    assert download.status_code == 200 and download.data == b"%PDF-1.4 order form"
    assert download.headers["Content-Type"] == "application/octet-stream"
    assert 'attachment; filename="Order form.pdf"' in download.headers["Content-Disposition"].replace("*=UTF-8''", "")
    events = [e.action for e in db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("question.%")))]
    assert events == ["question.ask"]
    told = {n.person_id for n in db.session.scalars(sa.select(Notification))}
    assert told == {org.runs.recorder.id, org.runs.approver.id}  # finance learns of the question


def test_a_rep_cannot_ask_on_someone_elses_statement(client, auth, org):
    # Rob cannot read Rae's statement (404); Mo reads it as her manager but only Rae may ask (403).
    assert ask(client, auth, "rob@example.com", org.rae_q1.id, org.rae_line).status_code == 404
    auth.logout()
    assert ask(client, auth, "mo@example.com", org.rae_q1.id, org.rae_line).status_code == 403
    auth.logout()
    # Nor may Rae ask about a line of Rob's statement through her own.
    rob_line = db.session.scalar(sa.select(PayoutLine.id).where(PayoutLine.run_id == org.q1.id,
                                                                PayoutLine.rep_id == "r2"))
    assert ask(client, auth, "rae@example.com", org.rae_q1.id, rob_line).status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(StatementQuestion.id))) == 0


def test_an_attachment_over_the_limit_is_refused_and_nothing_is_kept(app, client, auth, org):
    app.config["QUESTION_MAX_BYTES"] = 10
    response = ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line, attachment=(b"x" * 11, "big.png"))
    assert response.status_code == 422
    assert "the limit is 10 bytes" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(StatementQuestion.id))) == 0
    assert not (Path(app.config["INSTANCE_PATH"]) / "question-attachments").exists()


def test_a_question_refused_after_its_attachment_was_written_leaves_no_file_behind(app, client, auth, org,
                                                                                   monkeypatch):
    """The file is written before the question's row commits; a failure after the write (here: the audit
    event cannot be recorded) rolls the request back, and the file goes with it."""
    def audit_fails(*args, **kwargs):
        raise InvalidInput("the audit trail refused the event")

    monkeypatch.setattr("okr_app.payouts.questions.record", audit_fails)
    response = ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line, attachment=(b"%PDF-1.4", "a.pdf"))
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count(StatementQuestion.id))) == 0
    folder = Path(app.config["INSTANCE_PATH"]) / "question-attachments"
    assert folder.is_dir() and list(folder.iterdir()) == []  # written, then removed with the rollback


def answer(client, auth, question_id: int, **form: str):
    auth.logout()
    auth.login("fay@example.com")
    return client.post(f"/pay/questions/{question_id}", data=form)


def test_an_answered_adjustment_is_paid_once_in_the_next_run_and_the_rep_and_manager_are_told(app, client, auth, org):
    ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line)
    question = db.session.scalar(sa.select(StatementQuestion))
    page = answer(client, auth, question.id, outcome="adjusted", answer="Right: the order form says 55,000.",
                  amount="500.00", reason="D1 was 55,000 ARR: 10% of 5,000 more")
    assert page.status_code == 302
    db.session.expire_all()
    assert (question.state, question.adjustment_cents) == ("adjusted", 50_000)
    # 2025-Q2: Rae earns 10% of 20,000 = 2,000.00, plus the answer's 500.00 = 2,500.00.
    q2 = org.runs.run_and_approve("2025-Q2")
    lines = db.session.execute(sa.select(PayoutLine.component, PayoutLine.amount_cents).where(
        PayoutLine.run_id == q2.id, PayoutLine.rep_id == "r1").order_by(PayoutLine.position)).all()
    assert [tuple(row) for row in lines] == [("commission", 200_000),
                                             (f"adjustment:2025-Q1:question:{question.id}", 50_000)]
    assert org.runs.statement(q2, "r1").total_cents == 250_000
    # Paid once: 2025-Q3 owes nothing more (Rae closed nothing in Q3).
    q3 = org.runs.run("2025-Q3").run
    assert org.runs.statement(q3, "r1").total_cents == 0
    texts = {n.person_id: n.text for n in db.session.scalars(sa.select(Notification).where(
        Notification.text.like("Finance answered%")))}
    assert texts == {
        org.rae.id: "Finance answered your question about commission on your 2025-Q1 statement: an adjustment of "
                    "500 USD, paid in the next payout run.",
        org.manager.id: "Finance answered Rae One's question about commission on their 2025-Q1 statement: an "
                        "adjustment of 500 USD, paid in the next payout run."}
    # ... and by e-mail, once each, through the mail module (the instance outbox without an SMTP relay).
    mails = sorted(db.session.execute(sa.select(SentMail.kind, SentMail.recipient_id, SentMail.period_key)).all())
    assert [tuple(m) for m in mails] == sorted([("pay_question", org.rae.id, f"question-{question.id}"),
                                                ("pay_question", org.manager.id, f"question-{question.id}")])
    letters = [path.read_text() for path in (Path(app.config["INSTANCE_PATH"]) / "outbox").glob("*.eml")]
    assert len(letters) == 2 and any("Subject: Your 2025-Q1 statement: question answered" in m for m in letters)
    audit = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "question.answer"))
    assert '"adjustment": "500.00"' in audit.after
    # The statement page prints the adjustment with the question's reason.
    auth.logout()
    auth.login("rae@example.com")
    statement_page = client.get(f"/pay/statements/{org.runs.statement(q2, 'r1').id}").get_data(as_text=True)
    assert f"question #{question.id} about commission on the 2025-Q1 statement" in statement_page
    assert "D1 was 55,000 ARR: 10% of 5,000 more" in statement_page


def test_a_draft_recorded_before_the_answer_takes_the_adjustment_when_run_again(client, auth, org):
    draft = org.runs.run("2025-Q2").run
    ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line)
    question = db.session.scalar(sa.select(StatementQuestion))
    answer(client, auth, question.id, outcome="adjusted", answer="Agreed.", amount="-120", reason="Double-counted")
    again = org.runs.run("2025-Q2")
    assert again.status == "replaced" and again.replaced.id == draft.id
    # 2,000.00 - 120.00 = 1,880.00
    assert org.runs.statement(again.run, "r1").total_cents == 188_000


def test_no_change_pays_nothing_and_finance_sees_only_open_questions_per_run(client, auth, org):
    ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line, text="Why 10%?")
    first = db.session.scalar(sa.select(StatementQuestion))
    auth.logout()
    ask(client, auth, "rae@example.com", org.rae_q1.id, org.rae_line, text="And the date?")
    listing = answer(client, auth, first.id, outcome="no_change", answer="The ramp plan pays 10% of new ARR.")
    assert listing.status_code == 302
    page = client.get("/pay/questions/").get_data(as_text=True)
    assert "2025-Q1 · run #" in page and "And the date?" in page and "Why 10%?" not in page
    assert answer(client, auth, first.id, outcome="adjusted", answer="x", amount="1", reason="y").status_code == 409
    q2 = org.runs.run("2025-Q2").run
    assert org.runs.statement(q2, "r1").total_cents == 200_000
    auth.logout()
    auth.login("rae@example.com")
    assert client.get("/pay/questions/").status_code == 404  # only finance lists questions
    assert "The ramp plan pays 10% of new ARR." in client.get(f"/pay/questions/{first.id}").get_data(as_text=True)
    assert client.get("/notifications/").status_code == 200
