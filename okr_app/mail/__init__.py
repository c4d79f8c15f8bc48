"""The one mail module: every message Cadence sends (reminders, digests, invitations, resets) goes through
`okr_app.mail.services.send`; the blueprint serves only the one-click unsubscribe link (`routes`)."""
from flask import Blueprint

bp = Blueprint("mail", __name__, url_prefix="/mail")
