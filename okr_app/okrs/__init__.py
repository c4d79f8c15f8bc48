from flask import Blueprint

bp = Blueprint("okrs", __name__, url_prefix="/okrs")

from okr_app.okrs import routes  # noqa: E402,F401
