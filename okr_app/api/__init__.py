"""The JSON API under /api/v1 for integrations, with bearer tokens and an OpenAPI document."""
from flask import Blueprint

from okr_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens, never cookies: nothing for a cross-site request to ride on
