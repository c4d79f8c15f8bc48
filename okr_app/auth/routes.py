from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user

from okr_app.auth import bp
from okr_app.auth.forms import LoginForm
from okr_app.auth.passwords import verify_password
from okr_app.extensions import db
from okr_app.models import Person


def _safe_next(target: str | None) -> str:
    """Only same-site paths: an open redirect would let a phishing link bounce through us."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("dashboard.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        person = db.session.scalar(sa.select(Person).where(sa.func.lower(Person.email) == email))
        if person is not None and person.active and verify_password(person.password_hash, form.password.data):
            session.clear()  # a new session on login: no fixation
            login_user(person, remember=form.remember.data)
            return redirect(_safe_next(request.args.get("next")))
        flash("That email and password do not match an active account.", "error")
    return render_template("auth/login.html", form=form), (401 if form.is_submitted() and not form.errors
                                                           and request.method == "POST" else 200)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
