from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")

from okr_app.audit import routes  # noqa: E402,F401
