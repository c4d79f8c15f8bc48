"""`GET /api/v1/openapi.json`: the OpenAPI 3 document, generated from the registered operations.

Nothing here is written by hand per endpoint: paths, parameters, request bodies and responses come
from `routing.OPERATIONS` and the marshmallow schemas they name (apispec's MarshmallowPlugin).
"""
from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app, jsonify

from okr_app.api import bp, schemas
from okr_app.api.fields import MAX_ID
from okr_app.api.routing import OPERATIONS, Operation

SECURITY_SCHEME = "bearerAuth"
ERROR_TEXT = {
    400: "The body is not a JSON object sent as application/json.",
    401: "Missing, unknown, expired or revoked API token.",
    403: "The token's owner may not do this.",
    404: "No such object, or one the token's owner may not see.",
    422: "The request breaks a rule (the message names the field or the rule).",
}
DESCRIPTION = """Cadence's API for integrations that push key-result values and read the cascade.

Authenticate every call (except this document) with a personal token: `Authorization: Bearer <token>`.
Create one with `cadence tokens create EMAIL`; it acts with that person's permissions.
Errors are JSON `{"error": "..."}` with status 400, 401, 403, 404, 405 or 422.
Progress figures are numbers from 0 to 1."""


def build_spec() -> dict:
    spec = APISpec(title="Cadence API", version="1", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_schema_name)],
                   info={"description": DESCRIPTION}, security=[{SECURITY_SCHEME: []}])
    spec.components.security_scheme(SECURITY_SCHEME, {"type": "http", "scheme": "bearer",
                                                      "description": "A personal API token."})
    spec.components.schema("Error", schema=schemas.ErrorSchema)
    spec.path(path=f"{bp.url_prefix}/openapi.json", operations={"get": {
        "summary": "This document", "tags": ["meta"], "security": [],
        "responses": {"200": {"description": "The OpenAPI document.",
                              "content": {"application/json": {"schema": {"type": "object"}}}}}}})
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        paths.setdefault(_openapi_path(op.rule), {})[op.method.lower()] = _operation(op)
    for path, operations in sorted(paths.items()):
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _schema_name(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    return cls.__name__.removesuffix("Schema")


def _openapi_path(rule: str) -> str:
    return bp.url_prefix + re.sub(r"<int:(\w+)>", r"{\1}", rule)


def _operation(op: Operation) -> dict:
    document: dict = {"operationId": op.endpoint.split(".", 1)[1], "summary": op.summary, "tags": [op.tag]}
    if op.description:
        document["description"] = op.description
    parameters = [{"name": name, "in": "path", "required": True,
                   "schema": {"type": "integer", "format": "int32", "minimum": 1, "maximum": MAX_ID}, "example": 1}
                  for name in op.path_params]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    if parameters:
        document["parameters"] = parameters
    if op.body is not None:
        media = {"schema": op.body, **({"example": op.example} if op.example else {})}
        document["requestBody"] = {"required": True, "content": {"application/json": media}}
    responses = {str(status): {"description": _success_text(status),
                               "content": {"application/json": {"schema": schema}}}
                 for status, schema in op.responses.items()}
    for status in error_statuses(op):
        responses[str(status)] = {"description": ERROR_TEXT[status],
                                  "content": {"application/json": {"schema": schemas.ErrorSchema}}}
    document["responses"] = responses
    if op.public:
        document["security"] = []
    return document


def error_statuses(op: Operation) -> list[int]:
    """What an operation can answer besides success: declared errors plus those its shape implies."""
    statuses = set(op.errors)
    if not op.public:
        statuses.add(401)
    if op.body is not None:
        statuses.update((400, 422))
    if op.query is not None:
        statuses.add(422)
    if op.path_params:
        statuses.add(404)
    return sorted(statuses)


def _success_text(status: int) -> str:
    return {200: "OK.", 201: "Created."}.get(status, "OK.")


@bp.route("/openapi.json")
def openapi():
    """Built once per app: the operations cannot change while it runs."""
    document = current_app.extensions.get("cadence_openapi")
    if document is None:
        document = current_app.extensions["cadence_openapi"] = build_spec()
    return jsonify(document)
