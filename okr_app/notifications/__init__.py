from flask import Blueprint

bp = Blueprint("notifications", __name__, url_prefix="/notifications")

from okr_app.notifications import routes  # noqa: E402,F401
