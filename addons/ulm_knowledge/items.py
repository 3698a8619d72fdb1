"""Our items on the host's ``KBItem``: the category they sit in, keeping the host's item in step,
the host's deletes and votes guarded, which of our items a KB item is, the services citizens
may see, and the answer an agent inserts (composed from a service's structured fields)."""

from __future__ import annotations

from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext
from helpdesk.models import KBCategory, KBItem, Ticket

from ulm_knowledge import conf
from ulm_knowledge.models import Answer, Service, Status
from ulm_knowledge.service_pages import safe_url


def kb_category() -> KBCategory:
    slug = conf.get("ULM_KNOWLEDGE_KB_CATEGORY")
    category, _ = KBCategory.objects.get_or_create(
        slug=slug,
        defaults={
            "name": "Dienstleistungen",
            "title": "Dienstleistungen und Antworten",
            "description": "Leistungsbeschreibungen und Antworten der Wissensdatenbank.",
            "public": False,
        },
    )
    return category


def sync_kbitem(kbitem: KBItem | None, title: str, question: str, answer: str, enabled: bool):
    """The host's KB item under one of ours (a new one when ``kbitem`` is None), brought in step
    with it: title, question, answer and whether the host shows it."""
    kbitem = kbitem or KBItem(category=kb_category())
    kbitem.title = title if len(title) <= 100 else title[:99] + "…"
    kbitem.question = question or title
    kbitem.answer = answer or title
    kbitem.enabled = enabled
    kbitem.last_updated = timezone.now()
    kbitem.save()
    return kbitem


def guard_kbitem_delete(kbitem: KBItem) -> None:
    """The host deletes a KB item's tickets with it (on_delete=CASCADE): refuse while any ticket
    points to it. Our own items are retired instead (``retire_item``)."""
    tickets = list(Ticket.objects.filter(kbitem=kbitem).values_list("pk", flat=True)[:5])
    if tickets:
        raise ProtectedError(
            f"KB item {kbitem.pk} is linked to tickets {tickets}: retire it instead of deleting.",
            set(Ticket.objects.filter(pk__in=tickets)),
        )


def vote_refused(kbitem_id: int) -> str | None:
    """Why the host's vote on this KB item is refused (German), or None: only published
    services and answers are voted on, never drafts or items under review."""
    item = item_for(KBItem(pk=kbitem_id))
    if item is not None and item.status != Status.PUBLISHED:
        return gettext("Only published knowledge base items can be rated.")
    return None


def item_for(kbitem: KBItem) -> Service | Answer | None:
    """Our service or answer on a host KB item (None for a KB item of the host's own)."""
    service = Service.objects.filter(kbitem=kbitem).first()
    return service or Answer.objects.filter(kbitem=kbitem).first()


def published_services():
    """Services citizens may see: published and valid today."""
    from django.db.models import Q

    today = timezone.localdate()
    return (
        Service.objects.filter(status=Status.PUBLISHED)
        .filter(Q(valid_from__isnull=True) | Q(valid_from__lte=today))
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
    )


def compose_answer(service: Service) -> str:
    """The answer an agent gives from the structured fields: what it is, what to bring, what it
    costs, where and when."""
    parts = [service.name, service.short_text]
    for label, value in (
        ("Voraussetzungen", service.requirements),
        ("Mitzubringen", service.documents),
        ("Kosten", service.fees),
        ("Bearbeitungsdauer", service.processing_time),
        ("Fristen", service.deadlines),
    ):
        if value:
            parts.append(f"{label}:\n{value}")
    places = [p for p in service.contact_points if p.get("name")]
    if places:
        lines = []
        for p in places[:3]:
            address = (p.get("street"), p.get("postal_code"), p.get("city"))
            where = ", ".join(x for x in address if x)
            when = p.get("opening_hours") or ""
            lines.append("- " + " – ".join(x for x in (p["name"], where, when) if x))
        parts.append("Wo:\n" + "\n".join(lines))
    # only links a citizen may follow (a catalogue may carry javascript: or relative ones)
    booking = next(
        (u for p in service.contact_points if (u := safe_url(p.get("appointment_url")))), ""
    )
    if booking:
        parts.append("Termin vereinbaren: " + booking)
    online = [
        u for f in service.forms if f.get("kind") == "online" and (u := safe_url(f.get("url")))
    ]
    if online:
        parts.append("Online: " + online[0])
    return "\n\n".join(p for p in parts if p)


def answer_text(item: Service | Answer) -> str:
    """What the agent inserts into the reply: composed from a service's structured fields, or
    an answer's text."""
    return compose_answer(item) if isinstance(item, Service) else item.answer
