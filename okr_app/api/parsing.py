"""Reading a request: a JSON object in, validated by its schema; every failure a clear 400 or 422."""
from __future__ import annotations

import json
from typing import Any

from flask import request
from marshmallow import Schema, ValidationError

from okr_app.api.errors import MalformedRequest
from okr_app.errors import InvalidInput

MAX_NAME_SHOWN = 60


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def json_object() -> dict:
    """The body as a dict: Content-Type application/json, strict JSON (no NaN/Infinity), an object."""
    if request.mimetype != "application/json":
        raise MalformedRequest("Send a JSON object with the header 'Content-Type: application/json'.")
    raw = request.get_data(cache=True)
    if not raw.strip():
        raise MalformedRequest("The request body is empty; send a JSON object.")
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError, bad UTF-8, over-long integers, deep nesting
        raise MalformedRequest("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise MalformedRequest("The request body must be a JSON object ({...}).")
    return data


def load(schema: Schema, data: Any) -> dict:
    """Validate with `schema`; all problems become one 422 message naming each field."""
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise InvalidInput(describe(exc.messages)) from None


def describe(messages: Any, path: str = "") -> str:
    """{'start': ['Not a valid date.'], 'weeks': [...]} → 'start: Not a valid date. weeks: ...'."""
    return " ".join(_lines(messages, path)) or "The request is not valid."


def _lines(messages: Any, path: str) -> list[str]:
    if isinstance(messages, dict):
        lines = []
        for key in sorted(messages, key=str):
            name = str(key)[:MAX_NAME_SHOWN]
            child = path if key == "_schema" else (f"{path}.{name}" if path else name)
            lines.extend(_lines(messages[key], child))
        return lines
    if isinstance(messages, (list, tuple)):
        lines = []
        for item in messages:
            lines.extend(_lines(item, path))
        return lines
    text = str(messages)
    return [f"{path}: {text}" if path else text]
