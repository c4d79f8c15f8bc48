"""When the weekly messages are due: a weekday and hour in the company's timezone, until the week ends."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from okr_app.errors import InvalidInput
from okr_app.ritual.schedule import Slot, is_due, parse_slot

NEW_YORK = ZoneInfo("America/New_York")
UTC = ZoneInfo("UTC")


@pytest.mark.parametrize("text, slot", [("friday 10", Slot(4, 10)), ("Fri 10:00", Slot(4, 10)),
                                        ("mon 8", Slot(0, 8)), ("SUNDAY 23", Slot(6, 23))])
def test_a_schedule_is_a_weekday_and_an_hour(text, slot):
    assert parse_slot(text) == slot


@pytest.mark.parametrize("text", ["friday", "10", "fr 10", "t 9", "friday 24", "someday 10", ""])
def test_anything_else_is_refused_with_the_expected_shape(text):
    with pytest.raises(InvalidInput, match="like 'friday 10'"):
        parse_slot(text)


def test_due_from_the_slot_until_the_end_of_the_iso_week():
    friday_10 = Slot(4, 10)
    assert not is_due(friday_10, datetime(2026, 3, 13, 9, 59), UTC)   # Friday 09:59
    assert is_due(friday_10, datetime(2026, 3, 13, 10, 0), UTC)       # Friday 10:00
    assert is_due(friday_10, datetime(2026, 3, 15, 23, 59), UTC)      # Sunday night, same week
    assert not is_due(friday_10, datetime(2026, 3, 16, 0, 0), UTC)    # Monday: a new week, not yet


def test_the_hour_is_the_companys_not_utc():
    # Friday 10:00 in New York (EDT from 2026-03-08, UTC−4) is 14:00 UTC
    assert not is_due(Slot(4, 10), datetime(2026, 3, 13, 13, 59), NEW_YORK)
    assert is_due(Slot(4, 10), datetime(2026, 3, 13, 14, 0), NEW_YORK)
