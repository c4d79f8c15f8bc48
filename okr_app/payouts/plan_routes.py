"""Signed plans in the web: each person's plan versions to acknowledge; finance sees who has not.

Publishing is finance's command (`cadence plans publish`); these views only list, show the
published text and PDF, and record an acknowledgement."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.edge import attempt
from okr_app.errors import NotFound
from okr_app.payouts import bp, plan_signing
from okr_app.policy import can_view_runs


@bp.route("/plans/")
@login_required_actor
def plans():
    actor = current_actor()
    status = plan_signing.plan_status(actor) if can_view_runs(actor) else []
    return render_template("payouts/plans.html", mine=plan_signing.my_plans(actor), status=status)


@bp.route("/plans/acknowledgements/<int:acknowledgement_id>", methods=["POST"])
@login_required_actor
def acknowledge(acknowledgement_id: int):
    actor = current_actor()
    signed, refused = attempt(lambda: plan_signing.acknowledge_plan(actor, acknowledgement_id,
                                                                    request.form.get("typed_name", "")))
    if refused is not None:
        if refused.status == 404:
            raise refused
        return render_template("payouts/plans.html", mine=plan_signing.my_plans(actor), status=[]), refused.status
    flash(f"You acknowledged {signed.plan_version.name}, version {signed.plan_version.version}.", "success")
    return redirect(url_for("payouts.plans"))


@bp.route("/plans/<int:version_id>.toml")
@login_required_actor
def plan_toml(version_id: int):
    version, _ = plan_signing.plan_document(current_actor(), version_id)
    response = Response(version.toml_text, mimetype="text/plain; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/plans/<int:version_id>.pdf")
@login_required_actor
def plan_pdf(version_id: int):
    version, path = plan_signing.plan_document(current_actor(), version_id)
    if path is None or not path.is_file():
        raise NotFound(f"Plan version #{version_id} has no PDF.")
    response = Response(path.read_bytes(), mimetype="application/pdf")
    response.headers.set("Content-Disposition", "attachment", filename=version.pdf_name or "plan.pdf")
    response.headers["Cache-Control"] = "private, no-store"
    return response
