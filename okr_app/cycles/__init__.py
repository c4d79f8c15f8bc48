from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")

from okr_app.cycles import routes  # noqa: E402,F401
