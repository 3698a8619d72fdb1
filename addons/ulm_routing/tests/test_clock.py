"""The clock of a handoff in the evening: a due time that has passed is overdue, even when no
open time has elapsed since (after closing), as the overdue filter says."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils import translation

from ulm_routing.worklists import Calendars

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_due_time_past_after_closing_is_overdue(routing):
    calendars = Calendars()
    due = datetime(2026, 12, 2, 18, 20, tzinfo=BERLIN)  # a Wednesday, after closing time
    clock = calendars.clock(0, due, datetime(2026, 12, 2, 21, 0, tzinfo=BERLIN))
    assert clock.overdue
    assert clock.state == "overdue"
    with translation.override("de"):
        assert clock.text.startswith("Überfällig seit")
    before = calendars.clock(0, due, datetime(2026, 12, 2, 18, 10, tzinfo=BERLIN))
    assert not before.overdue
