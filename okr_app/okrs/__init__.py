from flask import Blueprint

bp = Blueprint("okrs", __name__, url_prefix="/okrs")
