"""What the rules read about a ticket, in memory: ``TicketFacts`` from the host's ticket and
ulm_servicepoint's case record (channel, request type, typed values, citizen). One ticket costs
one query; ``facts_since`` loads many in bulk (one query per chunk, never one per ticket)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from helpdesk.models import Ticket

from ulm_routing import conf
from ulm_servicepoint.services import fold_german


@dataclass
class TicketFacts:
    """A ticket as the rules see it. ``received`` is when the request came in (the case
    record's ``received_at``, else the ticket's creation), ``local`` the same in Europe/Berlin."""

    ticket_id: int | None
    title: str = ""
    text: str = ""
    received: datetime | None = None
    priority: int = 3
    queue: str = ""
    channel: str = ""
    request_type: str = ""
    leika_keys: tuple[str, ...] = ()
    values: dict[str, Any] = field(default_factory=dict)
    citizen_known: bool = False
    local: datetime | None = None
    _folded: dict[str, str] = field(default_factory=dict, repr=False)
    _words: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        if self.received is not None and self.local is None:
            self.local = self.received.astimezone(ZoneInfo(conf.get("ULM_ROUTING_TIME_ZONE")))

    def subject_and_text(self, where: str) -> str:
        if where == "subject":
            return self.title
        if where == "text":
            return self.text
        return f"{self.title}\n{self.text}"

    def folded(self, where: str) -> str:
        """The text German-folded (case, umlauts, ß), for matching words."""
        found = self._folded.get(where)
        if found is None:
            found = self._folded[where] = fold_german(self.subject_and_text(where))
        return found

    def words(self, where: str) -> frozenset[str]:
        """The German-folded words of the text, for matching whole words without a scan."""
        found = self._words.get(where)
        if found is None:
            found = self._words[where] = frozenset(WORD.findall(self.folded(where)))
        return found


WORD = re.compile(r"\w+")


def _leika(keys: str | None) -> tuple[str, ...]:
    return tuple(k.strip() for k in (keys or "").split(",") if k.strip())


FIELDS = (
    "pk",
    "title",
    "description",
    "created",
    "priority",
    "queue__slug",
    "case_record__channel",
    "case_record__request_type__slug",
    "case_record__request_type__leika_keys",
    "case_record__values",
    "case_record__citizen_id",
    "case_record__received_at",
)


def _from_row(row: tuple) -> TicketFacts:
    pk, title, text, created, priority, queue, channel, slug, leika, values, citizen, got = row
    return TicketFacts(
        ticket_id=pk,
        title=title or "",
        text=text or "",
        received=got or created,
        priority=priority or 3,
        queue=queue or "",
        channel=channel or "",
        request_type=slug or "",
        leika_keys=_leika(leika),
        values=values or {},
        citizen_known=citizen is not None,
    )


def facts_of(ticket: Ticket | int) -> TicketFacts:
    """One ticket's facts (one query). Raises Ticket.DoesNotExist."""
    ticket_id = ticket if isinstance(ticket, int) else ticket.pk
    row = Ticket.objects.filter(pk=ticket_id).values_list(*FIELDS).first()
    if row is None:
        raise Ticket.DoesNotExist(ticket_id)
    return _from_row(row)


def facts_since(since: datetime, chunk: int = 5000) -> Iterator[TicketFacts]:
    """Facts of every ticket created since ``since``, oldest first, read in chunks with a
    server-side cursor: one query per chunk."""
    rows = (
        Ticket.objects.filter(created__gte=since)
        .order_by("created", "pk")
        .values_list(*FIELDS)
        .iterator(chunk_size=chunk)
    )
    for row in rows:
        yield _from_row(row)
