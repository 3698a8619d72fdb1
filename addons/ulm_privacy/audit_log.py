"""Reading the audit log: the data-protection officer's filters (from a query string, every
value bounded, a German message for a bad one), the page of events and the CSV export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ulm_kpi.services import spreadsheet_safe
from ulm_privacy.audit import ACTIONS, OBJECT_TYPES
from ulm_privacy.models import AuditEvent

PAGE_SIZE = 50
MAX_PAGE = 100_000
MAX_EXPORT = 100_000  # events in one CSV; more: narrow the filter
FILTER_NAMES = ("benutzer", "aktion", "objektart", "objekt", "von", "bis")
OBJECT_TYPE_SHAPE = re.compile(r"^[a-z0-9_.-]{1,50}$")
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


class FilterInvalid(ValueError):
    """A filter value that cannot be used; the message is German, for the page."""


@dataclass(frozen=True)
class AuditFilter:
    username: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    start: date | None = None
    end: date | None = None

    def as_params(self) -> dict[str, str]:
        """The filters set, under their query-string names (for the event of the reading)."""
        values = {
            "benutzer": self.username,
            "aktion": self.action,
            "objektart": self.object_type,
            "objekt": self.object_id,
            "von": self.start.isoformat() if self.start else "",
            "bis": self.end.isoformat() if self.end else "",
        }
        return {key: value for key, value in values.items() if value}


def _text(query: Mapping[str, str], name: str, limit: int, label: str) -> str:
    value = str(query.get(name, "")).strip()
    if len(value) > limit:
        raise FilterInvalid(
            _("“%(field)s” may be at most %(limit)d characters long.")
            % {"field": label, "limit": limit}
        )
    return value


def _date(query: Mapping[str, str], name: str, label: str) -> date | None:
    value = _text(query, name, 10, label)
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise FilterInvalid(
            _("“%(field)s” must be a date like 2026-11-30.") % {"field": label}
        ) from None
    if not EARLIEST <= day <= LATEST:
        raise FilterInvalid(_("“%(field)s” must lie between 2000 and 2100.") % {"field": label})
    return day


def parse_filter(query: Mapping[str, str]) -> AuditFilter:
    """The filters of a query string; raises FilterInvalid with a German message."""
    action = _text(query, "aktion", 20, _("Action"))
    if action and action not in ACTIONS:
        raise FilterInvalid(_("This action is not known."))
    object_type = _text(query, "objektart", 50, _("Object type"))
    if object_type and not OBJECT_TYPE_SHAPE.match(object_type):
        raise FilterInvalid(_("This object type is not known."))
    start = _date(query, "von", _("From"))
    end = _date(query, "bis", _("Until"))
    if start and end and start > end:
        raise FilterInvalid(_("The period must not end before it starts."))
    return AuditFilter(
        username=_text(query, "benutzer", 150, _("User")),
        action=action,
        object_type=object_type,
        object_id=_text(query, "objekt", 64, _("Object")),
        start=start,
        end=end,
    )


def parse_page(query: Mapping[str, str]) -> int:
    value = str(query.get("seite", "1")).strip() or "1"
    if not value.isdigit() or not 1 <= int(value) <= MAX_PAGE:
        raise FilterInvalid(_("The page number is not valid."))
    return int(value)


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def events(chosen: AuditFilter) -> QuerySet[AuditEvent]:
    """The events the filter selects, newest first."""
    events = AuditEvent.objects.all()
    if chosen.username:
        events = events.filter(username=chosen.username)
    if chosen.action:
        events = events.filter(action=chosen.action)
    if chosen.object_type:
        events = events.filter(object_type=chosen.object_type)
    if chosen.object_id:
        events = events.filter(object_id=chosen.object_id)
    if chosen.start:
        events = events.filter(at__gte=_midnight(chosen.start))
    if chosen.end:
        events = events.filter(at__lt=_midnight(chosen.end + timedelta(days=1)))
    return events.order_by("-at", "-pk")


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def object_type_label(object_type: str) -> str:
    return str(OBJECT_TYPES.get(object_type, object_type))


def detail_text(detail: Any) -> str:
    """The detail as one line: ``query: Müller; tickets: 3, 4``."""
    if not isinstance(detail, dict):
        return str(detail or "")
    parts = []
    for key, value in detail.items():
        shown = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
        parts.append(f"{key}: {shown}")
    return "; ".join(parts)


def csv_header() -> list[str]:
    return [
        pgettext("audit log", "Time"),
        _("User"),
        _("Action"),
        _("Object type"),
        _("Object"),
        _("Address"),
        _("Detail"),
    ]


def csv_lines(selected: QuerySet[AuditEvent]) -> Iterator[str]:
    """The CSV (``;``, starting with a byte order mark, every text defused for spreadsheets),
    a line at a time, so a long export is streamed. The German labels are taken now: the
    lines are written after the view has returned, outside the request's language."""
    header = csv_header()
    actions = {key: str(label) for key, label in ACTIONS.items()}
    types = {key: str(label) for key, label in OBJECT_TYPES.items()}
    zone = timezone.get_current_timezone()
    return _csv_lines(selected, header, actions, types, zone)


def _csv_lines(selected, header, actions, types, zone) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")

    def line(row: list[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([spreadsheet_safe(cell) for cell in row])
        return buffer.getvalue()

    yield "\ufeff" + line(header)
    for event in selected.iterator(chunk_size=2000):
        yield line(
            [
                timezone.localtime(event.at, zone).strftime("%d.%m.%Y %H:%M:%S"),
                event.username,
                actions.get(event.action, event.action),
                types.get(event.object_type, event.object_type),
                event.object_id,
                event.path,
                detail_text(event.detail),
            ]
        )
