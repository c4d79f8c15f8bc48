from flask import Blueprint

bp = Blueprint("cycles", __name__, url_prefix="/cycles")
