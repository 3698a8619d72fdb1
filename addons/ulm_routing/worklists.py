"""Work lists: a department's open handoffs and callbacks with their due times, the service
center's list of all open handoffs with their state; sortable, filterable, paginated, at a
constant number of SQL queries per page (the calendars for the clocks are loaded once).

A clock shows the open time left on the department's calendar, or how long it is overdue, in
text and with an icon as well as colour; a paused clock (the citizen is asked) says so."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ulm_routing.calendars import CalendarSpec, spec_of, standard_calendar
from ulm_routing.models import BusinessCalendar, Callback, Handoff
from ulm_routing.models.callbacks import CALLBACK_OPEN_STATES
from ulm_routing.models.handoffs import OPEN_STATES, WITH_DEPARTMENT, HandoffState
from ulm_servicepoint.models import TicketReference
from ulm_servicepoint.reference import normalise

PAGE_SIZE = 25
MAX_QUERY = 100

HANDOFF_SORTS = {
    "faellig": ("due_at", "pk"),
    "-faellig": ("-due_at", "-pk"),
    "eingang": ("forwarded_at", "pk"),
    "-eingang": ("-forwarded_at", "-pk"),
    "zeichen": ("ticket__stable_reference__reference", "pk"),
    "-zeichen": ("-ticket__stable_reference__reference", "-pk"),
}
CALLBACK_SORTS = {
    "faellig": ("window_end", "pk"),
    "-faellig": ("-window_end", "-pk"),
    "eingang": ("created_at", "pk"),
    "-eingang": ("-created_at", "-pk"),
    "name": ("caller_name", "pk"),
    "-name": ("-caller_name", "-pk"),
}


@dataclass(frozen=True)
class Clock:
    """What a clock shows: due time, open time left (negative: overdue), paused, and whether
    the due time has passed on the wall clock (after closing time no open time elapses, yet a
    due time of 18:20 is past at 21:20: overdue, as the overdue filter says)."""

    due: datetime | None
    left: timedelta | None
    paused: bool = False
    past_due: bool = False

    @property
    def overdue(self) -> bool:
        return self.left is not None and (self.past_due or self.left < timedelta(0))

    @property
    def soon(self) -> bool:
        return self.left is not None and timedelta(0) <= self.left < timedelta(hours=4)

    @property
    def state(self) -> str:
        if self.paused:
            return "paused"
        if self.overdue:
            return "overdue"
        return "soon" if self.soon else "ok"

    @property
    def icon(self) -> str:
        # glyphs every common font has (DejaVu too): ⏸ and ⏳ showed as empty boxes
        return {"paused": "‖", "overdue": "⚠", "soon": "◔", "ok": "✓"}[self.state]

    @property
    def text(self) -> str:
        if self.paused or self.left is None:
            return _("Paused: waiting for the citizen")
        if self.overdue:
            return _("Overdue by %(time)s") % {"time": duration(max(-self.left, timedelta(0)))}
        return _("%(time)s left") % {"time": duration(self.left)}


def duration(value: timedelta) -> str:
    """Open time in German words: "3 Std. 20 Min.", "2 Tage 1 Std." (days of 24 hours)."""
    minutes = int(value.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(ngettext("%(n)d day", "%(n)d days", days) % {"n": days})
    if hours:
        parts.append(_("%(n)d h") % {"n": hours})
    if mins or not parts:
        parts.append(_("%(n)d min") % {"n": mins})
    return " ".join(parts[:2])


class Calendars:
    """Every stored calendar in memory (three queries), for the clocks of a page."""

    def __init__(self) -> None:
        self.by_queue: dict[int, CalendarSpec] = {}
        self.default: CalendarSpec = standard_calendar()
        for calendar in BusinessCalendar.objects.prefetch_related("opening_hours", "closing_days"):
            spec = spec_of(calendar)
            if calendar.queue_id:
                self.by_queue[calendar.queue_id] = spec
            if calendar.is_default:
                self.default = spec

    def of(self, queue_id: int) -> CalendarSpec:
        return self.by_queue.get(queue_id, self.default)

    def clock(self, queue_id: int, due: datetime | None, now: datetime, paused=False) -> Clock:
        if due is None:
            return Clock(None, None, paused=True)
        left = self.of(queue_id).open_time_between(now, due)
        return Clock(due, left, paused=paused, past_due=due < now)


def _search(queryset: QuerySet, query: str, title_field: str) -> QuerySet:
    query = (query or "").strip()[:MAX_QUERY]
    if not query:
        return queryset
    reference = normalise(query)
    if reference:  # by the reference's own index, without joining the tickets
        return queryset.filter(
            ticket_id__in=TicketReference.objects.filter(reference=reference).values("ticket_id")
        )
    return queryset.filter(**{f"{title_field}__icontains": query})


def handoff_list(
    *,
    departments: Iterable[Any] | None = None,
    states: Iterable[str] = WITH_DEPARTMENT,
    overdue: bool = False,
    query: str = "",
    sort: str = "faellig",
    now: datetime | None = None,
) -> QuerySet[Handoff]:
    """Handoffs in ``states`` (of ``departments``; None: all), overdue only if asked."""
    queryset = Handoff.objects.filter(state__in=list(states))
    if departments is not None:
        queryset = queryset.filter(department__in=list(departments))
    if overdue:
        queryset = queryset.filter(due_at__lt=now or timezone.now())
    queryset = _search(queryset, query, "ticket__title")
    return queryset.select_related(
        "ticket__stable_reference", "department", "owner", "assignee"
    ).order_by(*HANDOFF_SORTS.get(sort, HANDOFF_SORTS["faellig"]))


def callback_list(
    *,
    departments: Iterable[Any] | None = None,
    person: Any = None,
    states: Iterable[str] = CALLBACK_OPEN_STATES,
    overdue: bool = False,
    query: str = "",
    sort: str = "faellig",
    now: datetime | None = None,
) -> QuerySet[Callback]:
    queryset = Callback.objects.filter(state__in=list(states))
    if departments is not None:
        where = Q(department__in=list(departments))
        if person is not None:
            where |= Q(person=person)
        queryset = queryset.filter(where)
    if overdue:
        queryset = queryset.filter(window_end__lt=now or timezone.now())
    query = (query or "").strip()[:MAX_QUERY]
    if query:
        queryset = queryset.filter(
            Q(caller_name__icontains=query) | Q(subject__icontains=query) | Q(phone__contains=query)
        )
    return queryset.select_related("department", "person", "ticket__stable_reference").order_by(
        *CALLBACK_SORTS.get(sort, CALLBACK_SORTS["faellig"])
    )


@dataclass
class Row:
    item: Any
    clock: Clock


def page_of(
    queryset: QuerySet, number: Any, kind: str = "handoff", now: datetime | None = None
) -> tuple[Page, list[Row]]:
    """One page of a list with a clock per row: three queries for the page (count, ids,
    rows), three for the calendars, whatever the page holds."""
    # the page's ids from the list's own table and index, then those rows with their joins:
    # a join over a million tickets never decides the plan of the sorted, filtered list
    paginator = Paginator(queryset.values_list("pk", flat=True), PAGE_SIZE)
    page = paginator.get_page(number)
    ids = list(page.object_list)
    found = {item.pk: item for item in queryset.filter(pk__in=ids)} if ids else {}
    now = now or timezone.now()
    calendars = Calendars()
    rows = []
    for item in (found[pk] for pk in ids if pk in found):
        if kind == "handoff":
            paused = item.state == HandoffState.ASKED_CITIZEN
            clock = calendars.clock(item.department_id, item.due_at, now, paused=paused)
        else:
            clock = calendars.clock(item.department_id, item.window_end, now)
        rows.append(Row(item, clock))
    return page, rows


OPEN_HANDOFF_STATES = OPEN_STATES


# --- the service center's work list (ulm_servicepoint) gets the due time and two filters ---------
def due_cells(ticket_ids: list[int]) -> dict[int, str]:
    """The clock of each ticket's open handoff (its due time for feedback), as HTML for the
    work list: one query for the handoffs, three for the calendars if any is open."""
    from django.template.loader import render_to_string

    now = timezone.now()
    cells: dict[int, str] = {}
    handoffs = list(
        Handoff.objects.filter(ticket_id__in=ticket_ids, state__in=WITH_DEPARTMENT).order_by(
            "ticket_id", "-forwarded_at", "-pk"
        )
    )
    if not handoffs:
        return cells
    calendars = Calendars()
    for handoff in handoffs:
        if handoff.ticket_id in cells:
            continue
        paused = handoff.state == HandoffState.ASKED_CITIZEN
        clock = calendars.clock(handoff.department_id, handoff.due_at, now, paused=paused)
        cells[handoff.ticket_id] = render_to_string("ulm_routing/clock.html", {"clock": clock})
    return cells


def overdue_cases(cases: QuerySet) -> QuerySet:
    """Cases whose department's feedback is overdue (an open handoff past its due time)."""
    late = Handoff.objects.filter(state__in=WITH_DEPARTMENT, due_at__lt=timezone.now())
    return cases.filter(
        ticket_id__in=late.exclude(state=HandoffState.ASKED_CITIZEN).values("ticket_id")
    )


def waiting_for_citizen(cases: QuerySet) -> QuerySet:
    """Cases whose department asked the citizen and waits for the answer."""
    asked = Handoff.objects.filter(state=HandoffState.ASKED_CITIZEN)
    return cases.filter(ticket_id__in=asked.values("ticket_id"))
