"""Bearer-token authentication for every API call except the OpenAPI document.

Only the `Authorization: Bearer <token>` header counts: a browser's session cookie never
authenticates an API call (so the API needs no CSRF protection, and a logged-in browser visiting a
hostile page cannot be made to call it). The token's owner becomes `g.actor`, the same `Actor`
the web pages and services use.
"""
from __future__ import annotations

from flask import g, request

from okr_app.api import bp
from okr_app.api.errors import Unauthenticated
from okr_app.api.tokens import check_bearer

PUBLIC_ENDPOINTS = frozenset({"api.openapi"})


@bp.before_request
def authenticate() -> None:
    g.pop("actor", None)  # only this request's token may speak for this request
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    check = check_bearer(request.headers.get("Authorization"))
    if check.actor is None:
        raise Unauthenticated(check.reason)
    g.actor = check.actor
