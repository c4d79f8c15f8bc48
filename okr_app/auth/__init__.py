"""Sign-in and sign-out, and the `current_actor()` every view asks the policy about."""
from flask import Blueprint

bp = Blueprint("auth", __name__)
