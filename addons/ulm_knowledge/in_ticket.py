"""The knowledge base in the ticket and the capture screen: suggestions from a ticket's text and
its request type, the answer one click inserts, and the proof of what the citizen was told
(``AnswerUse``: item and version given, also the search's usage signal)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.utils.translation import gettext
from helpdesk.models import KBItem, Ticket

from ulm_knowledge.items import answer_text, item_for
from ulm_knowledge.models import Answer, AnswerUse, SearchEntry, Service, Status
from ulm_knowledge.request_type_links import services_for_request_type
from ulm_knowledge.search.engine import Hit, relevant, search
from ulm_knowledge.search.request_types import rank_request_types

SUGGESTION_TEXT = 2000  # characters of a ticket's title and text its suggestions look at


def ticket_text(ticket: Ticket) -> str:
    return f"{ticket.title}\n{ticket.description or ''}"


def suggestions_for_ticket(ticket: Ticket, limit: int = 5) -> list[Hit]:
    """What the agent sees beside a ticket: the items best matching its text (not those that
    only share a word with it)."""
    return relevant(search(ticket_text(ticket)[:SUGGESTION_TEXT], limit))


@dataclass
class Suggestion:
    """A suggestion beside a ticket: the hit, and the answer one click would insert."""

    hit: Hit
    text: str
    linked: bool = False  # linked to the request type (not found by the text)
    phone: str = ""  # what to read out on the phone: an answer's short version, a short text


def _suggestion(item: Service | Answer, hit: Hit, linked: bool = False) -> Suggestion:
    phone = item.short_text if isinstance(item, Service) else item.phone_text
    return Suggestion(hit, answer_text(item), linked=linked, phone=phone)


def ticket_suggestions(ticket: Ticket, limit: int = 5) -> list[Suggestion]:
    """The services linked to the ticket's request type first, then the best matches of its
    text, ``limit`` in all."""
    from ulm_servicepoint.services import request_type_of

    request_type = request_type_of(ticket)
    found = linked_suggestions(request_type, limit) if request_type else []
    shown = {s.hit.id for s in found}
    hits = [h for h in suggestions_for_ticket(ticket, limit) if h.id not in shown]
    return found + _suggestions(hits)[: limit - len(found)]


def _hit_of(service: Service) -> Hit:
    return Hit(service.kbitem_id, service.external_id or "", service.name, 0.0, "service")


def _suggestions(hits: list[Hit]) -> list[Suggestion]:
    """The hits with the answer text one click would insert."""
    ids = [h.id for h in hits]
    items: dict[int, Service | Answer] = {
        s.kbitem_id: s for s in Service.objects.filter(kbitem_id__in=ids)
    }
    items.update({a.kbitem_id: a for a in Answer.objects.filter(kbitem_id__in=ids)})
    return [_suggestion(items[h.id], h) for h in hits if h.id in items]


def published_answer_text(kbitem_id: int) -> tuple[KBItem, int, str]:
    """What the capture screen inserts for an item found while typing (nothing is recorded
    yet: the ticket does not exist): the item, its current version and the composed text."""
    kbitem = KBItem.objects.get(pk=kbitem_id)
    item = item_for(kbitem)
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return kbitem, item.version, answer_text(item)


def linked_suggestions(request_type: Any, limit: int = 5) -> list[Suggestion]:
    """The services linked to a request type, as suggestions: what the capture screen shows
    before the agent types, and what a typed ticket's panel starts with."""
    return [
        _suggestion(service, _hit_of(service), linked=True)
        for service in services_for_request_type(request_type, limit)
    ]


def record_captured_answer(case: Any) -> AnswerUse | None:
    """After a capture in which the agent inserted a knowledge answer (``Ticket.kbitem`` set
    by the capture): the version given is recorded, as with the click in the ticket."""
    ticket = case.ticket
    if not ticket.kbitem_id:
        return None
    return record_answer_use(ticket, ticket.kbitem, case.captured_by)


def give_answer(ticket: Ticket, kbitem: KBItem, user: User | None) -> tuple[AnswerUse, str]:
    """One click in the ticket: the composed answer for the reply, the item linked to the ticket
    and the version given recorded."""
    item = item_for(kbitem)
    if item is None or item.status != Status.PUBLISHED:
        raise ValueError("not a published knowledge item")
    return record_answer_use(ticket, kbitem, user), answer_text(item)


@transaction.atomic
def answers_told(ticket: Ticket) -> list[str]:
    """What the citizen was told from the knowledge base: each item given, with its version
    (for the summary of a handoff; ulm_servicepoint's ``register_told_citizen``)."""
    uses = AnswerUse.objects.filter(ticket=ticket).select_related("kbitem").order_by("pk")
    return [
        gettext("“%(title)s”, version %(version)d")
        % {"title": use.kbitem.title, "version": use.version}
        for use in uses
    ]


def answers_told_in(ticket_ids: list[int]) -> dict[int, list[str]]:
    """``answers_told`` for many tickets in one query: {ticket id: items given} (an Art. 15
    package lists them for every request of a citizen)."""
    told: dict[int, list[str]] = {}
    uses = AnswerUse.objects.filter(ticket_id__in=ticket_ids).select_related("kbitem")
    for use in uses.order_by("pk"):
        told.setdefault(use.ticket_id, []).append(
            gettext("“%(title)s”, version %(version)d")
            % {"title": use.kbitem.title, "version": use.version}
        )
    return told


def record_answer_use(ticket: Ticket, kbitem: KBItem, user: User | None = None) -> AnswerUse:
    """Proof of what the citizen was told: the item and its current version, linked to the
    ticket (``Ticket.kbitem``); also feeds the usage signal."""
    item: Service | Answer | None = Service.objects.filter(kbitem=kbitem).first()
    item = item or Answer.objects.filter(kbitem=kbitem).first()
    version = item.version if item else 1
    use = AnswerUse.objects.create(ticket=ticket, kbitem=kbitem, version=version, user=user)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE ulm_knowledge_answeruse SET ticket_text = to_tsvector('ulm_german', %s)"
            " WHERE id = %s",
            [ticket_text(ticket), use.pk],
        )
    Ticket.objects.filter(pk=ticket.pk).update(kbitem=kbitem)
    SearchEntry.objects.filter(kbitem=kbitem).update(
        uses=AnswerUse.objects.filter(kbitem=kbitem).count()
    )
    return use


def request_types_for_ticket(ticket: Ticket, limit: int = 5) -> list[tuple[Any, str]]:
    """The triage's suggestions for an untyped ticket (ulm_servicepoint's
    ``register_request_type_suggester``): the active request types the German search finds
    in its title and text, by their own words and by the services linked to them, best first;
    each with why — the knowledge item that led to it, else the ticket's words."""
    from ulm_servicepoint.services import RequestType

    types = list(RequestType.objects.filter(active=True).select_related("default_queue"))
    ranked = rank_request_types(ticket_text(ticket)[:SUGGESTION_TEXT], types)[:limit]
    hits = suggestions_for_ticket(ticket, limit * 2)
    order = {hit.id: n for n, hit in enumerate(hits)}
    via: dict[int, str] = {}
    linked = Service.request_types.through.objects.filter(
        service__kbitem_id__in=list(order), requesttype_id__in=[t.pk for t, _ in ranked]
    ).values_list("requesttype_id", "service__kbitem_id", "service__name")
    for type_id, _kbitem, name in sorted(linked, key=lambda row: order[row[1]]):
        via.setdefault(type_id, name)
    return [
        (
            request_type,
            gettext("knowledge base: “%(service)s”") % {"service": via[request_type.pk]}
            if request_type.pk in via
            else gettext("words of the ticket"),
        )
        for request_type, _score in ranked
    ]
