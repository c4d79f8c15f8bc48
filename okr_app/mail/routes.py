"""The one-click unsubscribe link of reminders and digests (RFC 8058).

GET shows a page with one button (link scanners that prefetch URLs must not unsubscribe anyone); POST, from
that button or straight from the mail client's "Unsubscribe" (List-Unsubscribe-Post), records the opt-out.
The signed token is the credential, so the POST needs no session and no CSRF token."""
from __future__ import annotations

from flask import render_template, request

from okr_app.extensions import csrf
from okr_app.mail import bp
from okr_app.mail.services import opt_out, read_unsubscribe_token

KIND_NAMES = {"checkin_reminder": "weekly check-in reminders", "digest": "weekly digests"}


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt
def unsubscribe(token: str):
    person, kind = read_unsubscribe_token(token)
    done = request.method == "POST"
    if done:
        opt_out(person, kind)
    return render_template("mail/unsubscribe.html", person=person, kind=KIND_NAMES.get(kind, kind.replace("_", " ")),
                           done=done)
