"""The `<int:...>` converter of every route."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter


class DatabaseId(IntegerConverter):
    """`<int:id>` in every route: only ids a database column can hold (1 to 2**31 − 1) match;
    anything larger answers 404 instead of overflowing PostgreSQL's INTEGER into a 500."""

    def __init__(self, url_map, *args, **kwargs) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(url_map, *args, **kwargs)
