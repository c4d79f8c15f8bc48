"""Questions on statements: a rep asks about a line, finance lists and answers them.

Views only parse the form, call `okr_app.payouts.questions` and redirect; a question that is not
yours to read answers 404 like one that does not exist."""
from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for

from wtforms import SelectChoice

from comp_engine.money import cents_to_decimal, display_amount
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.edge import attempt
from okr_app.errors import InvalidInput
from okr_app.payouts import bp, questions, services
from okr_app.clock import today
from okr_app.payouts.forms import AnswerForm, QuestionForm
from okr_app.payouts.pages import statement_page
from okr_app.policy import can_answer_questions, can_ask_about_statement
from reports.figures import money


@bp.route("/statements/<int:statement_id>/questions", methods=["POST"])
@login_required_actor
def ask(statement_id: int):
    actor = current_actor()
    statement = services.get_statement(actor, statement_id)
    form = QuestionForm()
    upload = None
    if form.attachment.data:
        limit = questions.max_attachment_bytes()
        content = form.attachment.data.read(limit + 1)
        upload = questions.Upload(form.attachment.data.filename or "attachment", content)
    question, refused = attempt(lambda: questions.ask_question(actor, statement, form.line.data, form.text.data,
                                                                 upload))
    if refused is not None:
        return render_template("payouts/statement.html", page=statement_page(statement, today()),
                               panel=questions_panel(actor, statement, form)), refused.status
    return redirect(url_for("payouts.question", question_id=question.id))


def questions_panel(actor, statement, form: QuestionForm | None = None) -> dict:
    """What the statement page shows about questions: those asked, and the form for the rep."""
    may_ask = can_ask_about_statement(actor, statement.person_id) and statement.run.locked
    form = form or QuestionForm()
    if may_ask:
        form.line.choices = [SelectChoice(line.id, f"{line.component} · {display_amount(cents_to_decimal(line.amount_cents))}")
                             for line in services.lines_of_statement(statement)]
    return {"questions": questions.questions_on(actor, statement), "form": form if may_ask else None,
            "max_bytes": questions.max_attachment_bytes()}


@bp.route("/questions/")
@login_required_actor
def open_questions():
    return render_template("payouts/questions.html", runs=questions.open_questions(current_actor()))


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@login_required_actor
def question(question_id: int):
    actor = current_actor()
    record = questions.get_question(actor, question_id)
    form = AnswerForm()
    status = 200
    if request.method == "POST":
        _, refused = attempt(lambda: questions.answer_question(actor, record, form.outcome.data, form.answer.data,
                                                               form.amount.data, form.reason.data))
        if refused is None:
            return redirect(url_for("payouts.question", question_id=question_id))
        status = refused.status
    adjustment = money(cents_to_decimal(record.adjustment_cents)) if record.adjustment_cents is not None else ""
    return render_template("payouts/question.html", question=record, adjustment=adjustment,
                           form=form if can_answer_questions(actor) and record.state == "open" else None), status


@bp.route("/questions/<int:question_id>/attachment")
@login_required_actor
def question_attachment(question_id: int):
    path, name = questions.attachment_of(current_actor(), question_id)
    if not path.is_file():
        raise InvalidInput("The attachment file is missing from the instance folder.")
    response = Response(path.read_bytes(), mimetype="application/octet-stream")  # at most the attachment limit
    response.headers.set("Content-Disposition", "attachment", filename=name)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
