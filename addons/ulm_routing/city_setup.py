"""Routing's part of ``manage.py init_city``: the service center's opening hours become the
default business calendar, each department's its own calendar, and the heads the departments'
heads (``DepartmentSettings.heads``, the second escalation step).

Opening hours are written as a city writes them: ``Mo-Fr: "08:00-18:00"``,
``Do: "07:30-12:30, 14:00-17:30"``; a later line for the same day replaces the earlier one. The
calendar's hours are replaced by the configured ones on every run (the file is the truth);
a calendar without hours in the file keeps the ones it has."""

from __future__ import annotations

import re
from datetime import time

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from helpdesk.models import Queue

from ulm_routing.models import BusinessCalendar, DepartmentSettings, OpeningHours
from ulm_routing.models.calendar import HolidayRegion
from ulm_servicepoint.services import CityConfigError

DAYS = {"mo": 0, "di": 1, "mi": 2, "do": 3, "fr": 4, "sa": 5, "so": 6}
DAYS_EN = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}
SPAN = re.compile(r"(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})")


def _day(token: str, where: str) -> int:
    key = token.strip().lower().rstrip(".")
    if key in DAYS:
        return DAYS[key]
    if key in DAYS_EN:
        return DAYS_EN[key]
    raise CityConfigError(
        _("%(where)s: “%(day)s” is not a weekday (Mo, Di, Mi, Do, Fr, Sa, So).")
        % {"where": where, "day": token}
    )


def _days(key: str, where: str) -> list[int]:
    first, sep, last = key.partition("-")
    if not sep:
        return [_day(first, where)]
    start, end = _day(first, where), _day(last, where)
    if end < start:
        raise CityConfigError(
            _("%(where)s: “%(days)s” runs backwards.") % {"where": where, "days": key}
        )
    return list(range(start, end + 1))


def _clock(hours: str, minutes: str) -> time | None:
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0)
    if h > 23 or m > 59:
        return None
    return time(h, m)


def parse_hours(spec: dict[str, str], where: str) -> dict[int, list[tuple[time, time]]]:
    """{weekday: [(opens, closes), …]} from the configuration's mapping; CityConfigError (German)
    naming the entry for anything else."""
    week: dict[int, list[tuple[time, time]]] = {}
    for key, value in spec.items():
        here = f"{where} › {key}"
        spans: list[tuple[time, time]] = []
        for part in (p.strip() for p in value.split(",")):
            if part.lower() in {"", "geschlossen", "closed"}:
                continue
            match = SPAN.fullmatch(part)
            opens = _clock(*match.groups()[:2]) if match else None
            closes = _clock(*match.groups()[2:]) if match else None
            if opens is None or closes is None or (closes != time(0) and closes <= opens):
                raise CityConfigError(
                    _("%(where)s: “%(value)s” is not a time span like 08:00-12:30.")
                    % {"where": here, "value": part}
                )
            spans.append((opens, closes))
        for day in _days(key, here):
            week[day] = spans
    return week


def _calendar(name: str, queue: Queue | None, region: str, changes: list[str]) -> BusinessCalendar:
    """The department's calendar, or the default one (queue None); made when missing."""
    owner = {"is_default": True} if queue is None else {"queue": queue}
    calendar = BusinessCalendar.objects.filter(**owner).first()
    if calendar is None:
        calendar = BusinessCalendar.objects.create(name=name, holiday_region=region, **owner)
        changes.append(_("Calendar “%(name)s” created.") % {"name": name})
    if calendar.holiday_region != region:
        BusinessCalendar.objects.filter(pk=calendar.pk).update(holiday_region=region)
        changes.append(_("Calendar “%(name)s”: public holidays changed.") % {"name": name})
    return calendar


def _set_hours(calendar: BusinessCalendar, week: dict[int, list[tuple[time, time]]], changes):
    have = sorted(calendar.opening_hours.values_list("weekday", "opens", "closes"))
    want = sorted((day, opens, closes) for day, spans in week.items() for opens, closes in spans)
    if have == want:
        return
    calendar.opening_hours.all().delete()
    OpeningHours.objects.bulk_create(
        OpeningHours(calendar=calendar, weekday=d, opens=o, closes=c) for d, o, c in want
    )
    changes.append(_("Calendar “%(name)s”: opening hours set.") % {"name": calendar.name})


def set_up_city(config, changes: list[str]) -> None:
    """Receiver of ``city_initialised``: calendars and heads, as configured."""
    region = config.holiday_region or HolidayRegion.BW
    if region not in HolidayRegion.values:
        raise CityConfigError(
            _("“holiday_region” must be a German state's code such as BW or BY, not “%(value)s”.")
            % {"value": region}
        )
    service_center = config.service_center
    default = _calendar(service_center.title, None, region, changes)
    week = parse_hours(service_center.opening_hours, "service_center › opening_hours")
    if week:
        _set_hours(default, week, changes)
        if default.name != service_center.title:  # its name told the hours it had
            BusinessCalendar.objects.filter(pk=default.pk).update(name=service_center.title)
    elif not default.opening_hours.exists():
        # without hours no due time can be counted: Mo–Fr 8–18 until the city sets its own
        _set_hours(default, {d: [(time(8), time(18))] for d in range(5)}, changes)
    users = get_user_model()
    for i, department in enumerate(config.departments):
        queue = Queue.objects.get(slug=department.slug)
        week = parse_hours(department.opening_hours, f"departments[{i + 1}] › opening_hours")
        if week:
            _set_hours(_calendar(department.title, queue, region, changes), week, changes)
        settings_row, created = DepartmentSettings.objects.get_or_create(queue=queue)
        heads = list(users.objects.filter(username__in=[h.username for h in department.heads]))
        if created or set(settings_row.heads.all()) != set(heads):
            settings_row.heads.set(heads)
            if heads:
                changes.append(
                    _("“%(department)s”: heads %(names)s.")
                    % {
                        "department": department.title,
                        "names": ", ".join(sorted(h.get_username() for h in heads)),
                    }
                )
