from flask import Blueprint

bp = Blueprint("checkins", __name__)

from okr_app.checkins import routes  # noqa: E402,F401
