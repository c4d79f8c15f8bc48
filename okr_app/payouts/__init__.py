from flask import Blueprint

bp = Blueprint("payouts", __name__, url_prefix="/pay")

from okr_app.payouts import plan_routes, question_routes, routes  # noqa: E402,F401
