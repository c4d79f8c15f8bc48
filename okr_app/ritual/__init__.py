"""The weekly ritual: reminders, digests, nudges, conversations and notifications."""
from flask import Blueprint

bp = Blueprint("ritual", __name__)

from okr_app.ritual import routes  # noqa: E402,F401

