"""The one place errors become responses: JSON `{error}` under /api, a page everywhere else.

Only domain errors (user mistakes) and HTTP errors are handled; a bug stays a bug (500, logged).
"""
from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from okr_app.errors import CadenceError


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, message: str):
    if wants_json():
        return jsonify(error=message), status
    return render_template("error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(CadenceError)
    def domain_error(exc: CadenceError):
        return error_response(exc.status, exc.message)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(400, "The form expired or did not come from Cadence; reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        messages = {
            401: "Sign in first (API: send Authorization: Bearer <token>).",
            403: "You are not allowed to do that.",
            404: "Not found.",
            405: "That method is not allowed here.",
            413: "That upload is too large.",
            429: "Too many attempts; wait a minute and try again.",
        }
        response = error_response(exc.code or 500, messages.get(exc.code, exc.description or exc.name))
        if exc.code == 429 and hasattr(exc, "get_headers"):
            pass
        return response
