"""What a value from outside (a query string, a form field, a JSON body) may be before it reaches a query.

One parser for every id and date a request carries: ids are INTEGER columns, 32-bit signed on PostgreSQL
(the tighter of the two databases), so 1 to 2^31 − 1; dates stay inside 1970-01-01..2999-12-31, where the
app can still add a cycle's length or a day without leaving the calendar. Anything else is the caller's
mistake (400 for a query string, a field error for a form), never an OverflowError or "integer out of
range". Text may not hold NUL or other control characters (tab, line feed and carriage return excepted):
PostgreSQL refuses NUL outright, and the others only ever arrive to hide something."""
from __future__ import annotations

from datetime import date

from flask import request
from flask_wtf import FlaskForm

from okr_app.domain.limits import CONTROL_MESSAGE, control_characters_in  # noqa: F401 (the one rule)
from okr_app.errors import BadParameter

MAX_ID = 2**31 - 1
EARLIEST_DATE, LATEST_DATE = date(1970, 1, 1), date(2999, 12, 31)


def parse_id(text, name: str = "id") -> int | None:
    """'' or None → None; '12' → 12; anything else (not a whole number, 0, ≥ 2^31) → BadParameter."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    if isinstance(text, int) and not isinstance(text, bool):
        value = text
    else:
        raw = str(text).strip()
        if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
            raise BadParameter(f"{name} must be a whole number from 1 to {MAX_ID}.")
        value = int(raw)
    if not 1 <= value <= MAX_ID:
        raise BadParameter(f"{name} must be a whole number from 1 to {MAX_ID}.")
    return value


def parse_day(text, name: str = "date") -> date | None:
    """'' or None → None; 'YYYY-MM-DD' inside the sane range → that date; anything else → BadParameter."""
    if text is None or (isinstance(text, str) and not text.strip()):
        return None
    try:
        value = text if isinstance(text, date) else date.fromisoformat(str(text).strip())
    except ValueError:
        raise BadParameter(f"{name} must be a date like 2026-12-01.") from None
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise BadParameter(f"{name} must be between {EARLIEST_DATE} and {LATEST_DATE}.")
    return value


def query_id(name: str) -> int | None:
    """`?name=` as an id (absent or empty: None)."""
    return parse_id(request.args.get(name), name)


def query_day(name: str) -> date | None:
    return parse_day(request.args.get(name), name)


def init_app(app) -> None:
    @app.before_request
    def refuse_control_characters_in_the_query_string() -> None:
        """No page reads a control character from its query string; refusing them here keeps them out of
        every filter and every query at once."""
        for name, value in request.args.items(multi=True):
            if control_characters_in(name) or control_characters_in(value):
                raise BadParameter(f"The query string holds a control character (in {name!r}); remove it.")


# --- forms --------------------------------------------------------------------------------------------

def form_id(value) -> int | None:
    """A select's `coerce`: '' means none, else an id in range (WTForms turns the ValueError into a field error)."""
    if value in (None, "", "None"):
        return None
    try:
        return parse_id(value)
    except BadParameter as exc:
        raise ValueError(exc.message) from None


class BoundedForm(FlaskForm):
    """Every Cadence form: a text field holding control characters gets a field error, whatever the form,
    and every date field stays inside the sane range."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            raw = field.raw_data or []
            if any(isinstance(value, str) and control_characters_in(value) for value in raw):
                field.errors = [*field.errors, CONTROL_MESSAGE]
                valid = False
            elif field.type == "DateField" and field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
                field.errors = [*field.errors, f"Give a date between {EARLIEST_DATE} and {LATEST_DATE}."]
                valid = False
        return valid
