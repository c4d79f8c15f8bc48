"""The API's own refusals (401, 400) and the headers its error answers carry.

Every error under /api/ is JSON `{error}`: domain errors and HTTP errors go through
`okr_app.web_errors`; these classes add the two cases only the API has.
"""
from __future__ import annotations

from flask import Response, jsonify, request
from werkzeug.exceptions import MethodNotAllowed

from okr_app.api import bp
from okr_app.errors import CadenceError


class Unauthenticated(CadenceError):
    """No valid bearer token: missing, unknown, expired or revoked."""

    status = 401


class MalformedRequest(CadenceError):
    """A body that is not a JSON object sent as application/json."""

    status = 400


@bp.errorhandler(Unauthenticated)
def unauthenticated(exc: Unauthenticated):
    response = jsonify(error=exc.message)
    response.headers["WWW-Authenticate"] = 'Bearer realm="cadence"'
    return response, 401


@bp.after_app_request
def allow_header_on_405(response: Response) -> Response:
    """RFC 9110: a 405 names the methods the resource does support (the JSON error page drops them)."""
    if response.status_code == 405 and request.path.startswith(f"{bp.url_prefix}/"):
        exc = request.routing_exception
        if isinstance(exc, MethodNotAllowed) and exc.valid_methods and "Allow" not in response.headers:
            response.headers["Allow"] = ", ".join(sorted(exc.valid_methods))
    return response
