"""Sign in, sign out, change one's password.

Sign-in is throttled with Flask-Limiter: 5 failed attempts per minute per account (the submitted
email, lower-cased) and 5 per minute per client address; the next attempt gets 429 whether or not
its password is right. Only failures count (`deduct_when`), so people who sign in correctly are
never slowed down. Counters live in RATELIMIT_STORAGE_URI (memory:// for one server, redis:// to
share them between several).
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import current_user

from okr_app.auth import bp
from okr_app.auth.forms import ChangePasswordForm, LoginForm
from okr_app.auth.services import authenticate, change_own_password
from okr_app.auth.session import (current_actor, end_every_session, end_this_session, live_sessions,
                                  login_required_actor, start_session)
from okr_app.errors import InvalidInput
from okr_app.edge import refuse
from okr_app.extensions import limiter

LOGIN_FAILURES_ALLOWED = "5 per minute"


def _account_key() -> str:
    return "login-account:" + (request.form.get("email") or "").strip().lower()[:254]


def _address_key() -> str:
    return "login-address:" + (get_remote_address() or "unknown")


def _failed(response) -> bool:
    return response.status_code == 401


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


@bp.after_request
def tell_throttled_clients_when_to_retry(response):
    """A 429 says when to come back: at most a minute, the limit's window."""
    if response.status_code == 429:
        response.headers.setdefault("Retry-After", "60")
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_FAILURES_ALLOWED, key_func=_account_key, methods=["POST"], deduct_when=_failed)
@limiter.limit(LOGIN_FAILURES_ALLOWED, key_func=_address_key, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), (422 if form.is_submitted() else 200)
    person = authenticate(form.email.data, form.password.data)
    if person is None:
        current_app.logger.warning("sign-in failed for %r from %s", form.email.data, request.remote_addr)
        flash("That email and password do not match an active account.", "error")
        return render_template("auth/login.html", form=form), 401
    start_session(person, remember=form.remember.data)  # a new session on login: no fixation
    return redirect(safe_next(request.args.get("next")))


@bp.route("/logout", methods=["POST"])
def logout():
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
