"""The weekly check-in page, the team page and one report with its replies. Views parse, call the
service, commit once, and turn a refused input into the same page with the message."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.bounds import parse_id, query_id
from okr_app.checkins import bp
from okr_app.checkins.forms import check_in_form
from okr_app.checkins.services import reply_to_report, report_for, submit_weekly_check_in
from okr_app.checkins.team import one_report, team_page
from okr_app.checkins.pages import weekly_page
from okr_app.edge import refuse
from okr_app.errors import CadenceError
from okr_app.clock import today


@bp.route("/check-in", methods=["GET", "POST"])
@login_required_actor
def weekly():
    actor, on = current_actor(), today()
    page = weekly_page(actor, on)
    form = check_in_form(page)
    if request.method == "POST":
        if not form.validate():
            return _weekly(page, form, "Some answers are too long; shorten the fields marked below."), 422
        try:
            report, recorded = submit_weekly_check_in(actor, form.kr_updates(), form.week.data or page.week,
                                                      on=on, **form.report_args())
        except CadenceError as exc:
            refuse()
            for kr_id, message in getattr(exc, "kr_errors", {}).items():
                if hasattr(form, f"kr_{kr_id}_value"):
                    form[f"kr_{kr_id}_value"].errors = [message]
            field = getattr(exc, "field", None)
            if field in ("satisfaction", "progress", "plans", "problems"):
                form[field].errors = [getattr(exc, "report_error", None) or exc.message]
            form.week.data = page.week  # a page opened last week resubmits into this one
            return _weekly(page, form, f"Nothing was saved. {exc.message}"), exc.status
        flash(_summary(recorded, report.iso_week), "success")
        return redirect(url_for("checkins.weekly"))
    return _weekly(page, form)


def _weekly(page, form, error: str | None = None):
    return render_template("checkins/weekly.html", page=page, form=form, error=error)


def _summary(recorded: int, week: str) -> str:
    """'3 key results updated, report for 2026-W48 saved'."""
    if recorded == 0:
        return f"No key result changed; report for {week} saved."
    return f"{recorded} key result{'' if recorded == 1 else 's'} updated, report for {week} saved."


@bp.route("/team")
@login_required_actor
def team():
    """GET: team=<id> shows a team or pod; reports=direct (my direct reports) or reports=all (everyone
    below me). Default: my direct reports when people report to me, else my own team."""
    page = team_page(current_actor(), query_id("team"), request.args.get("reports"), today())
    return render_template("checkins/team.html", page=page, status=page.status)


@bp.route("/team/reports/<int:report_id>", methods=["GET", "POST"])
@login_required_actor
def report(report_id: int):
    """One report with its replies; POST adds a reply (managers and leaders, never the author)."""
    actor = current_actor()
    found = report_for(actor, report_id)
    if request.method == "POST":
        body = request.form.get("body", "")
        try:
            reply_to_report(actor, found, body)
        except CadenceError as exc:
            refuse()
            found = report_for(actor, report_id)
            return render_template("checkins/report.html", report=one_report(actor, found), error=exc.message,
                                   body=body), exc.status
        flash("Reply posted.", "success")
        back_team, back_reports = parse_id(request.form.get("team"), "team"), request.form.get("reports")
        if back_team is not None:
            return redirect(url_for("checkins.team", team=back_team, _anchor=f"member-{found.person_id}"))
        if back_reports in ("direct", "all"):
            return redirect(url_for("checkins.team", reports=back_reports, _anchor=f"member-{found.person_id}"))
        return redirect(url_for("checkins.report", report_id=report_id))
    return render_template("checkins/report.html", report=one_report(actor, found), error=None, body="")
