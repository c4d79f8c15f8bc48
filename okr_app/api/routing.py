"""`operation`: declare an API endpoint once, for Flask and for the OpenAPI document alike.

Each endpoint names its request schema, its success responses and the errors it can answer. The
wrapper parses the body (and query) through those schemas, hands the view the token's `Actor`,
dumps the result through the declared response schema; the request's edge (`okr_app.edge`) commits once.
"""
from __future__ import annotations

import inspect
import re
from dataclasses import dataclass
from functools import wraps
from typing import Any, Callable

from flask import current_app, g, jsonify, request
from marshmallow import Schema

from okr_app.api import bp
from okr_app.api.fields import MAX_ID
from okr_app.api.parsing import json_object, load
from okr_app.errors import NotFound


@dataclass(frozen=True)
class Operation:
    method: str
    rule: str  # Flask rule inside the blueprint, e.g. "/objectives/<int:objective_id>"
    endpoint: str
    summary: str
    description: str
    tag: str
    body: type[Schema] | None
    query: type[Schema] | None
    responses: dict[int, type[Schema]]
    errors: tuple[int, ...]
    public: bool
    example: dict | None = None
    preshaped: bool = False

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"<int:(\w+)>", self.rule)


OPERATIONS: list[Operation] = []


def operation(method: str, rule: str, *, summary: str, tag: str, responses: dict[int, type[Schema]],
              body: type[Schema] | None = None, query: type[Schema] | None = None,
              errors: tuple[int, ...] = (), public: bool = False, example: dict | None = None,
              preshaped: bool = False) -> Callable:
    """Register a view at `rule` for `method`.

    The view returns an object, (object, status) or (object, status, headers); the object is dumped
    through `responses[status]` (status defaults to the first one declared). `preshaped` views return
    plain JSON data already in that schema's shape (the cascade from `okr_app.okrs.tree`, thousands of
    nodes: dumping it a second time would cost a third of the request); tests hold it to the schema."""
    def decorator(view: Callable) -> Callable:
        spec = Operation(method=method, rule=rule, endpoint=f"{bp.name}.{view.__name__}", summary=summary,
                         description=inspect.cleandoc(view.__doc__ or ""), tag=tag, body=body, query=query,
                         responses=responses, errors=tuple(sorted(set(errors))), public=public, example=example,
                         preshaped=preshaped)
        OPERATIONS.append(spec)

        @wraps(view)
        def endpoint(**path: Any):
            if any(value > MAX_ID for value in path.values()):
                raise NotFound("Not found.")  # no id column holds such an id
            kwargs = dict(path)
            if query is not None:
                kwargs["query"] = load(query(), request.args.to_dict())
            if body is not None:
                kwargs["body"] = load(body(), json_object())
            if not public:
                kwargs["actor"] = g.actor
            result = view(**kwargs)
            value, status, headers = _unpack(result, next(iter(responses)))
            if isinstance(value, JsonText):
                response = current_app.response_class(value, mimetype="application/json")
            else:
                response = jsonify(value if preshaped else responses[status]().dump(value))
            response.status_code = status
            response.headers.update(headers)
            return response

        bp.add_url_rule(rule, endpoint=view.__name__, view_func=endpoint, methods=[method])
        return view
    return decorator


class JsonText(str):
    """A `preshaped` answer already serialised (the cascade, cached per roll-up): sent as it is."""


def _unpack(result: Any, default_status: int) -> tuple[Any, int, dict]:
    if not isinstance(result, tuple):
        return result, default_status, {}
    if len(result) == 2:
        return result[0], result[1], {}
    return result
