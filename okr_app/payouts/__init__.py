from flask import Blueprint

bp = Blueprint("payouts", __name__, url_prefix="/pay")

from okr_app.payouts import routes  # noqa: E402,F401
