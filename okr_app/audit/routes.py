"""The admin's window on the audit trail: filter by action, actor and date; export as CSV."""
from __future__ import annotations

import io
import math
from urllib.parse import urlencode

from flask import Response, abort, render_template, request, stream_with_context, url_for
from wtforms import SelectChoice

from okr_app.audit import bp
from okr_app.audit.objects import object_key, object_labels
from okr_app.audit.pages import action_name, event_row
from okr_app.audit.forms import AuditFilterForm
from okr_app.audit.services import AuditFilter, count_events, find_events, iter_events, known_actions
from okr_app.auth.session import current_actor, login_required_actor
from okr_app.csv_safety import SafeWriter
from okr_app.policy import can_view_audit

PAGE_SIZE = 100
CSV_COLUMNS = ("time_utc", "actor", "action", "object", "before", "after")


def _filter_from_request() -> tuple[AuditFilterForm, AuditFilter | None]:
    """The filter in the query string, or None (with the form's errors) when it does not parse."""
    if not can_view_audit(current_actor()):
        abort(403)
    form = AuditFilterForm(request.args)
    form.action.choices = [SelectChoice("", "any action")] + [SelectChoice(action, f"{action_name(action)} ({action})")
                                                           for action in known_actions()]
    if not form.validate():
        return form, None
    return form, AuditFilter(action=(form.action.data or "")[:60], actor=form.actor.data or "",
                             since=form.since.data, until=form.until.data)


@bp.route("/")
@login_required_actor
def index():
    """GET filters (action, actor, since, until) and page; a page past the last shows the last."""
    form, where = _filter_from_request()
    total = count_events(where) if where else 0
    last = max(1, math.ceil(total / PAGE_SIZE))
    page = min(last, max(1, request.args.get("page", 1, type=int) or 1))
    found = find_events(where, PAGE_SIZE, (page - 1) * PAGE_SIZE) if where else []
    labels = object_labels(found)
    events = [event_row(e, labels) for e in found]
    args = {key: value for key, value in request.args.items() if key != "page" and value}
    pages = {"previous": _page_url(args, page - 1) if page > 1 else None,
             "next": _page_url(args, page + 1) if page < last else None, "last": last}
    export = url_for("audit.export", **args)
    return render_template("audit/index.html", form=form, events=events, total=total, page=page, pages=pages,
                           export_url=export), (200 if where else 422)


@bp.route("/export.csv")
@login_required_actor
def export():
    """Every matching event, oldest first, streamed: an auditor's copy of the trail."""
    form, where = _filter_from_request()
    if where is None:
        abort(422)

    def rows():
        buffer = io.StringIO()
        writer = SafeWriter(buffer)
        writer.writerow(CSV_COLUMNS)
        for event in iter_events(where):
            writer.writerow([event.at.isoformat(sep=" ", timespec="seconds"), event.actor_email, event.action,
                             object_key(event.object_type, event.object_id), event.before, event.after])
            if buffer.tell() > 64 * 1024:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    return Response(stream_with_context(rows()), mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=cadence-audit.csv"})


def _page_url(args: dict, page: int) -> str:
    return url_for("audit.index") + "?" + urlencode({**args, "page": page})

