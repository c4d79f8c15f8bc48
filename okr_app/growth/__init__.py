"""The growth review (a cycle's revenue beside the three teams' key results) and the plan back-test page."""
from flask import Blueprint

bp = Blueprint("growth", __name__, url_prefix="/growth")
