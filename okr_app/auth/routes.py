"""Sign in, sign out, change one's password, the account page.

Sign-in is throttled by `okr_app.auth.throttle` (per account: back-off after five failures; per address:
50 failures in 15 minutes), with counters every worker shares. A refused attempt gets the sign-in form
again, status 429, a Retry-After header and a message saying when to come back.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from okr_app.auth import bp
from okr_app.auth.forms import ChangePasswordForm, ChoosePasswordForm, ForgotPasswordForm, LoginForm
from okr_app.auth.links import choose_password, request_reset, usable_token
from okr_app.auth.services import (authenticate, change_own_password, note_failed_sign_in, note_refused_sign_in,
                                   note_signed_in, note_signed_out)
from okr_app.auth.session import (current_actor, end_every_session, end_this_session, live_sessions,
                                  login_required_actor, start_session)
from okr_app.auth.throttle import record_failure, record_success, refusal_for
from okr_app.clock import utcnow
from okr_app.errors import InvalidInput
from okr_app.edge import attempt, refuse


def safe_next(target: str | None) -> str:
    """Only a path on this site: an open redirect would let a phishing link bounce through us.

    Refuses `//evil.com`, `/\\evil.com`, `https://evil.com`, and paths hiding a tab or newline that
    browsers strip (`/\\t/evil.com` becomes `//evil.com`).
    """
    home = url_for("dashboard.home")
    if not target or any(ord(char) < 0x21 or ord(char) == 0x7F or char == "\\" for char in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return home
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (422 if form.is_submitted() else 200)
    address, now = request.remote_addr, utcnow()
    refusal = refusal_for(form.email.data, address, now)
    if refusal is not None:
        note_refused_sign_in(form.email.data, address, refusal.scope)
        return _refused(form, refusal, now)
    person = authenticate(form.email.data, form.password.data)
    if person is None:
        current_app.logger.warning("sign-in failed for %r from %s", form.email.data, address)
        started = record_failure(form.email.data, address, now)
        note_failed_sign_in(form.email.data, address, started)
        flash("That email and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    record_success(form.email.data)
    note_signed_in(person, address)
    start_session(person, remember=form.remember.data)  # a new session on login: no fixation
    return redirect(safe_next(request.args.get("next")))


def _refused(form, refusal, now):
    form.password.data = ""
    response = current_app.make_response((render_template("auth/login.html", form=form,
                                                          refusal=refusal.message(now)), 429))
    response.headers["Retry-After"] = str(refusal.seconds_left(now))
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        note_signed_out(current_actor().person)
    end_this_session()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account")
@login_required_actor
def account():
    person = current_actor().person
    return render_template("auth/account.html", person=person, sessions=live_sessions(person))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
@login_required_actor
def sign_out_everywhere():
    person = current_actor().person
    end_every_session(person)
    note_signed_out(person, everywhere=True)
    end_this_session()
    flash("You are signed out on every browser and device, this one included.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required_actor
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        person = current_actor().person
        try:
            change_own_password(person, form.current_password.data, form.new_password.data)
        except InvalidInput as exc:
            refuse()
            target = form.new_password if getattr(exc, "field", "") == "new_password" else form.current_password
            target.errors = [*target.errors, exc.message]
        else:
            start_session(person)  # this browser continues in a new session; every other one has ended
            flash("Your password is changed; you are signed out everywhere else.", "success")
            return redirect(url_for("auth.account"))
    return render_template("auth/password.html", form=form), (422 if form.is_submitted() else 200)


# --- ways in without an admin typing a password (okr_app.auth.links) ---------------------------------------

@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    """The same answer for every address: it never tells whether someone has an account."""
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_reset(form.email.data, request.remote_addr)
        return render_template("auth/forgot_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form), (422 if form.is_submitted() else 200)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    return _choose_password(token, "reset", "Choose a new password")


@bp.route("/welcome/<token>", methods=["GET", "POST"])
def welcome(token: str):
    return _choose_password(token, "invitation", "Welcome to Cadence: choose your password")


def _choose_password(token: str, purpose: str, title: str):
    _, invalid = attempt(lambda: usable_token(token, purpose), show=False)
    if invalid is not None:
        return render_template("auth/choose_password.html", form=None, title=title, invalid=invalid.message), 410
    form = ChoosePasswordForm()
    if form.validate_on_submit():
        person, error = attempt(lambda: choose_password(token, purpose, form.new_password.data), show=False)
        if error is None:
            if current_user.is_authenticated:
                end_this_session()
            flash("Your password is set. Sign in with it now.", "success")
            return redirect(url_for("auth.login"))
        form.new_password.errors = [*form.new_password.errors, error.message]
    return render_template("auth/choose_password.html", form=form, title=title, invalid=None), \
        (422 if form.is_submitted() else 200)
