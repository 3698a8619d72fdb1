"""Business calendars in memory: which instants are open, and due times counted in open time.

A calendar is loaded once into a ``CalendarSpec`` (opening hours per weekday, the public holidays
of a German state from the ``holidays`` library, the city's closing days and part days) and then
answers without queries. Opening hours are wall-clock times in Europe/Berlin; an instant is open
when its local time lies in an opening interval of its local date. Days with a daylight-saving
change are split at the change, so a due time is exact across it (a day of 23 or 25 hours)."""

from __future__ import annotations

import calendar as pycalendar
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays as holiday_library
from django.utils.translation import gettext as _

from ulm_routing import conf

MINUTES_PER_DAY = 24 * 60
Interval = tuple[int, int]  # minutes from local midnight, [start, end), end ≤ 1440
Span = tuple[datetime, datetime]  # aware instants, [start, end)


class CalendarError(ValueError):
    """A calendar that cannot give a due time (no opening hours, or none in years)."""


class ClockStopped(CalendarError):
    """The clock is paused with no end yet: there is no due time until it runs again."""


@dataclass(frozen=True)
class ClosingRule:
    """A closing day or part day: once (``on``), yearly on ``month``/``day``, or yearly on the
    ``nth`` ``weekday`` of ``month`` (negative: from the end). ``open_from``/``open_until`` in
    minutes from midnight; both None: closed all day."""

    name: str
    on: date | None = None
    month: int | None = None
    day: int | None = None
    weekday: int | None = None
    nth: int | None = None
    open_from: int | None = None
    open_until: int | None = None

    def applies(self, day: date) -> bool:
        if self.on is not None:
            return day == self.on
        if self.month != day.month:
            return False
        if self.day is not None:
            return day.day == self.day
        if self.weekday is not None and self.nth:
            return nth_weekday(day.year, day.month, self.weekday, self.nth) == day
        return False

    def limit(self, intervals: list[Interval]) -> list[Interval]:
        if self.open_from is None and self.open_until is None:
            return []
        low = self.open_from if self.open_from is not None else 0
        high = self.open_until if self.open_until is not None else MINUTES_PER_DAY
        return [(max(s, low), min(e, high)) for s, e in intervals if max(s, low) < min(e, high)]


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The ``nth`` ``weekday`` (0 = Monday) of the month; negative counts from the end
    (-2: second-to-last). None when the month has no such day (a fifth Monday)."""
    last = pycalendar.monthrange(year, month)[1]
    if nth > 0:
        first = date(year, month, 1)
        found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    else:
        end = date(year, month, last)
        found = end - timedelta(days=(end.weekday() - weekday) % 7 + 7 * (-nth - 1))
    return found if found.month == month else None


def merge(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, overlapping or touching intervals joined."""
    merged: list[list[int]] = []
    for start, end in sorted(intervals):
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


@functools.lru_cache(maxsize=256)
def public_holidays(region: str, year: int) -> dict[date, str]:
    """The public holidays of a German state in a year, named in German."""
    found = holiday_library.country_holidays("DE", subdiv=region, years=year, language="de")
    return dict(found.items())


@dataclass
class CalendarSpec:
    """A business calendar in memory. ``hours`` maps a weekday (0 = Monday) to its opening
    intervals in minutes from midnight."""

    name: str
    hours: dict[int, tuple[Interval, ...]]
    holiday_region: str = "BW"
    closing: tuple[ClosingRule, ...] = ()
    zone: str = ""
    _days: dict[date, tuple[Span, ...]] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.hours = {day: merge(self.hours.get(day, ())) for day in range(7)}
        self.zone = self.zone or conf.get("ULM_ROUTING_TIME_ZONE")

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.zone)

    def holiday(self, day: date) -> str | None:
        if not self.holiday_region:
            return None
        return public_holidays(self.holiday_region, day.year).get(day)

    def day_hours(self, day: date) -> tuple[Interval, ...]:
        """Opening intervals of a local date after holidays and closing days."""
        if self.holiday(day):
            return ()
        intervals = list(self.hours[day.weekday()])
        for rule in self.closing:
            if rule.applies(day):
                intervals = rule.limit(intervals)
        return tuple(intervals)

    def open_spans(self, day: date) -> tuple[Span, ...]:
        """The open instants of a local date as UTC spans (split at a daylight-saving change)."""
        cached = self._days.get(day)
        if cached is None:
            cached = self._days[day] = self._spans(day)
        return cached

    def _spans(self, day: date) -> tuple[Span, ...]:
        intervals = self.day_hours(day)
        if not intervals:
            return ()
        midnight = datetime.combine(day, time(0))
        spans = []
        for seg_start, seg_end, offset in _segments(day, self.tz):
            for start, end in intervals:
                low = max(seg_start, midnight + timedelta(minutes=start) - offset)
                high = min(seg_end, midnight + timedelta(minutes=end) - offset)
                if low < high:
                    spans.append((low.replace(tzinfo=UTC), high.replace(tzinfo=UTC)))
        return tuple(spans)

    def is_open(self, instant: datetime) -> bool:
        local = instant.astimezone(self.tz)
        return any(s <= instant < e for s, e in self.open_spans(local.date()))

    def add_open_time(
        self,
        start: datetime,
        duration: timedelta,
        pauses: Sequence[tuple[datetime, datetime | None]] = (),
    ) -> datetime:
        """The instant at which ``duration`` of open time has passed since ``start``, not
        counting the ``pauses`` (an open pause ends at None: the clock stands still from then
        on: ClockStopped is raised when the due time would lie after its start).
        Returned in the calendar's zone."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        remaining = duration
        if remaining <= timedelta(0):
            return start.astimezone(self.tz)
        blocked = _normalise_pauses(pauses)
        stopped_from = blocked[-1][0] if blocked and blocked[-1][1] == FOREVER else None
        day = start.astimezone(self.tz).date()
        last_day = day + timedelta(days=conf.get("ULM_ROUTING_MAX_DUE_DAYS"))
        while day <= last_day:
            for span_start, span_end in self.open_spans(day):
                for low, high in _subtract((max(span_start, start), span_end), blocked):
                    if high - low >= remaining:
                        return (low + remaining).astimezone(self.tz)
                    remaining -= high - low
                if stopped_from is not None and span_end > stopped_from:
                    raise ClockStopped(_("The clock is paused."))
            day += timedelta(days=1)
        raise CalendarError(
            _("Calendar “%(name)s” has no open time left within %(days)s days.")
            % {"name": self.name, "days": conf.get("ULM_ROUTING_MAX_DUE_DAYS")}
        )

    def open_time_between(
        self,
        start: datetime,
        end: datetime,
        pauses: Sequence[tuple[datetime, datetime | None]] = (),
    ) -> timedelta:
        """Open time from ``start`` to ``end`` without the pauses (negative when end < start)."""
        if end < start:
            return -self.open_time_between(end, start, pauses)
        blocked = _normalise_pauses(pauses)
        total = timedelta(0)
        day = start.astimezone(self.tz).date()
        last = end.astimezone(self.tz).date()
        while day <= last:
            for span_start, span_end in self.open_spans(day):
                window = (max(span_start, start), min(span_end, end))
                if window[0] < window[1]:
                    total += sum(
                        (high - low for low, high in _subtract(window, blocked)), timedelta(0)
                    )
            day += timedelta(days=1)
        return total


def _segments(day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime, timedelta]]:
    """The local date as naive-UTC pieces of constant UTC offset: one, or two when the clocks
    change that day (found by bisection to the second)."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    start_utc = start.astimezone(UTC).replace(tzinfo=None)
    end_utc = end.astimezone(UTC).replace(tzinfo=None)
    first, second = start.utcoffset() or timedelta(0), end.utcoffset() or timedelta(0)
    if first == second:
        return [(start_utc, end_utc, first)]
    low, high = start_utc, end_utc
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.replace(tzinfo=UTC).astimezone(tz).utcoffset() == first:
            low = middle
        else:
            high = middle
    switch = high.replace(microsecond=0)
    return [(start_utc, switch, first), (switch, end_utc, second)]


FOREVER = datetime.max.replace(tzinfo=UTC) - timedelta(days=1)


def _normalise_pauses(pauses: Sequence[tuple[datetime, datetime | None]]) -> list[Span]:
    spans = sorted((s, e if e is not None else FOREVER) for s, e in pauses)
    merged: list[list[datetime]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        elif s < e:
            merged.append([s, e])
    return [(s, e) for s, e in merged]


def _subtract(window: Span, blocked: list[Span]) -> list[Span]:
    low, high = window
    if low >= high:
        return []
    pieces = []
    for b_start, b_end in blocked:
        if b_end <= low:
            continue
        if b_start >= high:
            break
        if b_start > low:
            pieces.append((low, b_start))
        low = max(low, b_end)
        if low >= high:
            return pieces
    pieces.append((low, high))
    return pieces


# --- The standard calendar and loading from the database ------------------------------------
STANDARD_NAME = "Standard (Mo–Fr 8–18 Uhr)"
STANDARD_HOURS: dict[int, tuple[Interval, ...]] = dict.fromkeys(range(5), ((8 * 60, 18 * 60),))


def standard_calendar() -> CalendarSpec:
    """Mon–Fri 08:00–18:00 with Baden-Württemberg's public holidays: the 115 service time,
    used when the database has no default calendar."""
    return CalendarSpec(name=STANDARD_NAME, hours=dict(STANDARD_HOURS), holiday_region="BW")


def _clock(value: time, end: bool = False) -> int:
    minutes = value.hour * 60 + value.minute
    return MINUTES_PER_DAY if end and minutes == 0 else minutes


def _minutes(value: time | None, end: bool = False) -> int | None:
    return None if value is None else _clock(value, end)


def spec_of(calendar) -> CalendarSpec:
    """A stored ``BusinessCalendar`` in memory (two queries)."""
    hours: dict[int, list[Interval]] = {}
    for row in calendar.opening_hours.all():
        hours.setdefault(row.weekday, []).append((_clock(row.opens), _clock(row.closes, end=True)))
    closing = tuple(
        ClosingRule(
            name=row.name,
            on=row.date if row.kind == "date" else None,
            month=row.month if row.kind != "date" else None,
            day=row.day if row.kind == "yearly" else None,
            weekday=row.weekday if row.kind == "nth_weekday" else None,
            nth=row.nth if row.kind == "nth_weekday" else None,
            open_from=_minutes(row.open_from),
            open_until=_minutes(row.open_until, end=True),
        )
        for row in calendar.closing_days.all()
    )
    return CalendarSpec(
        name=calendar.name,
        hours={day: tuple(v) for day, v in hours.items()},
        holiday_region=calendar.holiday_region,
        closing=closing,
    )


def load_calendar(name: str | None = None, queue=None) -> CalendarSpec:
    """The calendar called ``name``; else the department's (``queue``); else the default one;
    else the built-in standard. Raises CalendarError for an unknown name."""
    from ulm_routing.models import BusinessCalendar

    stored = BusinessCalendar.objects.prefetch_related("opening_hours", "closing_days")
    if name:
        found = stored.filter(name=name).first()
        if found is None:
            raise CalendarError(_("There is no calendar called “%(name)s”.") % {"name": name})
        return spec_of(found)
    if queue is not None:
        found = stored.filter(queue=queue).first()
        if found is not None:
            return spec_of(found)
    found = stored.filter(is_default=True).first()
    return spec_of(found) if found is not None else standard_calendar()


def parse_local(text: str, zone: str | None = None) -> datetime:
    """ISO 8601 as the admin types it: local time in Europe/Berlin unless an offset is given.
    Raises ValueError with a German message."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(
            _("“%(text)s” is no ISO 8601 time; write e.g. 2026-07-20T09:30.") % {"text": text}
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone or conf.get("ULM_ROUTING_TIME_ZONE")))
    return value
