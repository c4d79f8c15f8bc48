"""Questions on a statement: a rep asks about one line, finance answers, and a change is paid once.

- A rep asks about any line of their own statement of an approved run (`can_ask_about_statement`):
  a text and, optionally, one file up to `CADENCE_QUESTION_MAX_BYTES` (5 MB by default), stored
  under a random name in the instance folder and only ever sent back as a download.
- Finance sees the open questions of every run and answers each: `no_change` (the line stands,
  the answer says why) or `adjusted` with an amount (positive or negative) and a reason.
- An adjustment is paid through the same adjustment lines corrections use
  (`okr_app.payouts.adjustments`): the next run recorded for a later quarter carries
  `adjustment:<quarter>:question:<id>` for the rep, and once an approved run has paid it, no
  later run pays it again. A draft recorded before the answer is computed again on its next run.
- The rep and their manager are told in the app when the question is answered (finance when it
  is asked); every step is in the audit trail.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, url_for

from comp_engine.money import AmountInvalid, cents_to_decimal, display_amount, to_cents
from comp_engine.periods import Period
from okr_app.audit.services import record
from okr_app.clock import utcnow
from okr_app.errors import Conflict, InvalidInput, NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.stored_files import store_file
from okr_app.models import PayoutLine, PayoutRun, Person, RunStatement, StatementQuestion
from okr_app.models.payouts import LOCKED_STATES
from okr_app.notifications.services import notify
from okr_app.payouts.adjustments import Adjustment
from okr_app.policy import (Actor, can_answer_questions, can_ask_about_statement, can_read_question,
                            can_view_runs)

MAX_TEXT = 4000
DEFAULT_MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
ATTACHMENT_FOLDER = "question-attachments"
QUESTION_COMPONENT = "question:"
OUTCOMES = ("no_change", "adjusted")


@dataclass(frozen=True)
class Upload:
    """A file as the rep sent it: its name (only a label) and its bytes."""

    name: str
    content: bytes


def max_attachment_bytes() -> int:
    return int(current_app.config.get("QUESTION_MAX_BYTES") or DEFAULT_MAX_ATTACHMENT_BYTES)


def attachment_folder() -> Path:
    return Path(current_app.config["INSTANCE_PATH"]) / ATTACHMENT_FOLDER


# --- asking -----------------------------------------------------------------------------------------

def ask_question(actor: Actor, statement: RunStatement, line_id: int | None, text: str,
                 attachment: Upload | None = None) -> StatementQuestion:
    """Open a question on one line of the rep's own statement (see the module)."""
    if not can_ask_about_statement(actor, statement.person_id):
        raise NotAllowed("Only the rep whose statement this is can ask about its lines.")
    if not statement.run.locked:
        raise Conflict("This statement is not approved yet: ask once finance has approved the run.")
    line = db.session.get(PayoutLine, line_id) if line_id else None
    if line is None or line.run_id != statement.run_id or line.rep_id != statement.rep_id:
        raise InvalidInput("Choose a line of this statement to ask about.")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Write your question: what looks wrong on this line, and why.")
    if len(text) > MAX_TEXT:
        raise InvalidInput(f"A question is at most {MAX_TEXT:,} characters; yours has {len(text):,}.")
    question = StatementQuestion(statement_id=statement.id, line_id=line.id, asked_by_id=actor.id, text=text,
                                 state="open", answer="", adjustment_reason="")
    if attachment is not None and attachment.content:
        _store_attachment(question, attachment)
    db.session.add(question)
    db.session.flush()
    record(actor.person, "question.ask", "statement_question", question.id,
           after={"statement": statement.id, "period": statement.run.period, "line": line.component,
                  "text": text, "attachment": question.attachment_name,
                  "attachment_bytes": question.attachment_bytes})
    finance = db.session.scalars(sa.select(Person.id).where(Person.role == "finance", Person.active.is_(True)))
    notify(list(finance), f"{statement.name} asked about {line.component} on their {statement.run.period} statement.",
           _link(question))
    return question


def _store_attachment(question: StatementQuestion, attachment: Upload) -> None:
    """Keep the file under a random name (never the uploaded one) in the instance folder."""
    limit = max_attachment_bytes()
    if len(attachment.content) > limit:
        raise InvalidInput(f"The attachment is {len(attachment.content):,} bytes; the limit is {limit:,} bytes. "
                           "Attach a smaller file (a screenshot or a PDF page).")
    question.attachment_key = store_file(attachment_folder(), attachment.content)
    question.attachment_name = _label(attachment.name)
    question.attachment_bytes = len(attachment.content)


def _label(name: str) -> str:
    """The uploaded name as a harmless download label: no folders, no control or quote characters."""
    base = Path((name or "").replace("\\", "/")).name
    cleaned = "".join(c for c in base if c.isprintable() and c not in '"<>;').strip() or "attachment"
    return cleaned[-120:]


def attachment_of(actor: Actor, question_id: int) -> tuple[Path, str]:
    """(stored path, download name) of a question's attachment, for those who may read the question."""
    question = get_question(actor, question_id)
    if not question.attachment_key:
        raise NotFound(f"Question #{question_id} has no attachment.")
    return attachment_folder() / question.attachment_key, question.attachment_name or "attachment"


# --- reading ----------------------------------------------------------------------------------------

def get_question(actor: Actor, question_id: int) -> StatementQuestion:
    """One question, or NotFound when it does not exist or is not this person's to read."""
    question = db.session.get(StatementQuestion, question_id)
    if question is None or not can_read_question(actor, question.asked_by_id):
        raise NotFound(f"No question #{question_id}.")
    return question


def questions_on(actor: Actor, statement: RunStatement) -> list[StatementQuestion]:
    """The questions asked about a statement the person may read, oldest first."""
    return [q for q in db.session.scalars(sa.select(StatementQuestion).where(
        StatementQuestion.statement_id == statement.id).order_by(StatementQuestion.id))
        if can_read_question(actor, q.asked_by_id)]


@dataclass(frozen=True)
class RunQuestions:
    run: PayoutRun
    questions: list[StatementQuestion]


def open_questions(actor: Actor) -> list[RunQuestions]:
    """Finance: the open questions per run, newest quarter first."""
    if not can_view_runs(actor):
        raise NotFound("No such page.")
    rows = db.session.execute(
        sa.select(StatementQuestion, PayoutRun)
        .join(RunStatement, StatementQuestion.statement_id == RunStatement.id)
        .join(PayoutRun, RunStatement.run_id == PayoutRun.id)
        .where(StatementQuestion.state == "open")
        .order_by(PayoutRun.period.desc(), PayoutRun.id.desc(), StatementQuestion.id)).all()
    grouped: dict[int, RunQuestions] = {}
    for question, run in rows:
        grouped.setdefault(run.id, RunQuestions(run, [])).questions.append(question)
    return list(grouped.values())


# --- answering ---------------------------------------------------------------------------------------

def answer_question(actor: Actor, question: StatementQuestion, outcome: str, answer: str,
                    amount: str = "", reason: str = "") -> StatementQuestion:
    """Resolve an open question: `no_change`, or `adjusted` with a signed amount and a reason."""
    if not can_answer_questions(actor):
        raise NotAllowed("Only finance answers questions on statements.")
    if question.state != "open":
        raise Conflict(f"Question #{question.id} was already answered on "
                       f"{question.answered_at:%Y-%m-%d}; it does not change.")
    if outcome not in OUTCOMES:
        raise InvalidInput("Choose how the question is resolved: no change, or an adjustment.")
    answer = (answer or "").strip()
    if not answer or len(answer) > MAX_TEXT:
        raise InvalidInput(f"Write the answer the rep will read (at most {MAX_TEXT:,} characters).")
    cents = None
    reason = (reason or "").strip()
    if outcome == "adjusted":
        cents = _signed_cents(amount)
        if not reason:
            raise InvalidInput("Say why the pay changes: the reason is printed on the adjustment line.")
    before = {"state": question.state}
    question.state, question.answer, question.answered_by_id, question.answered_at = outcome, answer, actor.id, utcnow()
    question.adjustment_cents, question.adjustment_reason = cents, reason if outcome == "adjusted" else ""
    db.session.flush()
    record(actor.person, "question.answer", "statement_question", question.id, before=before,
           after={"state": outcome, "answer": answer,
                  "adjustment": None if cents is None else f"{cents_to_decimal(cents):f}", "reason": reason or None})
    asker = question.asked_by
    period = question.statement.run.period
    said = ("no change to your pay" if cents is None
            else f"an adjustment of {display_amount(cents_to_decimal(cents))} {question.statement.currency}, "
                 "paid in the next payout run")
    mail = {"mail_key": f"question-{question.id}", "subject": f"Your {period} statement: question answered",
            "kind": "pay_question", "endpoint": ("payouts.question", {"question_id": question.id})}
    notify([asker.id], f"Finance answered your question about {question.line.component} on your {period} "
                       f"statement: {said}.", _link(question), **mail)
    notify([asker.manager_id], f"Finance answered {asker.name}'s question about {question.line.component} on "
                               f"their {period} statement: {said}.", _link(question),
           **{**mail, "subject": f"{asker.name}'s {period} statement: question answered"})
    return question


def _signed_cents(text: str) -> int:
    text = (text or "").strip().replace(" ", "")
    negative = text.startswith("-")
    try:
        cents = to_cents(text[1:] if negative or text.startswith("+") else text)
    except AmountInvalid as refused:
        raise InvalidInput(f"The adjustment amount {refused}; write e.g. 250.00 or -250.00.") from None
    if cents == 0:
        raise InvalidInput("An adjustment of 0.00 changes nothing: resolve it as no change instead.")
    return -cents if negative else cents


def _link(question: StatementQuestion) -> str:
    try:
        return url_for("payouts.question", question_id=question.id)
    except RuntimeError:
        return f"/pay/questions/{question.id}"


# --- paying adjustments --------------------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionAdjustment(Adjustment):
    """An answered question's adjustment, owed until an approved run has paid it."""

    question_id: int = 0
    reason: str = ""
    line: str = ""

    def as_dict(self) -> dict[str, str | int]:
        shown = self._amount_text()
        return {**super().as_dict(), "question_id": self.question_id, "reason": self.reason, "line": self.line,
                "rule": (f"question #{self.question_id} about {self.line} on the {self.period} statement "
                         f"(run #{self.run_id}) was answered with an adjustment of {shown}: {self.reason}")}

    def _amount_text(self) -> str:
        return f"{cents_to_decimal(self.amount_cents):f}"


def question_adjustments(period: Period) -> list[QuestionAdjustment]:
    """The adjustments of answered questions on statements of quarters before `period` that no
    approved run has paid in full (amount = adjustment - what approved runs already paid)."""
    rows = db.session.execute(
        sa.select(StatementQuestion, RunStatement, PayoutRun.period, PayoutLine.component)
        .join(RunStatement, StatementQuestion.statement_id == RunStatement.id)
        .join(PayoutRun, RunStatement.run_id == PayoutRun.id)
        .join(PayoutLine, StatementQuestion.line_id == PayoutLine.id)
        .where(StatementQuestion.state == "adjusted", PayoutRun.period < str(period))
        .order_by(StatementQuestion.id)).all()
    owed = []
    for question, statement, asked_period, line in rows:
        component = f"{QUESTION_COMPONENT}{question.id}"
        paid = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(PayoutLine.amount_cents), 0))
            .join(PayoutRun, PayoutLine.run_id == PayoutRun.id)
            .where(PayoutRun.state.in_(LOCKED_STATES), PayoutLine.rep_id == statement.rep_id,
                   PayoutLine.component == f"adjustment:{asked_period}:{component}")) or 0
        adjustment = QuestionAdjustment(
            statement.rep_id, statement.name, statement.email, statement.currency, asked_period, statement.run_id,
            component, 0, int(paid), int(question.adjustment_cents or 0),
            question_id=question.id, reason=question.adjustment_reason, line=line)
        if adjustment.amount_cents:
            owed.append(adjustment)
    return owed


def with_questions(basis_fingerprint: str, owed: list[QuestionAdjustment]) -> str:
    """The run's basis fingerprint, changed by every adjustment still owed: a draft computed
    before a question was answered is computed again on its next run."""
    if not owed:
        return basis_fingerprint
    text = basis_fingerprint + ";" + ";".join(f"q{a.question_id}:{a.amount_cents}" for a in owed)
    return hashlib.sha256(text.encode()).hexdigest()
