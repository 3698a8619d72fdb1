"""Raw rows for the key-figure tests, written the way the product records them: a ticket (its
case record is made by ulm_servicepoint) whose case record then gets the timestamps of the
story, calls through the phone log's events, handoffs and uses of knowledge items."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from helpdesk.models import KBCategory, KBItem, Queue, Ticket

from ulm_channels.models import SatisfactionRating
from ulm_channels.phone import CallEvent
from ulm_channels.services import record_call_event
from ulm_knowledge.models import AnswerUse
from ulm_routing.models import Handoff
from ulm_servicepoint.models import CaseRecord, CounterVisit, RequestType

BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    """'2026-03-02 09:10' in Berlin time."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=BERLIN)


def queue(slug: str, title: str) -> Queue:
    return Queue.objects.get_or_create(slug=slug, defaults={"title": title})[0]


def request_type(slug: str, name: str, department: Queue) -> RequestType:
    return RequestType.objects.get_or_create(
        slug=slug, defaults={"name": name, "default_queue": department}
    )[0]


def case(
    received: str,
    department: Queue,
    channel: str = "email",
    kind: RequestType | None = None,
    *,
    first_contact: bool = False,
    level: int = 1,
    first_answer: str | None = None,
    closed: str | None = None,
) -> CaseRecord:
    """A request received at ``received``; closed (and resolved) when ``closed`` is given."""
    status = Ticket.CLOSED_STATUS if closed else Ticket.OPEN_STATUS
    ticket = Ticket.objects.create(
        title=f"Anliegen {received}", queue=department, submitter_email="kpi@example.org"
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=status, created=at(received))
    CaseRecord.objects.filter(ticket=ticket).update(
        channel=channel,
        request_type=kind,
        received_at=at(received),
        captured_at=at(received),
        resolved_at_first_contact=first_contact,
        first_contact_resolved_at=at(first_answer) if first_contact and first_answer else None,
        first_answer_at=None if first_contact or not first_answer else at(first_answer),
        closed_at=at(closed) if closed else None,
        level=level,
        is_open=not closed,
        department=department,
    )
    return CaseRecord.objects.get(ticket=ticket)


def visit(moment: str, kind: RequestType) -> CounterVisit:
    row = CounterVisit.objects.create(request_type=kind, minutes=3)
    CounterVisit.objects.filter(pk=row.pk).update(created_at=at(moment))
    return row


def call(call_id: str, rang: str, answered_after: int | None, ended_after: int | None) -> None:
    """A call that rang at ``rang``, answered after n seconds (or not), ended after m."""
    start = at(rang)
    record_call_event(CallEvent("newCall", call_id, start, caller="0731 123456"))
    if answered_after is not None:
        record_call_event(CallEvent("answer", call_id, start + timedelta(seconds=answered_after)))
    if ended_after is not None:
        record_call_event(CallEvent("hangup", call_id, start + timedelta(seconds=ended_after)))


def handoff(
    of: CaseRecord,
    department: Queue,
    forwarded: str,
    due: str | None,
    feedback: str | None = None,
    state: str = "answered",
) -> Handoff:
    return Handoff.objects.create(
        ticket=of.ticket,
        department=department,
        state=state,
        forwarded_at=at(forwarded),
        clock_started_at=at(forwarded),
        due_at=at(due) if due else None,
        feedback_at=at(feedback) if feedback else None,
    )


def item(title: str) -> KBItem:
    category = KBCategory.objects.get_or_create(
        slug="kpi-tests", defaults={"title": "KPI-Tests", "name": "KPI-Tests"}
    )[0]
    return KBItem.objects.create(category=category, title=title, question=title, answer="…")


def gave(of: CaseRecord, kbitem: KBItem) -> AnswerUse:
    return AnswerUse.objects.create(ticket=of.ticket, kbitem=kbitem, version=1)


def rated(of: CaseRecord, level: int, moment: datetime, comment: str = "") -> SatisfactionRating:
    """The citizen's rating of the answer, given at ``moment``."""
    rating = SatisfactionRating.objects.create(ticket=of.ticket, level=level, comment=comment)
    SatisfactionRating.objects.filter(pk=rating.pk).update(created_at=moment)
    return rating
