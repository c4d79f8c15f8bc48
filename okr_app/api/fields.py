"""Marshmallow fields that take JSON as JSON: a number is a number, a boolean a boolean, a date 'YYYY-MM-DD'.

Marshmallow's own fields are lenient ("12" for a number, "yes" for true, '20260504' for a date); an API
that integrations script against should refuse what its OpenAPI document says is wrong, and the store
must never see text PostgreSQL cannot hold (NUL characters, lone surrogates).
"""
from __future__ import annotations

import re
from datetime import date, timezone

from marshmallow import fields, validate

from okr_app.bounds import EARLIEST_DATE, LATEST_DATE, MAX_ID, control_characters_in  # noqa: F401 (one parser)

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _storable(text: str) -> bool:
    if control_characters_in(text):
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate such as "\ud800"
        return False
    return True


class Text(fields.String):
    """A JSON string that both databases can store."""

    default_error_messages = {"unstorable": "Contains characters that cannot be stored (NUL or another control character, or a lone surrogate)."}

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if not _storable(value):
            raise self.make_error("unstorable")
        return value


class Number(fields.Float):
    """A JSON number: finite, never a string or a boolean."""

    def __init__(self, **kwargs) -> None:
        super().__init__(allow_nan=False, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> float:
        if isinstance(value, (str, bytes)):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class WholeNumber(fields.Integer):
    """A JSON integer (1, not 1.0, "1" or true)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(strict=True, **kwargs)


class Id(WholeNumber):
    """A database id: a whole number from 1 to 2^31 − 1."""

    def __init__(self, **kwargs) -> None:
        metadata = {"format": "int32", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Range(min=1, max=MAX_ID, error="Not a valid id."),
                         metadata=metadata, **kwargs)


class QueryId(fields.Integer):
    """An id in a query string, where every value arrives as text ('12')."""

    def __init__(self, **kwargs) -> None:
        metadata = {"format": "int32", **kwargs.pop("metadata", {})}
        super().__init__(validate=validate.Range(min=1, max=MAX_ID, error="Not a valid id."),
                         metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class QueryDepth(fields.Integer):
    """A number of levels in a query string ('2'): a whole number from 0 to 100."""

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Range(min=0, max=100), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> int:
        if not isinstance(value, str) or not value.isascii() or not value.isdigit():
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Flag(fields.Boolean):
    """A JSON boolean: true or false, nothing else."""

    def _deserialize(self, value, attr, data, **kwargs) -> bool:
        if value is True or value is False:
            return value
        raise self.make_error("invalid")


class Day(fields.Date):
    """A calendar date written YYYY-MM-DD (ISO 8601's extended form only), 1970 to 2999."""

    default_error_messages = {"invalid": "Not a valid date (YYYY-MM-DD)."}

    def __init__(self, **kwargs) -> None:
        super().__init__(validate=validate.Range(min=EARLIEST_DATE, max=LATEST_DATE,
                                                 error="Must be a date from {min} to {max}."), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs) -> date:
        if not isinstance(value, str) or not ISO_DATE.fullmatch(value):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class UtcTimestamp(fields.DateTime):
    """Output only: a naive UTC datetime (how Cadence stores time) as RFC 3339 with 'Z'."""

    def _serialize(self, value, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return value.isoformat(timespec="seconds") + "Z"
