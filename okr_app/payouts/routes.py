"""Pay pages: your statements (and your reports'), and for finance the runs.

Views only parse, call `okr_app.payouts.services` (which asks the policy) or the page
builders of `pages`, and render. A statement that is not yours to read answers
404 like one that does not exist, so ids leak nothing. The PDF is rendered on the fly
from the same stored dict the HTML page shows.
"""
from __future__ import annotations


from flask import Response, current_app, flash, redirect, render_template, request, url_for

from okr_app.clock import today
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.edge import attempt, form_status, refuse
from okr_app.errors import CadenceError
from okr_app.payouts import bp, imports, services
from okr_app.payouts.forms import DealsImportForm
from okr_app.payouts.imports import ImportRefused, import_deals, require_finance
from okr_app.payouts.runs import record_run
from okr_app.payouts.pages import (pay_page, quarter_page, run_documents, run_page, statement_document,
                                         statement_page)
from okr_app.people.importing import read_limited
from okr_app.payouts.plan_signing import unacknowledged_warnings
from okr_app.payouts.question_routes import questions_panel
from reports.folder import statement_file_name, summary_file_name
from reports.statement import statement_pdf
from reports.summary import summary_pdf


@bp.route("/")
@login_required_actor
def index():
    return render_template("payouts/index.html", page=pay_page(current_actor()))


@bp.route("/deals/import", methods=["GET", "POST"])
@login_required_actor
def deals_import():
    """Finance uploads a deals.csv: all or nothing, and every revenue key result is recomputed."""
    actor = require_finance(current_actor(), "imports deals")
    form = DealsImportForm()
    problems, status = [], form_status(form)
    if form.validate_on_submit():
        upload = form.file.data
        name = (upload.filename or "deals.csv").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:120]
        try:
            data = read_limited(upload.stream, current_app.config["MAX_IMPORT_BYTES"], name)
            outcome = import_deals(actor, data, name, replace=form.replace.data)
        except ImportRefused as refused:
            refuse()
            problems, status = refused.problems, 422
        except CadenceError as refused:
            refuse()
            flash(refused.message, "error")
            status = refused.status
        else:
            flash(f"Imported {name}: {outcome.added} new deal{'s' if outcome.added != 1 else ''}, "
                  f"{outcome.replaced} corrected; {outcome.metric_check_ins} revenue key result value"
                  f"{'s' if outcome.metric_check_ins != 1 else ''} changed.", "success")
            return redirect(url_for("payouts.index"))
    return render_template("payouts/deals_import.html", form=form, problems=problems), status


@bp.route("/runs/<int:run_id>")
@login_required_actor
def run(run_id: int):
    return render_template("payouts/run.html", page=run_page(current_actor(), run_id),
                           plan_warnings=unacknowledged_warnings(run_id))


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


# --- the quarter in the browser, for finance: the same services as `cadence deals import` & co ----------

UPLOADS = {"deals": "deals.csv", "roster": "roster.csv", "quotas": "quotas.csv"}


@bp.route("/quarter")
@login_required_actor
def quarter():
    return render_template("payouts/quarter.html", page=quarter_page(current_actor()))


@bp.route("/quarter/<any(deals, roster, quotas):kind>", methods=["POST"])
@login_required_actor
def upload(kind: str):
    """Import one file, all or nothing; a refusal lists every bad row on the page (422)."""
    actor = current_actor()
    quarter_page(actor)  # finance only: anyone else gets 404 before a byte is read
    sent = request.files.get("file")
    period = request.form.get("period", "").strip()
    outcome, refused = attempt(lambda: imports.import_uploaded(
        actor, kind, sent.stream if sent else None, (sent.filename if sent else "") or UPLOADS[kind],
        current_app.config["MAX_IMPORT_BYTES"], period=period, replace=request.form.get("replace") == "yes",
        plans_dir=current_app.config["PLANS_DIR"]), show=False)
    if refused is not None:
        return render_template("payouts/quarter.html", page=quarter_page(actor, refused, kind)), refused.status
    flash(outcome.summary, "success")  # type: ignore[union-attr]
    return redirect(url_for("payouts.quarter"))


@bp.route("/quarter/run", methods=["POST"])
@login_required_actor
def run_quarter():
    """Record the quarter's draft run on the imported data (the same `record_run` as the CLI)."""
    actor = current_actor()
    quarter_page(actor)
    period = request.form.get("period", "").strip()
    outcome, refused = attempt(lambda: record_run(actor, period, current_app.config["PLANS_DIR"]), show=False)
    if refused is not None:
        return render_template("payouts/quarter.html", page=quarter_page(actor, refused, "run")), refused.status
    run = outcome.run
    if outcome.status == "unchanged":
        flash(f"Unchanged: run #{run.id} already holds {run.period} computed on these inputs.", "info")
    else:
        flash(f"Recorded draft run #{run.id} for {run.period}: {run.rep_count} reps. Review it; another finance "
              "person approves it.", "success")
    for note in outcome.notes:
        flash(note, "info")
    return redirect(url_for("payouts.run", run_id=run.id))


@bp.route("/runs/<int:run_id>/payroll.csv")
@login_required_actor
def payroll(run_id: int):
    """The payroll file of an approved run (the run is marked exported; every export is audited)."""
    actor = current_actor()
    payout_run = services.get_run(actor, run_id)
    text, refused = attempt(lambda: services.export_run(actor, payout_run))
    if refused is not None:
        return redirect(url_for("payouts.run", run_id=run_id))
    response = Response(text, mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="payroll-{payout_run.period}.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/runs/<int:run_id>/summary.pdf")
@login_required_actor
def summary(run_id: int):
    period, documents, inputs = run_documents(current_actor(), run_id)
    return _pdf(summary_pdf(documents, inputs, today()), summary_file_name(period))


@bp.route("/statements/<int:statement_id>")
@login_required_actor
def statement(statement_id: int):
    actor = current_actor()
    record = services.get_statement(actor, statement_id)
    return render_template("payouts/statement.html", page=statement_page(record, today()),
                           panel=questions_panel(actor, record))


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
