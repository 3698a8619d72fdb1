"""Where other addons plug into the platform, which knows none of them: panels on the capture
screen, what the citizen was told, the forward handler, phone-call links, and the signals
``request_captured`` and ``citizen_replied``. An addon registers in its ``AppConfig.ready``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.dispatch import Signal
from django.utils import timezone
from helpdesk.models import Queue, Ticket

from ulm_servicepoint.models import CaseRecord
from ulm_servicepoint.models.case import Level

logger = logging.getLogger(__name__)

# Sent by capture_request inside its transaction, with ``case``: other addons record what
# belongs to the capture (ulm_knowledge: the version of the answer given). A receiver that
# raises rolls the capture back.
request_captured = Signal()

# Templates other addons add to the capture screen, in a column beside the form (ulm_knowledge:
# the knowledge base's suggestions). Each is included with the screen's context.
CAPTURE_PANELS: list[str] = []


def register_capture_panel(template_name: str) -> None:
    if template_name not in CAPTURE_PANELS:
        CAPTURE_PANELS.append(template_name)


# What the citizen has already been told about a ticket, for the summary a handoff carries:
# functions ``f(ticket) -> list[str]`` (ulm_knowledge: the items and versions given).
TOLD_CITIZEN: list[Callable[[Ticket], list[str]]] = []


def register_told_citizen(provider: Callable[[Ticket], list[str]]) -> None:
    if provider not in TOLD_CITIZEN:
        TOLD_CITIZEN.append(provider)


def told_citizen(ticket: Ticket) -> list[str]:
    """Lines saying what the citizen was told (knowledge items with their version); a provider
    that fails is logged and left out."""
    lines: list[str] = []
    for provider in TOLD_CITIZEN:
        try:
            lines += provider(ticket)
        except Exception:
            logger.exception("told_citizen provider %r failed for ticket %s", provider, ticket.pk)
    if not lines and ticket.kbitem_id:
        lines.append(ticket.kbitem.title)
    return lines


# "Weiterleiten" from the capture screen: ``handler(case, by, department, reason)`` moves the
# captured request to its department. The default moves it into ``department`` (or the request
# type's default queue); ulm_routing registers its tracked handoff (rules propose, an override
# needs a reason). A handler raises CaptureInvalid to refuse; the capture is then rolled back.
ForwardHandler = Callable[[CaseRecord, Any, Queue | None, str], None]


def move_to_department(case: CaseRecord, by: Any, department: Queue | None, reason: str) -> None:
    queue = department or (case.request_type.default_queue if case.request_type else None)
    if queue is None:
        return
    ticket = case.ticket
    ticket.queue = queue
    ticket.save(update_fields=["queue", "modified"])
    case.level = Level.SECOND
    case.forwarded_at = timezone.now()
    case.save(update_fields=["level", "forwarded_at", "updated_at"])


FORWARD_HANDLER: list[ForwardHandler] = [move_to_department]


def set_forward_handler(handler: ForwardHandler | None) -> None:
    FORWARD_HANDLER[0] = handler or move_to_department


def forward_case(case: CaseRecord, by: Any, department: Queue | None = None, reason: str = ""):
    """Forwards a captured request through the registered handler (the case and its ticket
    are read again: the handler may have changed them in the database)."""
    FORWARD_HANDLER[0](case, by, department, reason)
    case.refresh_from_db(fields=["level", "forwarded_at", "updated_at"])
    case.ticket.refresh_from_db()


# Citizens' replies (by mail, on the status page): sent by the channels inside the transaction
# that stores the reply, with ``ticket`` and ``followup``; ulm_routing resumes a handoff's clock.
citizen_replied = Signal()


# Phone integrations that learn which ticket a call became, when the capture screen was opened
# for a call (``?anruf=<call id>``): functions ``f(call_id, ticket)`` (ulm_channels: its call
# record gets the ticket, and the caller is known from then on).
CALL_LINKS: list[Callable[[str, Ticket], object]] = []


def register_call_link(linker: Callable[[str, Ticket], object]) -> None:
    if linker not in CALL_LINKS:
        CALL_LINKS.append(linker)


def link_call(call_id: str, ticket: Ticket) -> None:
    """The capture screen was opened for a phone call: every registered phone integration
    learns which ticket the call became (none registered: nothing happens)."""
    if call_id:
        for linker in CALL_LINKS:
            linker(call_id, ticket)


# Request types proposed for an untyped ticket in the triage view: functions
# ``f(ticket, limit) -> list[(request type, reason)]``, best first, the reason a short German
# text or "" (ulm_knowledge: its German search over the ticket's text and the services linked
# to request types). Without one the triage falls back to the plain request-type search.
RequestTypeSuggester = Callable[[Ticket, int], list[tuple[Any, str]]]
REQUEST_TYPE_SUGGESTERS: list[RequestTypeSuggester] = []


def register_request_type_suggester(suggester: RequestTypeSuggester) -> None:
    if suggester not in REQUEST_TYPE_SUGGESTERS:
        REQUEST_TYPE_SUGGESTERS.append(suggester)


# Who sent a ticket the platform did not capture itself: functions ``f(ticket) -> (name,
# address)`` or None (ulm_channels: the display name and address of the mail that opened it).
# The triage view prefills the citizen from it.
TicketSender = Callable[[Ticket], tuple[str, str] | None]
TICKET_SENDERS: list[TicketSender] = []


def register_ticket_sender(provider: TicketSender) -> None:
    if provider not in TICKET_SENDERS:
        TICKET_SENDERS.append(provider)


# Sent when the triage (or the work list's bulk action) gives a case its request type, inside
# that transaction, with ``case`` and ``user``: what depends on the type (routing's due
# times) can follow. A receiver that raises rolls the typing back.
case_typed = Signal()

# The work list's filters and columns that other addons add (ulm_routing: "overdue", "waiting
# for the citizen", the due time). A filter is ``(key, label, apply)`` with
# ``apply(cases) -> cases`` narrowing a CaseRecord queryset; a column is ``(key, label, cells)``
# with ``cells(ticket_ids) -> {ticket_id: html}``, called once per page (a constant number of
# queries) and returning escaped HTML.
WORKLIST_FILTERS: list[tuple[str, Any, Callable[[Any], Any]]] = []
WORKLIST_COLUMNS: list[tuple[str, Any, Callable[[list[int]], dict[int, str]]]] = []


def register_worklist_filter(key: str, label: Any, apply: Callable[[Any], Any]) -> None:
    if key not in [k for k, _label, _apply in WORKLIST_FILTERS]:
        WORKLIST_FILTERS.append((key, label, apply))


def register_worklist_column(
    key: str, label: Any, cells: Callable[[list[int]], dict[int, str]]
) -> None:
    if key not in [k for k, _label, _cells in WORKLIST_COLUMNS]:
        WORKLIST_COLUMNS.append((key, label, cells))


# Where staff land who see no queue's requests (the city's management, a department's head
# without a queue of their own): functions ``f(user) -> url or None`` (ulm_kpi: the key
# figures); the first that answers wins. Everyone with a queue lands on the work list.
LANDING_PAGES: list[Callable[[Any], str | None]] = []


def register_landing_page(provider: Callable[[Any], str | None]) -> None:
    if provider not in LANDING_PAGES:
        LANDING_PAGES.append(provider)


def landing_elsewhere(user: Any) -> str | None:
    """The page a user without any queue lands on instead of an empty work list."""
    from ulm_servicepoint.access import queues_visible_to

    if getattr(user, "is_superuser", False) or queues_visible_to(user):
        return None
    for provider in LANDING_PAGES:
        url = provider(user)
        if url:
            return url
    return None
