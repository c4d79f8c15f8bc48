"""The weekly ritual: reminders, digests, nudges, conversations and their notifications."""
from flask import Blueprint

bp = Blueprint("ritual", __name__)
