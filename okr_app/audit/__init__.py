"""The audit trail: `services.record` writes it, the admin page and `cadence audit` read it."""
from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/admin/audit")
