"""Flask-Login wiring: who is signed in, as an `Actor` the policy understands."""
from __future__ import annotations

from functools import wraps

from flask import Flask, g
from flask_login import current_user, login_required

from okr_app.extensions import db, login_manager
from okr_app.models import Person
from okr_app.policy import Actor


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "strong"

    @app.before_request
    def identify_from_this_request_only() -> None:
        """Who is signed in comes from this request's cookie alone. Flask reuses an app context
        that is already pushed (a CLI command, a test holding one), and with it `g`, where
        Flask-Login caches the user: drop any identity left there by an earlier request."""
        g.pop("_login_user", None)
        g.pop("actor", None)

    @login_manager.user_loader
    def load_person(user_id: str) -> Person | None:
        """The session stores 'id:version'; a bumped version (password or role change) ends old sessions."""
        person_id, _, version = user_id.partition(":")
        if not person_id.isdigit():
            return None
        person = db.session.get(Person, int(person_id))
        if person is None or not person.active or str(person.session_version) != version:
            return None
        return person

    @app.context_processor
    def inject_actor() -> dict:
        return {"actor": current_actor() if current_user.is_authenticated else None}


def current_actor() -> Actor:
    """The signed-in person as an Actor, built once per request (API: the token's owner)."""
    actor = g.get("actor")
    if actor is None:
        actor = Actor(current_user._get_current_object())
        g.actor = actor
    return actor


def login_required_actor(view):
    """`login_required` that also makes `current_actor()` ready."""
    @login_required
    @wraps(view)
    def wrapper(*args, **kwargs):
        current_actor()
        return view(*args, **kwargs)
    return wrapper
