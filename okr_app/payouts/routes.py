"""Pay pages: your statements (and your reports'), and for finance the runs.

Views only parse, call `okr_app.payouts.services` (which asks the policy) or the page
builders of `views_model`, and render. A statement that is not yours to read answers
404 like one that does not exist, so ids leak nothing. The PDF is rendered on the fly
from the same stored dict the HTML page shows.
"""
from __future__ import annotations


from flask import Response, flash, redirect, render_template, request, url_for

from okr_app.clock import today
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.edge import attempt, refuse
from okr_app.payouts import bp, services
from okr_app.payouts.views_model import pay_index, run_documents, run_page, statement_document, statement_page
from reports.folder import statement_file_name, summary_file_name
from reports.statement import statement_pdf
from reports.summary import summary_pdf


@bp.route("/")
@login_required_actor
def index():
    return render_template("payouts/index.html", page=pay_index(current_actor()))


@bp.route("/runs/<int:run_id>")
@login_required_actor
def run(run_id: int):
    return render_template("payouts/run.html", page=run_page(current_actor(), run_id))


@bp.route("/runs/<int:run_id>/approve", methods=["POST"])
@login_required_actor
def approve(run_id: int):
    actor = current_actor()
    payout_run = services.get_run(actor, run_id)
    if request.form.get("confirm") != "yes":
        refuse()
        flash(f"Run #{run_id} was not approved: tick the box to confirm that you reviewed it (approving cannot be "
              "undone).", "error")
        return redirect(url_for("payouts.run", run_id=run_id))
    _, refused = attempt(lambda: services.approve_run(actor, payout_run))
    if refused is None:
        flash(f"Run #{run_id} for {payout_run.period} is approved and locked; its statements are now visible "
              "to the reps and their managers.", "success")
    return redirect(url_for("payouts.run", run_id=run_id))


@bp.route("/runs/<int:run_id>/summary.pdf")
@login_required_actor
def summary(run_id: int):
    period, documents, inputs = run_documents(current_actor(), run_id)
    return _pdf(summary_pdf(documents, inputs, today()), summary_file_name(period))


@bp.route("/statements/<int:statement_id>")
@login_required_actor
def statement(statement_id: int):
    record = services.get_statement(current_actor(), statement_id)
    return render_template("payouts/statement.html", page=statement_page(record, today()))


@bp.route("/statements/<int:statement_id>.pdf")
@login_required_actor
def statement_download(statement_id: int):
    record = services.get_statement(current_actor(), statement_id)
    pdf = statement_pdf(statement_document(record), today())
    return _pdf(pdf, statement_file_name(record.run.period, record.rep_id))


def _pdf(content: bytes, file_name: str) -> Response:
    """A PDF download that no shared cache keeps: statements are personal."""
    response = Response(content, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
