"""The home page and the cascade tree page (read-only: every figure comes from the services)."""
from __future__ import annotations

from flask import render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.bounds import query_id
from okr_app.cycles.picked import remember_pick
from okr_app.dashboard import bp
from okr_app.dashboard import pages


@bp.route("/")
@login_required_actor
def home():
    return render_template("dashboard/home.html", home=pages.home_page(current_actor()))


@bp.route("/tree")
@login_required_actor
def tree():
    """GET filters: cycle, team, status (at_risk, behind, stale); collapsed=1 renders every branch closed;
    depth=all opens every level at once (by default deeper levels load on demand)."""
    every_level = request.args.get("depth") == "all"
    page = pages.tree_page(current_actor(), cycle_id=query_id("cycle"), team_id=query_id("team"),
                              status=request.args.get("status") or None, every_level=every_level)
    if query_id("cycle") is not None:
        remember_pick(page.cycle_id)
    collapsed = request.args.get("collapsed") == "1"
    filters = {"cycle": page.cycle_id, "team": page.team_id, "status": page.status}
    filters = {k: v for k, v in filters.items() if v is not None}
    return render_template("dashboard/tree.html", page=page, collapsed=collapsed, status_labels=pages.STATUS_LABELS,
                           query=_subtree_query(page.team_id, page.status, collapsed),
                           expand_url=url_for("dashboard.tree", **filters),
                           collapse_url=url_for("dashboard.tree", collapsed=1, **filters),
                           every_level_url=url_for("dashboard.tree", depth="all", **filters))


@bp.route("/tree/objectives/<int:objective_id>")
@login_required_actor
def subtree(objective_id: int):
    """One objective and the objectives aligned below it: where the cascade's "show" links lead
    without JavaScript. The same filters as the tree page (team, status, collapsed)."""
    page, query, collapsed = _subtree(objective_id)
    return render_template("dashboard/subtree.html", page=page, query=query, collapsed=collapsed)


@bp.route("/tree/objectives/<int:objective_id>/fragment")
@login_required_actor
def subtree_fragment(objective_id: int):
    """The same subtree as an HTML fragment (one <details>), which static/tree.js puts in place."""
    page, query, collapsed = _subtree(objective_id)
    return render_template("dashboard/subtree_fragment.html", page=page, query=query, collapsed=collapsed)


def _subtree(objective_id: int):
    team_id, status = request.args.get("team", type=int), request.args.get("status") or None
    collapsed = request.args.get("collapsed") == "1"
    page = pages.subtree(current_actor(), objective_id, team_id=team_id, status=status)
    return page, _subtree_query(team_id, status if status in pages.STATUS_LABELS else None, collapsed), collapsed


def _subtree_query(team_id: int | None, status: str | None, collapsed: bool) -> dict:
    query = {"team": team_id, "status": status, "collapsed": 1 if collapsed else None}
    return {k: v for k, v in query.items() if v is not None}
