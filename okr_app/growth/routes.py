"""The growth review of a cycle (page and PDF) and the plan back-test page. Views parse, ask the
policy through the services and render; the charts are SVG drawn on the server."""
from __future__ import annotations

from flask import Response, current_app, render_template, request

from comp_engine.backtest import CAVEAT, display_share, reading_of
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.clock import today
from okr_app.edge import attempt
from okr_app.errors import NotAllowed, NotFound
from okr_app.extensions import db
from okr_app.growth import bp
from okr_app.growth.backtest import compare_imported, plan_keys_in
from okr_app.growth.review import growth_review
from okr_app.models import Cycle
from okr_app.policy import can_compare_plans, can_view_growth_review
from reports.compare import cost_chart, retention_chart
from reports.figures import money
from reports.growth import growth_pdf


def _review_of(cycle_id: int):
    actor = current_actor()
    if not can_view_growth_review(actor):
        raise NotAllowed("The growth review is for leaders and finance.")
    cycle = db.session.get(Cycle, cycle_id)
    if cycle is None:
        raise NotFound("No such cycle.")
    return growth_review(cycle)


@bp.route("/cycles/<int:cycle_id>")
@login_required_actor
def review(cycle_id: int):
    return render_template("growth/review.html", review=_review_of(cycle_id))


@bp.route("/cycles/<int:cycle_id>/review.pdf")
@login_required_actor
def review_pdf(cycle_id: int):
    found = _review_of(cycle_id)
    response = Response(growth_pdf(found, today()), mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="growth-review-{cycle_id}.pdf"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/compare")
@login_required_actor
def compare():
    actor = current_actor()
    if not can_compare_plans(actor):
        raise NotAllowed("Back-testing plans is for finance.")
    plans_dir = current_app.config["PLANS_DIR"]
    available = plan_keys_in(plans_dir)
    chosen = [key for key in request.args.getlist("plan") if key in available]
    first, last = request.args.get("from", ""), request.args.get("to", "")
    comparison = None
    if chosen and first and last:
        comparison, _ = attempt(lambda: compare_imported(actor, first, last, chosen, plans_dir))
    charts = None
    if comparison is not None:
        charts = (cost_chart(comparison).svg("Cost per quarter by plan"),
                  retention_chart(comparison).svg("Pay against the 12-month retention of what each rep sold"))
    return render_template("growth/compare.html", available=available, chosen=chosen, first=first, last=last,
                           comparison=comparison, charts=charts, reading=reading_of(comparison) if comparison else "",
                           caveat=CAVEAT, money=money, share=display_share)
