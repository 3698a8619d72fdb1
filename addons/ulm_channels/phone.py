"""Phone: call events from the city's PBX, in the spirit of Zammad's generic CTI API.

The PBX posts one event per state change of a call (form-encoded or JSON)::

    event=newCall&callId=4711&from=0731123456&to=0731161-0&direction=in&timestamp=2026-…
    event=answer&callId=4711&user=anna.agentin
    event=hangup&callId=4711&cause=normalClearing

Every call is kept (``Call``): ringing seconds before the answer, missed or answered, duration;
``reachability`` computes the 115 KPI from them. Events may arrive twice or out of order (a
hang-up before the answer was seen): each event only fills in what is still empty.

Known callers: ``tickets_of_caller`` finds the tickets earlier calls from the same number became
(``link_call_to_ticket``, called through ulm_servicepoint's ``link_call`` by the capture screen),
plus whatever the lookup in ``ULM_CHANNELS_CALLER_LOOKUP`` (a dotted path to
``f(normalised_number) -> iterable of ticket ids``) adds — the hook for the citizen register of
ulm_servicepoint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from helpdesk.models import Ticket

from ulm_channels import conf
from ulm_channels.models import Call

EVENTS = ("newCall", "answer", "hangup")
CALL_ID = re.compile(r"^[A-Za-z0-9._:@/+-]{1,128}$")
# what PBXs put in a number field: digits with the usual separators, or a word for "withheld"
NUMBER = re.compile(r"^\+?[0-9][0-9 ()/.-]{0,39}$")
WITHHELD = {"anonymous", "unknown", "restricted", "private", "unavailable"}
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")
CAUSE = re.compile(r"^[A-Za-z0-9_ .-]{0,40}$")


class EventError(ValueError):
    """A call event the PBX sent that we cannot read; the message names the field (German)."""


@dataclass(frozen=True)
class CallEvent:
    event: str
    call_id: str
    at: datetime
    caller: str = ""
    called: str = ""
    direction: str = Call.Direction.INBOUND
    user: str = ""
    cause: str = ""


@dataclass(frozen=True)
class Reachability:
    calls: int
    answered: int
    answered_in_time: int
    seconds: int

    @property
    def share(self) -> float | None:
        """Share of calls answered within ``seconds`` (0–1); None when there were no calls."""
        return self.answered_in_time / self.calls if self.calls else None


def normalise_number(raw: str) -> str:
    """A phone number in E.164 form (+49731…): '0731 / 16 1-0' → '+497311610'. Empty if none.

    The project's one normalisation (ulm_servicepoint's, which citizens are matched by), so
    that a caller's number and a citizen's number compare equal."""
    from ulm_servicepoint.services import normalise_phone

    try:
        return normalise_phone(raw or "")
    except ValueError:
        return ""


def parse_event(data) -> CallEvent:
    """Reads the PBX's fields; raises EventError with a German message naming the field."""

    def field(name: str, required: bool = False, limit: int = 128) -> str:
        value = str(data.get(name, "") or "").strip()
        if required and not value:
            raise EventError(_("The field “%(field)s” is missing.") % {"field": name})
        if len(value) > limit:
            raise EventError(_("The field “%(field)s” is too long.") % {"field": name})
        return value

    def matching(name: str, pattern: re.Pattern[str], required: bool = False) -> str:
        value = field(name, required=required)
        if value and not pattern.match(value):
            raise EventError(_("The field “%(field)s” has an invalid value.") % {"field": name})
        return value

    def number(name: str) -> str:
        value = field(name, limit=40)
        if value and value.casefold() not in WITHHELD and not NUMBER.match(value):
            raise EventError(_("The field “%(field)s” is not a phone number.") % {"field": name})
        return value

    event = field("event", required=True)
    if event not in EVENTS:
        raise EventError(
            _("The field “event” must be one of %(choices)s.") % {"choices": ", ".join(EVENTS)}
        )
    direction = field("direction") or Call.Direction.INBOUND
    if direction not in Call.Direction.values:
        raise EventError(_("The field “direction” must be “in” or “out”."))
    stamp = field("timestamp", limit=40)
    at = timezone.now()
    if stamp:
        try:
            parsed = parse_datetime(stamp)
        except ValueError:  # well-formed, but no such date (2026-13-45)
            parsed = None
        if parsed is None or not 2000 <= parsed.year <= 2100:
            raise EventError(_("The field “timestamp” is not a date and time (ISO 8601)."))
        at = parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)
    return CallEvent(
        event=event,
        call_id=matching("callId", CALL_ID, required=True),
        at=at,
        caller=number("from"),
        called=number("to"),
        direction=direction,
        user=matching("user", USERNAME),
        cause=matching("cause", CAUSE),
    )


@transaction.atomic
def apply_event(event: CallEvent) -> Call:
    call, _created = Call.objects.select_for_update().get_or_create(
        call_id=event.call_id, defaults={"started_at": event.at, "direction": event.direction}
    )
    if event.caller and not call.caller:
        call.caller = event.caller
        call.caller_normalised = normalise_number(event.caller)
    if event.called and not call.called:
        call.called = event.called
    if event.event == "newCall":
        call.started_at = min(call.started_at, event.at)
        call.direction = event.direction
    elif event.event == "answer" and call.answered_at is None:
        call.answered_at = max(event.at, call.started_at)
        if event.user:
            call.agent = get_user_model().objects.filter(username=event.user).first()
    elif event.event == "hangup" and call.ended_at is None:
        call.ended_at = max(event.at, call.answered_at or call.started_at)
        call.hangup_cause = event.cause
    call.save()
    return call


def reachability(since: datetime, until: datetime | None = None) -> Reachability:
    """Inbound calls that began in [since, until) and have ended (or were answered); ``until``
    defaults to now."""
    until = until or timezone.now()
    seconds = conf.get("ULM_CHANNELS_PHONE_ANSWER_SECONDS")
    calls = Call.objects.filter(
        direction=Call.Direction.INBOUND, started_at__gte=since, started_at__lt=until
    ).exclude(answered_at__isnull=True, ended_at__isnull=True)
    total = answered = in_time = 0
    for started, answered_at in calls.values_list("started_at", "answered_at"):
        total += 1
        if answered_at is not None:
            answered += 1
            if (answered_at - started).total_seconds() <= seconds:
                in_time += 1
    return Reachability(calls=total, answered=answered, answered_in_time=in_time, seconds=seconds)


def tickets_of_caller(normalised: str) -> set[int]:
    ids = set(
        Call.objects.filter(caller_normalised=normalised, ticket__isnull=False).values_list(
            "ticket_id", flat=True
        )
    )
    lookup = conf.get("ULM_CHANNELS_CALLER_LOOKUP")
    if lookup:
        ids.update(import_string(lookup)(normalised))
    return ids


def caller_tickets(number: str, user) -> QuerySet[Ticket]:
    """Open requests of a known caller that ``user`` may see (for the agent's capture link)."""
    from ulm_servicepoint.services import tickets_visible_to

    normalised = normalise_number(number)
    if not normalised:
        return Ticket.objects.none()
    ids = tickets_of_caller(normalised)
    return (
        tickets_visible_to(user)
        .filter(pk__in=ids)
        .filter(Q(status=Ticket.OPEN_STATUS) | Q(status=Ticket.REOPENED_STATUS))
        .order_by("-created")
    )


def link_call_to_ticket(call: Call | str, ticket: Ticket) -> Call | None:
    """The capture screen tells which ticket a call (or a call id) became: the caller is known
    from then on. An unknown call id links nothing (None)."""
    if not isinstance(call, Call):
        found = Call.objects.filter(call_id=call).first()
        if found is None:
            return None
        call = found
    call.ticket = ticket
    call.save(update_fields=["ticket", "updated_at"])
    return call
