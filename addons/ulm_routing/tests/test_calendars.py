"""Business calendars: due times against an independent, deliberately slow minute-by-minute
count (hypothesis), and the city's days the admins will check by hand."""

from __future__ import annotations

import calendar as pycalendar
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ulm_routing.calendars import CalendarSpec, ClockStopped, ClosingRule, standard_calendar

BERLIN = ZoneInfo("Europe/Berlin")
MINUTE = timedelta(minutes=1)


# --- The slow reference: one minute at a time, sharing no code with ulm_routing.calendars ------
def _reference_open(local: datetime, hours: dict, closing: list[dict]) -> bool:
    day = local.date()
    if day in holidays.country_holidays("DE", subdiv="BW", years=day.year):
        return False
    minute = local.hour * 60 + local.minute
    low, high = 0, 24 * 60
    for rule in closing:
        if rule["month"] != day.month:
            continue
        if "day" in rule:
            hit = rule["day"] == day.day
        else:
            days = [
                d
                for d in range(1, pycalendar.monthrange(day.year, day.month)[1] + 1)
                if date(day.year, day.month, d).weekday() == rule["weekday"]
            ]
            hit = day.day == days[rule["nth"] - 1 if rule["nth"] > 0 else rule["nth"]]
        if hit:
            if rule.get("from") is None and rule.get("until") is None:
                return False
            low = max(low, rule.get("from") or 0)
            high = min(high, rule.get("until") or 24 * 60)
    return low <= minute < high and any(
        start <= minute < end for start, end in hours.get(day.weekday(), [])
    )


def reference_due(start, minutes, hours, closing, pauses):
    if minutes == 0:
        return start
    counted, instant = 0, start
    while True:
        paused = any(p_start <= instant < p_end for p_start, p_end in pauses)
        if not paused and _reference_open(instant.astimezone(BERLIN), hours, closing):
            counted += 1
            if counted == minutes:
                return instant + MINUTE
        instant += MINUTE


# --- Strategies -------------------------------------------------------------------------------
def _day_hours():
    quarter = st.integers(min_value=0, max_value=96).map(lambda q: q * 15)
    interval = st.tuples(quarter, quarter).filter(lambda i: i[0] < i[1])
    return st.lists(interval, max_size=2)


weekday_hours = st.tuples(
    st.integers(5 * 60, 10 * 60), st.integers(13 * 60, 20 * 60), st.booleans()
).map(lambda t: [(t[0], 12 * 60), (13 * 60, t[1])] if t[2] else [(t[0], t[1])])

calendars = st.fixed_dictionaries(
    {
        **dict.fromkeys(range(5), weekday_hours),
        5: _day_hours(),
        # Sundays, when the clocks change: sometimes open all night
        6: st.one_of(_day_hours(), st.just([(0, 24 * 60)])),
    }
)

closing_rules = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"month": st.integers(1, 12), "day": st.integers(1, 28)},
            optional={
                "from": st.integers(8, 11).map(lambda h: h * 60),
                "until": st.integers(12, 16).map(lambda h: h * 60),
            },
        ),
        st.fixed_dictionaries(
            {
                "month": st.integers(1, 12),
                "weekday": st.integers(0, 6),
                "nth": st.sampled_from([1, 2, 3, 4, -1, -2]),
            },
            optional={"until": st.integers(10, 15).map(lambda h: h * 60)},
        ),
    ),
    max_size=3,
)

INTERESTING = [
    datetime(2026, 3, 27, 12, 0),  # the weekend the clocks go forward
    datetime(2026, 3, 29, 0, 30),
    datetime(2026, 10, 23, 15, 0),  # … and back
    datetime(2026, 10, 25, 1, 30),
    datetime(2026, 4, 2, 14, 0),  # Karfreitag, Ostermontag
    datetime(2026, 5, 13, 16, 0),  # Christi Himmelfahrt
    datetime(2026, 12, 23, 11, 0),  # Christmas, Stephanstag
    datetime(2026, 12, 31, 16, 0),  # New Year, Heilige Drei Könige
    datetime(2026, 7, 17, 17, 0),  # Schwörmontag week
]
starts = st.one_of(
    st.tuples(st.sampled_from(INTERESTING), st.integers(0, 3 * 24 * 60)).map(
        lambda t: t[0] + timedelta(minutes=t[1])
    ),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 1)).map(
        lambda d: d.replace(second=0, microsecond=0)
    ),
)


def _spec(hours, closing) -> CalendarSpec:
    return CalendarSpec(
        name="Test",
        hours={day: tuple(v) for day, v in hours.items()},
        holiday_region="BW",
        closing=tuple(
            ClosingRule(
                name="Schließtag",
                month=r["month"],
                day=r.get("day"),
                weekday=r.get("weekday"),
                nth=r.get("nth"),
                open_from=r.get("from"),
                open_until=r.get("until"),
            )
            for r in closing
        ),
    )


@settings(
    max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(
    hours=calendars,
    closing=closing_rules,
    local_start=starts,
    minutes=st.integers(0, 30 * 60),
    fold=st.integers(0, 1),
    pause_offsets=st.lists(st.tuples(st.integers(0, 5000), st.integers(1, 3000)), max_size=2),
)
def test_due_time_equals_the_minute_by_minute_count(
    hours, closing, local_start, minutes, fold, pause_offsets
):
    start = local_start.replace(tzinfo=BERLIN, fold=fold).astimezone(UTC)
    start = start.replace(second=0, microsecond=0)
    pauses = [
        (start + timedelta(minutes=a), start + timedelta(minutes=a + b)) for a, b in pause_offsets
    ]
    spec = _spec(hours, closing)
    due = spec.add_open_time(start, timedelta(minutes=minutes), pauses)
    # the same instant: compared in UTC, as Python never calls a time in the repeated hour of
    # the autumn change equal to a time in another zone (PEP 495), even the same instant
    assert due.astimezone(UTC) == reference_due(start, minutes, hours, closing, pauses)
    assert due.utcoffset() == due.astimezone(BERLIN).utcoffset()


@settings(max_examples=60, deadline=None, database=None)
@given(hours=calendars, local_start=starts, minutes=st.integers(1, 20 * 60))
def test_open_time_between_start_and_due_is_the_duration(hours, local_start, minutes):
    spec = _spec(hours, [])
    start = local_start.replace(tzinfo=BERLIN)
    due = spec.add_open_time(start, timedelta(minutes=minutes))
    assert spec.open_time_between(start, due) == timedelta(minutes=minutes)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def test_standard_calendar_skips_weekend_and_easter():
    # Thursday before Easter 2026, 17:00: one hour on Thursday, Karfreitag and Ostermontag are
    # public holidays in Baden-Württemberg, so the rest counts from Tuesday 08:00
    due = standard_calendar().add_open_time(at("2026-04-02T17:00"), timedelta(hours=24))
    assert due == at("2026-04-09T11:00")  # Tue 10 h, Wed 10 h, Thu 3 h


def test_daylight_saving_change_keeps_wall_clock_hours():
    due = standard_calendar().add_open_time(at("2026-03-27T17:00"), timedelta(hours=3))
    assert due.isoformat() == "2026-03-30T10:00:00+02:00"
    due = standard_calendar().add_open_time(at("2026-10-23T17:00"), timedelta(hours=3))
    assert due.isoformat() == "2026-10-26T10:00:00+01:00"


def test_an_open_pause_stops_the_clock():
    start = at("2026-06-01T09:00")
    with pytest.raises(ClockStopped):
        standard_calendar().add_open_time(
            start, timedelta(hours=5), [(at("2026-06-01T10:00"), None)]
        )
    # time before the pause still counts
    due = standard_calendar().add_open_time(
        start, timedelta(minutes=30), [(at("2026-06-01T10:00"), None)]
    )
    assert due == at("2026-06-01T09:30")


@pytest.mark.django_db
def test_sla_due_command_knows_schwoermontag_and_department_hours(routing, capsys):
    # Friday 17 July 2026, 16:00; Monday 20 July is Schwörmontag (second-to-last Monday of July):
    # offices close at 12:00. 2 h Friday + 4 h Monday + 10 h Tuesday + 8 h Wednesday.
    call_command("sla_due", "2026-07-17T16:00", "--hours", "24")
    assert capsys.readouterr().out.strip() == "2026-07-22T16:00:00+02:00"
    call_command("sla_due", "2026-07-17T16:00", "--hours", "24", "--calendar", "Kfz-Zulassung")
    assert capsys.readouterr().out.strip() == "2026-07-24T08:30:00+02:00"
    # Heiligabend and Silvester are the city's own closing days
    call_command("sla_due", "2026-12-23T17:00", "--hours", "2")
    assert capsys.readouterr().out.strip() == "2026-12-28T09:00:00+01:00"


@pytest.mark.django_db
def test_sla_due_command_refuses_bad_input_in_german(routing):
    with pytest.raises(CommandError, match="keine ISO-8601-Zeit"):
        call_command("sla_due", "morgen früh", "--hours", "24")
    with pytest.raises(CommandError, match="Es gibt keinen Kalender „Mond“"):
        call_command("sla_due", "2026-07-17T16:00", "--hours", "24", "--calendar", "Mond")
