"""The audit trail: `services.record` writes it, the admin page and `cadence audit` read it."""
from flask import Blueprint

from okr_app.audit import append_only

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
append_only.install()

from okr_app.audit import routes  # noqa: E402,F401
