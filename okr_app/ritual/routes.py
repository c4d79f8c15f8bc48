"""Pages of the weekly ritual: mail settings, notifications, nudges and key-result threads. Thin: the
services decide, `attempt` commits or rolls back."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from okr_app.auth.session import current_actor, login_required_actor
from okr_app.clock import today
from okr_app.edge import attempt, refuse
from okr_app.okrs.services import visible_key_result
from okr_app.ritual import bp
from okr_app.notifications.services import unread_count
from okr_app.ritual.nudges import nudge
from okr_app.ritual.preferences import CHOICES, preferences_of, set_preferences
from okr_app.ritual.threads import comment_on_key_result


@bp.app_context_processor
def unread_badge() -> dict:
    """`unread_notifications()` on every page: the count beside Notifications in the navigation."""
    return {"unread_notifications": lambda: unread_count(current_actor())}


class PostForm(FlaskForm):
    """A POST carrying its CSRF token; the fields are read from `request.form`."""


@bp.route("/account/mail", methods=["GET", "POST"])
@login_required_actor
def mail_settings():
    """Which e-mails I get: check-in reminders, digests (managers), replies and mentions."""
    actor = current_actor()
    form = PostForm()
    if form.validate_on_submit():
        set_preferences(actor.person, {kind: request.form.get(kind) == "on" for kind in CHOICES})
        flash("Your e-mail settings are saved.", "success")
        return redirect(url_for("ritual.mail_settings"))
    return render_template("ritual/mail_settings.html", form=form, choices=CHOICES,
                           wanted=preferences_of(actor.person)), 422 if form.is_submitted() else 200


@bp.route("/team/nudge/<int:person_id>", methods=["POST"])
@login_required_actor
def nudge_person(person_id: int):
    """A manager reminds one person below them to check in (one mail, at most once a day)."""
    actor = current_actor()
    form = PostForm()
    back = url_for("checkins.team", **{k: v for k, v in request.form.items() if k in ("team", "reports") and v})
    if not form.validate_on_submit():
        refuse()
        flash("The form expired; try again.", "error")
        return redirect(back)
    person, error = attempt(lambda: nudge(actor, person_id, today()))
    if error is not None:
        if error.status in (403, 404):
            raise error  # the error page, not a flash on a page the reader may not see
        return redirect(back)
    flash(f"{person.name} was nudged by e-mail.", "success")
    return redirect(back)


@bp.route("/okrs/key-results/<int:kr_id>/thread", methods=["POST"])
@login_required_actor
def kr_thread_post(kr_id: int):
    """Write in a key result's thread (anyone who can see its objective)."""
    actor = current_actor()
    kr = visible_key_result(actor, kr_id)
    form = PostForm()
    if not form.validate_on_submit():
        refuse()
        flash("The form expired; try again.", "error")
        return redirect(url_for("okrs.key_result", kr_id=kr_id, _anchor="thread"))
    _, error = attempt(lambda: comment_on_key_result(actor, kr, request.form.get("body", "")))
    if error is None:
        flash("Message posted.", "success")
    return redirect(url_for("okrs.key_result", kr_id=kr_id, _anchor="thread"))
