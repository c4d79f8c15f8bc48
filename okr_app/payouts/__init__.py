from flask import Blueprint

bp = Blueprint("payouts", __name__, url_prefix="/pay")

from okr_app.payouts import question_routes, routes  # noqa: E402,F401
