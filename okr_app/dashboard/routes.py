"""The home page and the cascade tree page (read-only: every figure comes from the services)."""
from __future__ import annotations

from flask import render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.dashboard import bp
from okr_app.dashboard.services import STATUS_LABELS, home as home_view, tree_page


@bp.route("/")
@login_required_actor
def home():
    return render_template("dashboard/home.html", home=home_view(current_actor()))


@bp.route("/tree")
@login_required_actor
def tree():
    """GET filters: cycle, team, status (at_risk, behind, stale); collapsed=1 renders every branch closed."""
    page = tree_page(current_actor(), cycle_id=request.args.get("cycle", type=int),
                     team_id=request.args.get("team", type=int), status=request.args.get("status") or None)
    collapsed = request.args.get("collapsed") == "1"
    filters = {"cycle": page.cycle_id, "team": page.team_id, "status": page.status}
    filters = {k: v for k, v in filters.items() if v is not None}
    return render_template("dashboard/tree.html", page=page, collapsed=collapsed, status_labels=STATUS_LABELS,
                           expand_url=url_for("dashboard.tree", **filters),
                           collapse_url=url_for("dashboard.tree", collapsed=1, **filters))
