"""The 115 key figures: the daily pre-aggregates the worker rebuilds from the raw rows
(``refresh``), and the figures of a period summed from them (``compute``), in the one shape the
dashboard, ``kpi_report``, the exports and the monthly report render (the README's "figures").

Reading, never writing, the other addons' tables is this addon's job: the raw rows are the
case records and counter visits (ulm_servicepoint), the knowledge items given (ulm_knowledge),
the handoffs and callbacks (ulm_routing) and the calls (ulm_channels).

Definitions (the README says them in German):
- a day is a calendar day in the installation's time zone; a request counts on the day it was
  received, a handoff on the day it was forwarded, a call on the day it rang;
- contacts are the requests of every channel plus the anonymous counter visits (channel
  "counter"; a visit is a question answered at the counter, so resolved at first contact);
- first-contact resolution is the share of contacts resolved at first contact (the agent's
  "Erstauskunft erteilt" or the counter visit);
- reachability is the share of inbound calls answered within ``ULM_CHANNELS_PHONE_ANSWER_SECONDS``;
- a handoff's feedback is on time when it came by its due time (the department's calendar:
  holidays and closing days are not service hours); a handoff passed on to another department
  is neither on time nor late (its successor carries the clock); an open handoff past its due
  time counts as late (live, at the moment of the query);
- first response is the first public answer by staff (or the first-contact answer), resolution
  the closing of a request that is closed now (a reopened request counts from its last closing);
  both in minutes, reported as the median and the 90th percentile (nearest rank) at the
  resolution of ``BOUNDS``: the upper bound of the bucket the percentile falls in.
"""

from __future__ import annotations

import math
import time
from bisect import bisect_left
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.models import KBItem, Queue

from ulm_kpi.models import (
    DailyCalls,
    DailyFigure,
    DailyHandoffs,
    DailyItemUse,
    DailyRatings,
    Refresh,
)

if TYPE_CHECKING:
    from ulm_servicepoint.models import RequestType

# upper bounds (minutes) of the buckets of first-response and resolution times: 5-minute steps
# in the first half hour, then coarser; the last bucket (up to a year) also holds what is longer
BOUNDS = (
    5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 360, 480, 720, 1080, 1440, 2160, 2880,
    4320, 5760, 7200, 10080, 14400, 20160, 30240, 43200, 64800, 86400, 129600, 525600,
)  # fmt: skip
CHANNELS = ("email", "phone", "web_form", "counter", "letter", "other")
AGE_BANDS = (
    ("under_1_day", 0, 1),
    ("1_to_3_days", 1, 3),
    ("3_to_7_days", 3, 7),
    ("7_to_30_days", 7, 30),
    ("over_30_days", 30, None),
)
DEFAULT_TARGETS = {
    "first_contact_resolution": 0.65,  # 115: 65 % resolved at first contact
    "reachability": 0.75,  # 115: 75 % of calls answered within 30 s
    "handoffs_on_time": 1.0,  # 115: feedback within 24 service hours on every forwarded request
}
TOP = 10
ADVISORY_LOCK = 0x6B7069  # one rebuild at a time


def bucket_of(minutes: int) -> int:
    """The bucket (index into ``BOUNDS``) of a duration in whole minutes."""
    return min(bisect_left(BOUNDS, minutes), len(BOUNDS) - 1)


def minutes_between(start: datetime, end: datetime) -> int:
    """Whole minutes from ``start`` to ``end``, rounded up, never negative."""
    return max(0, math.ceil((end - start).total_seconds() / 60))


def percentile_of_histogram(counts: list[int], share: float) -> int | None:
    """The nearest-rank percentile of a bucket histogram, as its bucket's upper bound."""
    total = sum(counts)
    if not total:
        return None
    rank = max(1, math.ceil(share * total))
    running = 0
    for index, count in enumerate(counts):
        running += count
        if running >= rank:
            return BOUNDS[index]
    return BOUNDS[-1]  # pragma: no cover - the running sum reaches the total


def targets() -> dict[str, float]:
    return {**DEFAULT_TARGETS, **getattr(settings, "ULM_KPI_TARGETS", {})}


def _zone() -> str:
    return timezone.get_default_timezone_name()


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in the installation's time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# --- the worker's rebuild -------------------------------------------------------------------


def _thresholds() -> list[int]:
    # width_bucket(m, thresholds) counts the thresholds <= m: with bound + 1 that is the number
    # of bounds < m, i.e. bisect_left(BOUNDS, m) for whole minutes, capped at the last bucket
    return [bound + 1 for bound in BOUNDS[:-1]]


def _counts(expression: str, size: int) -> str:
    return (
        "ARRAY["
        + ", ".join(f"count(*) FILTER (WHERE {expression} = {i})" for i in range(size))
        + "]"
    )


MINUTES = "greatest(0, ceil(extract(epoch FROM ({end}) - cr.received_at) / 60))::int"


def _tables() -> dict[str, str]:
    from ulm_channels.models import Call, SatisfactionRating
    from ulm_knowledge.models import AnswerUse
    from ulm_routing.models import Handoff
    from ulm_servicepoint.models import CaseRecord, CounterVisit

    return {
        "case": CaseRecord._meta.db_table,
        "visit": CounterVisit._meta.db_table,
        "use": AnswerUse._meta.db_table,
        "handoff": Handoff._meta.db_table,
        "call": Call._meta.db_table,
        "figure": DailyFigure._meta.db_table,
        "handoffs": DailyHandoffs._meta.db_table,
        "calls": DailyCalls._meta.db_table,
        "uses": DailyItemUse._meta.db_table,
        "queue": Queue._meta.db_table,
        "rating": SatisfactionRating._meta.db_table,
        "ratings": DailyRatings._meta.db_table,
    }


# every combination of the dimensions kept apart (see models.figures: the grain)
EVERY_GRAIN = (
    "GROUPING SETS ((department_id, channel, request_type_id), (department_id, channel),"
    " (department_id, request_type_id), (channel, request_type_id), (department_id), (channel),"
    " (request_type_id), ())"
)
GRAIN = "GROUPING(department_id, channel, request_type_id)"


def grain(*kept: str) -> int:
    """The grain that keeps the dimensions ``kept`` apart ("department", "channel",
    "request_type") and sums up the others."""
    return (
        ("department" not in kept) * 4 + ("channel" not in kept) * 2 + ("request_type" not in kept)
    )


def _rebuild_sql() -> list[str]:
    t = _tables()
    k = len(BOUNDS)
    first = MINUTES.format(end="coalesce(cr.first_answer_at, cr.first_contact_resolved_at)")
    closed = MINUTES.format(end="cr.closed_at")
    return [
        f"""
        INSERT INTO {t["figure"]} (day, grain, department_id, channel, request_type_id,
            contacts, visits, first_contact, second_level, with_item, hours, first_response,
            resolution)
        SELECT day, {GRAIN}, department_id, coalesce(channel, ''), request_type_id, count(*),
            count(*) FILTER (WHERE visit), count(*) FILTER (WHERE fc),
            count(*) FILTER (WHERE second), count(*) FILTER (WHERE item),
            {_counts("hour", 24)}, {_counts("fr", k)}, {_counts("rs", k)}
        FROM (
            SELECT (cr.received_at AT TIME ZONE %(zone)s)::date AS day,
                extract(hour FROM cr.received_at AT TIME ZONE %(zone)s)::int AS hour,
                cr.department_id, cr.channel, cr.request_type_id, false AS visit,
                cr.resolved_at_first_contact AS fc, cr.level = 2 AS second,
                EXISTS (SELECT 1 FROM {t["use"]} u WHERE u.ticket_id = cr.ticket_id) AS item,
                CASE WHEN coalesce(cr.first_answer_at, cr.first_contact_resolved_at) IS NOT NULL
                    THEN width_bucket({first}, %(thresholds)s::int[]) END AS fr,
                CASE WHEN cr.closed_at IS NOT NULL AND NOT cr.is_open
                    THEN width_bucket({closed}, %(thresholds)s::int[]) END AS rs
            FROM {t["case"]} cr
            WHERE cr.received_at >= %(since)s
            UNION ALL
            -- an anonymous counter visit: a question answered at the counter
            SELECT (v.created_at AT TIME ZONE %(zone)s)::date,
                extract(hour FROM v.created_at AT TIME ZONE %(zone)s)::int,
                NULL, 'counter', v.request_type_id, true, true, false, false, NULL, NULL
            FROM {t["visit"]} v
            WHERE v.created_at >= %(since)s
        ) AS c
        GROUP BY day, {EVERY_GRAIN}
        """,  # nosec B608 - table names from the models, values as parameters
        f"""
        INSERT INTO {t["handoffs"]} (day, grain, department_id, channel, request_type_id,
            total, on_time, late, not_responsible)
        SELECT day, GROUPING(channel, request_type_id), department_id, coalesce(channel, ''),
            request_type_id, count(*),
            count(*) FILTER (WHERE feedback_at IS NOT NULL
                AND (due_at IS NULL OR feedback_at <= due_at)),
            count(*) FILTER (WHERE feedback_at IS NOT NULL AND feedback_at > due_at),
            count(*) FILTER (WHERE state = 'rejected')
        FROM (
            SELECT (h.forwarded_at AT TIME ZONE %(zone)s)::date AS day, h.department_id,
                coalesce(cr.channel, 'other') AS channel, cr.request_type_id, h.feedback_at,
                h.due_at, h.state
            FROM {t["handoff"]} h LEFT JOIN {t["case"]} cr ON cr.ticket_id = h.ticket_id
            WHERE h.forwarded_at >= %(since)s
        ) AS h
        GROUP BY day, department_id,
            GROUPING SETS ((channel, request_type_id), (channel), (request_type_id), ())
        """,  # nosec B608 - table names from the models, values as parameters
        f"""
        INSERT INTO {t["calls"]} (day, calls, answered, in_time)
        SELECT (started_at AT TIME ZONE %(zone)s)::date, count(*),
            count(*) FILTER (WHERE answered_at IS NOT NULL),
            count(*) FILTER (WHERE answered_at IS NOT NULL
                AND extract(epoch FROM answered_at - started_at) <= %(seconds)s)
        FROM {t["call"]}
        WHERE direction = 'in' AND started_at >= %(since)s
            AND NOT (answered_at IS NULL AND ended_at IS NULL)
        GROUP BY 1
        """,  # nosec B608 - table names from the models, values as parameters
        f"""
        INSERT INTO {t["uses"]} (day, grain, kbitem_id, department_id, channel,
            request_type_id, uses)
        SELECT day, {GRAIN}, kbitem_id, department_id, coalesce(channel, ''), request_type_id,
            count(*)
        FROM (
            SELECT (cr.received_at AT TIME ZONE %(zone)s)::date AS day, u.kbitem_id,
                cr.department_id, cr.channel, cr.request_type_id
            FROM {t["use"]} u JOIN {t["case"]} cr ON cr.ticket_id = u.ticket_id
            WHERE cr.received_at >= %(since)s
        ) AS u
        GROUP BY day, kbitem_id, {EVERY_GRAIN}
        """,  # nosec B608 - table names from the models, values as parameters
        f"""
        INSERT INTO {t["ratings"]} (day, grain, department_id, channel, request_type_id,
            levels, comments)
        SELECT day, {GRAIN}, department_id, coalesce(channel, ''), request_type_id,
            ARRAY[{", ".join(f"count(*) FILTER (WHERE level = {n})" for n in range(1, 6))}],
            count(*) FILTER (WHERE commented)
        FROM (
            SELECT (r.created_at AT TIME ZONE %(zone)s)::date AS day, cr.department_id,
                coalesce(cr.channel, 'other') AS channel, cr.request_type_id,
                r.level, r.comment <> '' AS commented
            FROM {t["rating"]} r LEFT JOIN {t["case"]} cr ON cr.ticket_id = r.ticket_id
            WHERE r.created_at >= %(since)s
        ) AS r
        GROUP BY day, {EVERY_GRAIN}
        """,  # nosec B608 - table names from the models, values as parameters
    ]


def refresh(since: date | None = None) -> Refresh:
    """Rebuilds the daily figures from the raw rows, from ``since`` on (all when None), in one
    transaction: a dashboard reading meanwhile sees the old figures or the new, never half."""
    from ulm_channels import conf as channels_conf

    started = time.perf_counter()
    tables = _tables()
    # the earliest moment any figure can count from: a day starts at local midnight
    moment = day_start(since) if since else datetime(1970, 1, 1, tzinfo=UTC)
    params = {
        "zone": _zone(),
        "since": moment,
        "thresholds": _thresholds(),
        "seconds": channels_conf.get("ULM_CHANNELS_PHONE_ANSWER_SECONDS"),
    }
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK])
        for name in ("figure", "handoffs", "calls", "uses", "ratings"):
            if since:
                cursor.execute(f"DELETE FROM {tables[name]} WHERE day >= %s", [since])  # nosec B608 - table names from the models, values as parameters
            else:
                cursor.execute(f"DELETE FROM {tables[name]}")  # nosec B608 - table names from the models, values as parameters
        for statement in _rebuild_sql():
            cursor.execute(statement, params)
        gaps = count_gaps()
        return Refresh.objects.create(
            finished_at=timezone.now(),
            since=since,
            seconds=time.perf_counter() - started,
            gaps=gaps,
        )


def refresh_recent() -> Refresh:
    """The worker's frequent rebuild: the last ``ULM_KPI_REFRESH_DAYS`` days (older requests
    rarely change; the nightly rebuild takes everything)."""
    days = getattr(settings, "ULM_KPI_REFRESH_DAYS", 62)
    return refresh(timezone.localdate() - timedelta(days=days))


def last_refresh() -> datetime | None:
    row = Refresh.objects.order_by("-finished_at").first()
    return row.finished_at if row else None


# --- the figures of a period -----------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        return Period(self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def as_dict(self) -> dict:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "days": self.days}


class PeriodInvalid(ValueError):
    """A period we refuse: unreadable, inverted, before 2000, in the future or too long."""


EARLIEST = date(2000, 1, 1)
MAX_DAYS = 3 * 366


def _read_date(text: str, label: str) -> date:
    text = (text or "").strip()[:20]
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise PeriodInvalid(
        _("%(label)s: please give a date as DD.MM.YYYY or YYYY-MM-DD.") % {"label": label}
    )


def preset_period(name: str, today: date) -> tuple[date, date]:
    """The days a preset stands for: ``7``, ``30`` (default) or ``365`` days up to today,
    ``monat`` this month, ``vormonat`` last month, ``jahr`` this year."""
    if name == "monat":
        return today.replace(day=1), today
    if name == "vormonat":
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    if name == "jahr":
        return today.replace(month=1, day=1), today
    days = {"7": 7, "365": 365}.get(name, 30)
    return today - timedelta(days=days - 1), today


def parse_period(start: str, end: str, today: date | None = None) -> Period:
    """The period from ``start`` to ``end`` (inclusive) as typed in a form or on the command
    line; PeriodInvalid with a German message when it is unreadable or absurd."""
    today = today or timezone.localdate()
    first, last = (
        _read_date(start, _("From (day)")),
        _read_date(end, _("To (day)")),
    )
    if last < first:
        raise PeriodInvalid(_("The period ends before it begins."))
    if first < EARLIEST:
        raise PeriodInvalid(_("The period begins before the year 2000."))
    if first > today:
        raise PeriodInvalid(_("The period lies in the future."))
    if (last - first).days + 1 > MAX_DAYS:
        raise PeriodInvalid(_("The period is longer than three years."))
    return Period(first, min(last, today))


@dataclass(frozen=True)
class Scope:
    """What the figures are filtered to: a department (a helpdesk queue), a channel, a request
    type; None is all."""

    department: Queue | None = None
    channel: str | None = None
    request_type: RequestType | None = None

    def kept(self) -> tuple[str, ...]:
        """The dimensions the scope filters by."""
        return tuple(
            name
            for name, value in (
                ("department", self.department),
                ("channel", self.channel),
                ("request_type", self.request_type),
            )
            if value
        )

    def where(self, alias: str = "", *breakdown: str, raw: bool = False) -> tuple[str, list]:
        """The SQL conditions of the scope on a figures table (the grain that keeps the
        filtered dimensions and ``breakdown`` apart), or on the raw case records (``raw``)."""
        prefix = f"{alias}." if alias else ""
        parts: list[str] = []
        params: list[Any] = []
        if not raw:
            parts.append(f"{prefix}grain = %s")
            params.append(grain(*self.kept(), *breakdown))
        if self.department is not None:
            parts.append(f"{prefix}department_id = %s")
            params.append(self.department.pk)
        if self.channel:
            parts.append(f"{prefix}channel = %s")
            params.append(self.channel)
        if self.request_type is not None:
            parts.append(f"{prefix}request_type_id = %s")
            params.append(self.request_type.pk)
        return "".join(f" AND {part}" for part in parts), params

    def as_dict(self) -> dict:
        return {
            "department": self.department.slug if self.department else None,
            "channel": self.channel,
            "request_type": getattr(self.request_type, "slug", None),
        }


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _contacts(period: Period, scope: Scope) -> dict:
    """Contacts of the period: the totals and the time histograms from the scope's own grain
    (one row a day), per day and channel and per request type from the grains that keep
    those apart."""
    t = _tables()
    k = len(BOUNDS)
    span = [period.start, period.end]
    where, params = scope.where()
    sums = ", ".join(
        ["sum(contacts)", "sum(visits)", "sum(first_contact)", "sum(second_level)"]
        + ["sum(with_item)"]
        + [f"sum(hours[{i + 1}])" for i in range(24)]
        + [f"sum(first_response[{i + 1}])" for i in range(k)]
        + [f"sum(resolution[{i + 1}])" for i in range(k)]
    )
    values = [
        int(v or 0)
        for v in _rows(
            f"SELECT {sums} FROM {t['figure']} WHERE day BETWEEN %s AND %s {where}",  # nosec B608 - table names from the models, values as parameters
            [*span, *params],
        )[0]
    ]
    total, visits, first_contact, second, with_item = values[:5]
    hours = values[5:29]
    first_response, resolution = values[29 : 29 + k], values[29 + k :]
    where, params = scope.where("", "channel")
    by_day: dict[date, dict[str, int]] = {}
    by_channel = dict.fromkeys(CHANNELS, 0)
    for day, channel, contacts in _rows(
        f"""SELECT day, channel, sum(contacts) FROM {t["figure"]}
        WHERE day BETWEEN %s AND %s {where} GROUP BY day, channel""",  # nosec B608 - table names from the models, values as parameters
        [*span, *params],
    ):
        by_day.setdefault(day, dict.fromkeys(CHANNELS, 0))[channel] = int(contacts)
        by_channel[channel] = by_channel.get(channel, 0) + int(contacts)
    where, params = scope.where("", "request_type")
    by_type = {
        type_id: int(contacts)
        for type_id, contacts in _rows(
            f"""SELECT request_type_id, sum(contacts) FROM {t["figure"]}
            WHERE day BETWEEN %s AND %s {where} GROUP BY request_type_id""",  # nosec B608 - table names from the models, values as parameters
            [*span, *params],
        )
    }
    days = []
    day = period.start
    while day <= period.end:
        channels = by_day.get(day, dict.fromkeys(CHANNELS, 0))
        days.append(
            {"day": day.isoformat(), "total": sum(channels.values()), "by_channel": channels}
        )
        day += timedelta(days=1)
    return {
        "total": total,
        "visits": visits,
        "first_contact": first_contact,
        "second_level": second,
        "with_item": with_item,
        "by_channel": by_channel,
        "by_day": days,
        "by_hour": hours,
        "by_type": by_type,
        "first_response": first_response,
        "resolution": resolution,
    }


def _durations(histogram: list[int]) -> dict:
    return {
        "median_minutes": percentile_of_histogram(histogram, 0.5),
        "p90_minutes": percentile_of_histogram(histogram, 0.9),
        "count": sum(histogram),
    }


def _open_overdue(period: Period, scope: Scope) -> dict[int, int]:
    """Open handoffs forwarded in the period whose due time has passed, per department."""
    from ulm_routing.models import Handoff
    from ulm_routing.models.handoffs import OPEN_STATES

    handoffs = Handoff.objects.filter(
        state__in=OPEN_STATES,
        # an answer waiting to be sent has its feedback already (counted on time or late)
        feedback_at__isnull=True,
        due_at__lt=timezone.now(),
        forwarded_at__gte=day_start(period.start),
        forwarded_at__lt=day_start(period.end + timedelta(days=1)),
    )
    if scope.department is not None:
        handoffs = handoffs.filter(department=scope.department)
    if scope.channel:
        handoffs = handoffs.filter(ticket__case_record__channel=scope.channel)
    if scope.request_type is not None:
        handoffs = handoffs.filter(ticket__case_record__request_type=scope.request_type)
    counts: dict[int, int] = {}
    for department_id in handoffs.values_list("department_id", flat=True):
        counts[department_id] = counts.get(department_id, 0) + 1
    return counts


def _handoffs(period: Period, scope: Scope) -> dict:
    t = _tables()
    where, params = scope.where("h", "department")
    rows = _rows(
        f"""
        SELECT h.department_id, q.title, q.slug, sum(h.total), sum(h.on_time), sum(h.late),
            sum(h.not_responsible)
        FROM {t["handoffs"]} h JOIN {t["queue"]} q ON q.id = h.department_id
        WHERE h.day BETWEEN %s AND %s {where}
        GROUP BY h.department_id, q.title, q.slug ORDER BY q.title
        """,  # nosec B608 - table names from the models, values as parameters
        [period.start, period.end, *params],
    )
    overdue = _open_overdue(period, scope)
    departments = []
    for department_id, title, slug, total, on_time, late, rejected in rows:
        open_late = overdue.get(department_id, 0)
        departments.append(
            {
                "department": title,
                "slug": slug,
                "total": int(total),
                "on_time": int(on_time),
                "late": int(late),
                "open_overdue": open_late,
                "on_time_rate": _rate(int(on_time), int(on_time) + int(late) + open_late),
                "not_responsible": int(rejected),
            }
        )
    on_time = sum(d["on_time"] for d in departments)
    late = sum(d["late"] for d in departments)
    open_late = sum(d["open_overdue"] for d in departments)
    return {
        "total": sum(d["total"] for d in departments),
        "on_time": on_time,
        "late": late,
        "open_overdue": open_late,
        "on_time_rate": _rate(on_time, on_time + late + open_late),
        "target": targets()["handoffs_on_time"],
        "not_responsible": sum(d["not_responsible"] for d in departments),
        "by_department": departments,
    }


def _reachability(period: Period, scope: Scope) -> dict:
    """The service center's phone figures: for a department or a request type they do not
    apply (calls belong to no request), nor for another channel than the phone."""
    from ulm_channels import conf as channels_conf

    applies = scope.department is None and scope.request_type is None
    applies = applies and scope.channel in (None, "phone")
    calls = answered = in_time = 0
    if applies:
        row = DailyCalls.objects.filter(day__range=(period.start, period.end)).values_list(
            "calls", "answered", "in_time"
        )
        for c, a, i in row:
            calls, answered, in_time = calls + c, answered + a, in_time + i
    return {
        "applies": applies,
        "rate": _rate(in_time, calls),
        "target": targets()["reachability"],
        "calls": calls,
        "answered": answered,
        "answered_in_time": in_time,
        "seconds": channels_conf.get("ULM_CHANNELS_PHONE_ANSWER_SECONDS"),
    }


def _callbacks(period: Period, scope: Scope) -> dict:
    """Callbacks whose window ended in the period (or were done in it early): done within
    their window, or not; those still open and not yet due are left out. Counted live."""
    from ulm_routing.models import Callback

    now = timezone.now()
    callbacks = Callback.objects.filter(
        window_end__gte=day_start(period.start),
        window_end__lt=day_start(period.end + timedelta(days=1)),
    )
    if scope.department is not None:
        callbacks = callbacks.filter(department=scope.department)
    total = on_time = 0
    for window_end, done_at in callbacks.values_list("window_end", "done_at"):
        if done_at is None and window_end > now:
            continue
        total += 1
        on_time += done_at is not None and done_at <= window_end
    return {"total": total, "on_time": on_time, "on_time_rate": _rate(on_time, total)}


def _knowledge(period: Period, scope: Scope, contacts: dict) -> dict:
    from ulm_knowledge.models import Feedback, SuggestionFeedback

    t = _tables()
    where, params = scope.where()
    rows = _rows(
        f"""
        SELECT kbitem_id, sum(uses) AS n FROM {t["uses"]}
        WHERE day BETWEEN %s AND %s {where}
        GROUP BY kbitem_id ORDER BY n DESC, kbitem_id LIMIT {TOP}
        """,  # nosec B608 - table names from the models, values as parameters
        [period.start, period.end, *params],
    )
    titles = dict(KBItem.objects.filter(pk__in=[r[0] for r in rows]).values_list("pk", "title"))
    answers = {"helpful": 0, "not_helpful": 0}
    # the citizens' answers under a suggestion are anonymous: no department, channel or type
    anonymous = scope.department is None and not scope.channel and scope.request_type is None
    if anonymous:
        feedback = SuggestionFeedback.objects.filter(
            created_at__gte=day_start(period.start),
            created_at__lt=day_start(period.end + timedelta(days=1)),
        )
        for value in feedback.values_list("feedback", flat=True):
            key = "helpful" if value == Feedback.HELPFUL else "not_helpful"
            answers[key] += 1
    cases = contacts["total"] - contacts["visits"]
    return {
        "answered_with_item": contacts["with_item"],
        "share": _rate(contacts["with_item"], cases),
        "top_items": [{"title": titles.get(pk, "?"), "uses": int(n)} for pk, n in rows],
        "citizen_answers": answers if anonymous else None,
    }


def count_gaps() -> dict[str, int]:
    """Knowledge gaps open now (ulm_knowledge's proposals: similar recent requests no item
    answered), in all and per department: counted at each rebuild, as the clustering reads
    text and is too slow for every page view."""
    from helpdesk.models import Ticket

    from ulm_knowledge.services import knowledge_gaps

    gaps = knowledge_gaps(Ticket.objects.all())
    counts = {"all": len(gaps)}
    for gap in gaps:
        key = str(gap.department.pk)
        counts[key] = counts.get(key, 0) + 1
    return counts


def open_gaps(scope: Scope) -> int | None:
    """The open knowledge gaps of the scope's department (or all) at the last rebuild."""
    row = Refresh.objects.order_by("-finished_at").first()
    if row is None:
        return None
    key = str(scope.department.pk) if scope.department is not None else "all"
    return row.gaps.get(key, 0)


def backlog(scope: Scope) -> dict:
    """Open requests now, per department, by age since they were received."""
    now = timezone.now()
    t = _tables()
    where, params = scope.where("c", raw=True)
    bands = ", ".join(
        "count(*) FILTER (WHERE c.received_at <= %s AND c.received_at > %s)"
        if upper is not None
        else "count(*) FILTER (WHERE c.received_at <= %s)"
        for _name, lower, upper in AGE_BANDS
    )
    band_params: list = []
    for _name, lower, upper in AGE_BANDS:
        band_params.append(now - timedelta(days=lower))
        if upper is not None:
            band_params.append(now - timedelta(days=upper))
    rows = _rows(
        f"""
        SELECT q.title, q.slug, count(*), {bands}, min(c.received_at)
        FROM {t["case"]} c LEFT JOIN {t["queue"]} q ON q.id = c.department_id
        WHERE c.is_open {where}
        GROUP BY q.title, q.slug ORDER BY q.title
        """,  # nosec B608 - table names from the models, values as parameters
        [*band_params, *params],
    )
    departments = []
    for title, slug, count, *rest in rows:
        *ages, oldest = rest
        departments.append(
            {
                "department": title or "",
                "slug": slug or "",
                "open": int(count),
                "age": {name: int(n) for (name, _l, _u), n in zip(AGE_BANDS, ages, strict=True)},
                "oldest_days": (now - oldest).days if oldest else None,
            }
        )
    return {"total": sum(d["open"] for d in departments), "by_department": departments}


def _period_figures(period: Period, scope: Scope) -> dict:
    """The figures that belong to the period: summed from the daily pre-aggregates, plus the
    open handoffs past due (which become late at any minute)."""
    from ulm_servicepoint.models import RequestType

    contacts = _contacts(period, scope)
    goals = targets()
    types = {
        pk: (name, slug)
        for pk, name, slug in RequestType.objects.filter(
            pk__in=[k for k in contacts["by_type"] if k]
        ).values_list("pk", "name", "slug")
    }
    top = sorted(
        (
            (count, *types.get(pk, ("?", "")))
            for pk, count in contacts["by_type"].items()
            if pk and count
        ),
        key=lambda row: (-row[0], row[1]),
    )[:TOP]
    return {
        "contacts": {
            "total": contacts["total"],
            "counter_visits": contacts["visits"],
            "by_channel": contacts["by_channel"],
            "by_day": contacts["by_day"],
            "by_hour": contacts["by_hour"],
        },
        "first_contact_resolution": {
            "rate": _rate(contacts["first_contact"], contacts["total"]),
            "target": goals["first_contact_resolution"],
            "resolved": contacts["first_contact"],
            "total": contacts["total"],
        },
        "forwarded": {
            "total": contacts["second_level"],
            "share": _rate(contacts["second_level"], contacts["total"] - contacts["visits"]),
        },
        "reachability": _reachability(period, scope),
        "handoffs": _handoffs(period, scope),
        "first_response": _durations(contacts["first_response"]),
        "resolution": _durations(contacts["resolution"]),
        "top_request_types": [
            {
                "request_type": name,
                "slug": slug,
                "count": count,
                "share": _rate(count, contacts["total"]),
            }
            for count, name, slug in top
        ],
        "knowledge": _knowledge(period, scope, contacts),
    }


def _satisfaction(period: Period, scope: Scope) -> dict:
    """The citizens' ratings after an answer (ulm_channels), anonymous: how many per level,
    their average and how many with a comment, by the day they were given."""
    t = _tables()
    where, params = scope.where()
    row = _rows(
        f"""SELECT {", ".join(f"sum(levels[{n}])" for n in range(1, 6))}, sum(comments)
        FROM {t["ratings"]} WHERE day BETWEEN %s AND %s {where}""",  # nosec B608 - table names from the models, values as parameters
        [period.start, period.end, *params],
    )[0]
    levels = [int(n or 0) for n in row[:5]]
    count = sum(levels)
    total = sum(level * n for level, n in enumerate(levels, start=1))
    return {
        "count": count,
        "average": round(total / count, 2) if count else None,
        "by_level": {str(level): n for level, n in enumerate(levels, start=1)},
        "comments": int(row[5] or 0),
    }


def _quality(period: Period, scope: Scope) -> dict:
    """The quality reviews of the period per team (never per person)."""
    from ulm_kpi.quality import quality_figures

    departments = [scope.department.pk] if scope.department is not None else None
    return quality_figures(period.start, period.end, department_ids=departments)


# the figures compared with the previous period of the same length
COMPARED = (
    ("first_contact_resolution", "rate"),
    ("reachability", "rate"),
    ("handoffs", "on_time_rate"),
    ("first_response", "median_minutes"),
    ("resolution", "median_minutes"),
)


def compute(period: Period, scope: Scope | None = None) -> dict:
    """Every figure of ``period`` for ``scope`` (the README's "figures"), compared with the
    previous period, plus what is live by nature: callbacks, the backlog, knowledge gaps."""
    scope = scope or Scope()
    refreshed = last_refresh()
    figures = {
        "period": period.as_dict(),
        "previous_period": period.previous().as_dict(),
        "filters": scope.as_dict(),
        "refreshed_at": refreshed.isoformat() if refreshed else None,
        **_period_figures(period, scope),
        "callbacks": _callbacks(period, scope),
        "backlog": backlog(scope),
    }
    figures["knowledge"]["open_gaps"] = open_gaps(scope)
    figures["quality"] = _quality(period, scope)
    figures["satisfaction"] = _satisfaction(period, scope)
    figures["satisfaction"]["previous_average"] = _satisfaction(period.previous(), scope)["average"]
    before = _period_figures(period.previous(), scope)
    figures["contacts"]["previous_total"] = before["contacts"]["total"]
    for section, key in COMPARED:
        figures[section][f"previous_{key}"] = before[section][key]
    return figures
