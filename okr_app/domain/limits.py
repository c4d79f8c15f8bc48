"""Field limits: how long each text may be and which numbers are allowed.

The one table the web forms, the API schemas and the services all read, so a limit cannot differ between doors:
a form shows it, the API documents it, and the service enforces it for every caller (CLI and imports too)."""
from __future__ import annotations

from dataclasses import dataclass

from okr_app.errors import InvalidInput


@dataclass(frozen=True)
class TextLimit:
    """A text field: at most `max` characters after trimming; `what` names it in messages."""

    what: str
    max: int


OBJECTIVE_TITLE = TextLimit("An objective's title", 200)
OBJECTIVE_DESCRIPTION = TextLimit("An objective's description", 5_000)
KR_TITLE = TextLimit("A key result's title", 200)
KR_UNIT = TextLimit("A unit", 30)
CHECK_IN_NOTE = TextLimit("A check-in note", 5_000)
WEEKLY_TEXT = TextLimit("Each of Progress, Plans and Problems", 10_000)
REPLY = TextLimit("A reply", 10_000)
CYCLE_NAME = TextLimit("A cycle's name", 120)
PERSON_NAME = TextLimit("A name", 120)
TEAM_NAME = TextLimit("A team's name", 120)
EMAIL = TextLimit("An email address", 254)
PASSWORD = TextLimit("A password", 1_024)

# Numbers a key result holds: finite and within ±10^15 (beyond that floats stop counting whole units).
VALUE_MAX_ABS = 1e15
WEIGHT_MAX = 100.0  # a key result's weight is above 0 and at most this
SATISFACTION_MIN, SATISFACTION_MAX = 1, 5
GRADE_MIN, GRADE_MAX = 0.0, 1.0

# Text may not hold NUL or other control characters (tab, line feed and carriage return excepted), nor lone
# surrogates: PostgreSQL refuses NUL outright, and the others only ever arrive to hide something.
ALLOWED_CONTROLS = frozenset("\t\n\r")
CONTROL_MESSAGE = "Remove the control characters (such as NUL) from this text."


def control_characters_in(text: str) -> bool:
    return any((ord(char) < 0x20 and char not in ALLOWED_CONTROLS) or ord(char) == 0x7F
               or 0xD800 <= ord(char) <= 0xDFFF for char in text)


def clean_text(limit: TextLimit, text: str | None, required: bool = False) -> str:
    """The text trimmed; InvalidInput when it is longer than the limit, missing while required, or holds
    control characters (they break exports, and PostgreSQL cannot store NUL). Line breaks are text."""
    text = (text or "").strip()
    if required and not text:
        raise InvalidInput(f"{limit.what} is required.")
    if len(text) > limit.max:
        raise InvalidInput(f"{limit.what} is at most {limit.max:,} characters; this one has {len(text):,}.")
    if control_characters_in(text):
        raise InvalidInput(f"{limit.what} contains control characters. {CONTROL_MESSAGE}")
    return text
