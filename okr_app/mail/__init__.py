"""The one mail module: every message Cadence sends (reminders, digests, invitations, resets) goes through
`okr_app.mail.services.send`; the blueprint serves only the one-click unsubscribe link."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/mail")

from okr_app.mail import routes  # noqa: E402,F401
