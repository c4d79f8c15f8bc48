"""Your notifications: listed newest first; opening the page marks them read."""
from __future__ import annotations

from flask import render_template

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.notifications import bp
from okr_app.notifications.services import mark_read, notifications_for


@bp.route("/")
@login_required_actor
def index():
    actor = current_actor()
    items = notifications_for(actor)
    unread = {item.id for item in items if item.read_at is None}
    mark_read(actor)
    return render_template("notifications/index.html", items=items, unread=unread)
