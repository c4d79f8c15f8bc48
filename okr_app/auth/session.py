"""Who is signed in: server-side sessions (`SignInSession`) behind Flask-Login, and the `Actor` the policy asks.

The browser's signed session cookie holds only a random secret (`sid`); the row it names decides whether the
session is alive. So signing out, "sign out everywhere", a password change, a role change and a deactivation
end every copy of a session at once, wherever the cookie was copied to: the first ends the row, the others
move the person's `session_version` on, which every row began under.

Lifetimes (configuration): a session without remember-me ends after `SESSION_IDLE_HOURS` (12) without a
request and at most `SESSION_LIFETIME_HOURS` (24) after sign-in; with "keep me signed in" it lasts
`REMEMBER_DAYS` (14). The remember-me cookie (`cadence_remember`, `id.token`) restores a session once the
browser has dropped its session cookie; each use rotates the token. A token that was already rotated away
coming back means the cookie was copied, so that session ends for everyone holding it."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from functools import wraps

import sqlalchemy as sa
from flask import Flask, current_app, g, request, session
from flask_login import current_user, login_required, login_user, logout_user

from okr_app.clock import utcnow
from okr_app.extensions import db, login_manager
from okr_app.models import Person, SignInSession
from okr_app.policy import Actor

REMEMBER_COOKIE = "cadence_remember"
TOUCH_EVERY = timedelta(minutes=1)  # last_seen_at moves at most once a minute: one write, not one per request


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.session_protection = "strong"
    # Flask-Login's own remember-me cookie is never set (login_user(remember=False)); ours rotates.
    app.config.setdefault("REMEMBER_COOKIE_NAME", "flask_login_remember_unused")

    @app.before_request
    def identify_from_this_request_only() -> None:
        """Who is signed in comes from this request's cookie alone. Flask reuses an app context
        that is already pushed (a CLI command, a test holding one), and with it `g`, where
        Flask-Login caches the user: drop any identity left there by an earlier request."""
        for name in ("_login_user", "actor", "sign_in_session", "remember_cookie"):
            g.pop(name, None)

    login_manager.user_loader(_load_from_session)
    login_manager.request_loader(_load_from_remember_cookie)
    app.after_request(_set_or_clear_remember_cookie)

    @app.context_processor
    def inject_actor() -> dict:
        return {"actor": current_actor() if current_user.is_authenticated else None}


# --- starting and ending -------------------------------------------------------------------------------

def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def start_session(person: Person, remember: bool = False) -> SignInSession:
    """Sign `person` in on this browser: a fresh session (no fixation) and, with `remember`, a remember-me
    cookie."""
    config, now = current_app.config, utcnow()
    lifetime = (timedelta(days=config["REMEMBER_DAYS"]) if remember
                else timedelta(hours=config["SESSION_LIFETIME_HOURS"]))
    secret = secrets.token_urlsafe(32)
    token = secrets.token_urlsafe(32) if remember else None
    row = SignInSession(person_id=person.id, session_hash=_digest(secret),
                        remember_hash=_digest(token) if token else None, session_version=person.session_version,
                        address=(request.remote_addr or "")[:64],
                        user_agent=(request.user_agent.string or "")[:200], created_at=now, last_seen_at=now,
                        expires_at=now + lifetime)
    db.session.add(row)
    db.session.flush()
    session.clear()
    login_user(person, remember=False)
    session["sid"] = secret
    g.sign_in_session = row
    g.remember_cookie = f"{row.id}.{token}" if token else ""
    return row


def end_this_session() -> None:
    """Sign out on this browser: its session row ends, so copies of its cookies stop working too."""
    row = g.get("sign_in_session")
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        db.session.flush()
    logout_user()
    session.clear()
    g.remember_cookie = ""


def end_every_session(person: Person) -> int:
    """Every session of this person, on every browser, ends now; returns how many were live."""
    ended = db.session.execute(sa.update(SignInSession).where(
        SignInSession.person_id == person.id, SignInSession.ended_at.is_(None)).values(ended_at=utcnow()))
    person.session_version += 1
    db.session.flush()
    return ended.rowcount or 0


def live_sessions(person: Person) -> list[SignInSession]:
    """This person's sessions that still work, newest first (the account page lists them)."""
    now = utcnow()
    rows = db.session.scalars(sa.select(SignInSession).where(
        SignInSession.person_id == person.id, SignInSession.ended_at.is_(None), SignInSession.expires_at > now)
        .order_by(SignInSession.last_seen_at.desc()))
    return [row for row in rows if _alive(row, person, now)]


def _alive(row: SignInSession | None, person: Person | None, now: datetime) -> bool:
    if row is None or person is None or not person.active or row.ended_at is not None:
        return False
    if row.person_id != person.id or row.session_version != person.session_version or now >= row.expires_at:
        return False
    idle = timedelta(hours=current_app.config["SESSION_IDLE_HOURS"])
    return row.remember_hash is not None or now < row.last_seen_at + idle


def _load_from_session(user_id: str) -> Person | None:
    """Flask-Login's user loader: the session cookie's `sid` must name a live session of this person."""
    person_id, _, _version = user_id.partition(":")
    secret = session.get("sid")
    if not person_id.isdigit() or not isinstance(secret, str):
        return None
    row = db.session.scalar(sa.select(SignInSession).where(SignInSession.session_hash == _digest(secret)))
    person = db.session.get(Person, row.person_id) if row is not None else None
    now = utcnow()
    if not _alive(row, person, now) or str(person.id) != person_id:
        return None
    if now - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = now
    g.sign_in_session = row
    return person


def _load_from_remember_cookie(_request) -> Person | None:
    """No live session: a valid remember-me cookie starts the browser's session again, with a new token."""
    cookie = request.cookies.get(REMEMBER_COOKIE, "")
    row_id, _, token = cookie.partition(".")
    if not cookie:
        return None
    g.remember_cookie = ""  # whatever happens below, this cookie is not used again
    if not row_id.isdigit() or not token or int(row_id) > 2**31 - 1:
        return None
    row = db.session.get(SignInSession, int(row_id))
    if row is None or row.remember_hash is None:
        return None
    now = utcnow()
    if not hmac.compare_digest(_digest(token), row.remember_hash):
        if row.ended_at is None:  # a rotated-away token came back: the cookie was copied
            _write_now(row.id, ended_at=now)
        return None
    person = db.session.get(Person, row.person_id)
    if not _alive(row, person, now):
        return None
    secret, token = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    # Written at once, outside the request's transaction: the browser gets the new token on this response
    # whatever its status, so the database must hold it even if the request itself rolls back.
    _write_now(row.id, session_hash=_digest(secret), remember_hash=_digest(token), last_seen_at=now)
    db.session.expire(row)
    session.clear()
    login_user(person, remember=False, fresh=False)
    session["sid"] = secret
    g.sign_in_session = row
    g.remember_cookie = f"{row.id}.{token}"
    return person


def _write_now(row_id: int, **values) -> None:
    with db.engine.begin() as connection:
        connection.execute(sa.update(SignInSession.__table__).where(SignInSession.__table__.c.id == row_id)
                           .values(**values))


def _set_or_clear_remember_cookie(response):
    value = g.pop("remember_cookie", None)
    if value is None:
        return response
    config = current_app.config
    if value:
        response.set_cookie(REMEMBER_COOKIE, value, max_age=int(timedelta(days=config["REMEMBER_DAYS"]).total_seconds()),
                            httponly=True, samesite="Lax", secure=config.get("SESSION_COOKIE_SECURE", False))
    elif REMEMBER_COOKIE in request.cookies:
        response.delete_cookie(REMEMBER_COOKIE, httponly=True, samesite="Lax")
    return response


# --- the actor -------------------------------------------------------------------------------------------

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
