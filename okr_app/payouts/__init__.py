from flask import Blueprint

bp = Blueprint("payouts", __name__, url_prefix="/pay")
