"""Sign-in and sign-out, and the `current_actor()` every view asks the policy about."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from okr_app.auth.session import current_actor, init_app, login_required_actor  # noqa: E402,F401
from okr_app.auth import routes  # noqa: E402,F401
