"""The knowledge-gap loop: tickets no item answered, grouped into proposals for new items, and a
department's reply turned into an answer draft in one click."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext
from helpdesk.models import Queue, Ticket

from ulm_knowledge.items import sync_kbitem
from ulm_knowledge.lifecycle import LifecycleError
from ulm_knowledge.models import Answer, Status
from ulm_knowledge.text import BOILERPLATE, FILLER, light_stem, tokens
from ulm_knowledge.versions import content_of, hash_content, save_version


@dataclass
class Gap:
    """Tickets with similar text that no knowledge item answered: a proposal for a new item."""

    department: Queue
    tickets: list[Ticket]

    @property
    def title(self) -> str:
        return self.tickets[0].title


def _trigrams(text: str) -> set[str]:
    padded = f"  {' '.join(tokens(text))} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def _content_words(text: str) -> set[str]:
    """What a ticket's text is about: its longer words, without greetings and the filler words
    of a request (the search's lists), lightly stemmed."""
    return {
        light_stem(w)
        for w in tokens(text)
        if len(w) >= 5 and w not in BOILERPLATE and w not in FILLER
    }


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(len(a | b), 1)


MIN_TEXT_WORDS = 3  # a description with fewer content words leaves the decision to the title
TEXT_OVERLAP = 0.3  # share of the shorter text's content words both must have (at least two)
TITLE_OVERLAP = 0.35  # trigram overlap of two titles


@dataclass
class _GapSeed:
    """The first ticket of a gap group, as the others are compared with it."""

    queue: Queue
    title: set[str]
    words: set[str]
    has_text: bool
    tickets: list[Ticket]

    def takes(self, queue_id: int, title: set[str], words: set[str], has_text: bool) -> bool:
        if queue_id != self.queue.pk:
            return False
        shared = len(words & self.words)
        similar_text = shared >= 2 and shared / max(min(len(words), len(self.words)), 1) >= (
            TEXT_OVERLAP
        )
        if has_text and self.has_text:  # generic titles ("Anfrage"): the texts decide
            return similar_text
        return similar_text or _jaccard(title, self.title) >= TITLE_OVERLAP


def knowledge_gaps(tickets, limit: int = 500) -> list[Gap]:
    """Gap proposals from ``tickets`` (pass ``tickets_visible_to(user)``): tickets forwarded to
    a department (not in the service center's queue) or closed without a knowledge item,
    grouped per department by similar text: where both have a description, by the content
    words they share (title and the beginning of the description), else by similar titles
    (trigram overlap); the largest groups first."""
    from ulm_servicepoint.services import service_center_queue

    center = service_center_queue()
    candidates = (
        tickets.filter(kbitem__isnull=True)
        .exclude(queue=center, status__in=[Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS])
        .select_related("queue")
        .order_by("-created")[:limit]
    )
    groups: list[_GapSeed] = []
    for ticket in candidates:
        description = (ticket.description or "")[:500]
        title = _trigrams(ticket.title)
        words = _content_words(f"{ticket.title} {description}")
        has_text = len(_content_words(description)) >= MIN_TEXT_WORDS
        for group in groups:
            if group.takes(ticket.queue_id, title, words, has_text):
                group.tickets.append(ticket)
                break
        else:
            groups.append(_GapSeed(ticket.queue, title, words, has_text, [ticket]))
    gaps = [Gap(group.queue, group.tickets) for group in groups]
    return sorted(gaps, key=lambda g: (-len(g.tickets), g.title))


@transaction.atomic
def draft_from_ticket(ticket: Ticket, user: User | None) -> Answer:
    """A department's answer to a ticket becomes an article draft in one click: the ticket's
    title as question, the department's last public reply as answer, owned by its queue."""
    from helpdesk.models import FollowUp

    reply = (
        FollowUp.objects.filter(ticket=ticket, public=True, user__isnull=False)
        .exclude(comment="")
        .order_by("-date")
        .first()
    )
    if reply is None:
        raise LifecycleError(gettext("This ticket has no answer yet that could become a draft."))
    answer = Answer(
        question=ticket.title[:500],
        answer=reply.comment,
        department=ticket.queue,
        status=Status.DRAFT,
    )
    answer.content_hash = hash_content(content_of(answer))
    answer.kbitem = sync_kbitem(None, answer.question, answer.question, answer.answer, False)
    answer.save()
    save_version(answer, user, f"Entwurf aus Ticket #{ticket.pk}")
    return answer
