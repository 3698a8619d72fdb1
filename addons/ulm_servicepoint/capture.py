"""Capturing a request, every channel's one way in: validated against the type's schema, the
citizen found or created, ticket, first follow-up, files and case record written in one
transaction, the acknowledgement queued; answering at first contact, correcting values, the
counter mode's quick record."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.lib import process_attachments, safe_template_context
from helpdesk.models import FollowUp, KBItem, Queue, Ticket
from helpdesk.signals import new_ticket_done

from ulm_servicepoint.access import tickets_visible_to
from ulm_servicepoint.case_index import open_case
from ulm_servicepoint.citizens import CaptureInvalid, CitizenData, find_or_create_citizen
from ulm_servicepoint.departments import service_center_queue
from ulm_servicepoint.hooks import forward_case, request_captured
from ulm_servicepoint.models import CaseRecord, Citizen, CounterVisit, RequestType
from ulm_servicepoint.models.case import Channel, Level
from ulm_servicepoint.reference import reference_of
from ulm_servicepoint.request_types import current_schema, match_request_type
from ulm_servicepoint.schema_forms import capture_form_class, display_value, values_to_data

logger = logging.getLogger(__name__)


class Outcome:
    OPEN = "open"  # stays with the service center (1st level)
    FIRST_CONTACT = "first_contact"  # "Erstauskunft erteilt": answered and closed
    FORWARD = "forward"  # "Weiterleiten": to the type's default department


def _describe(specs: list[dict], values: Mapping[str, Any], message: str) -> str:
    lines = [message.strip()] if message.strip() else []
    shown = [(s["label"], display_value(s, values.get(s["key"]))) for s in specs]
    lines += [f"{label}: {value}" for label, value in shown if value != "—"]
    return "\n".join(lines)


@transaction.atomic
def capture_request(
    request_type: RequestType,
    values: Mapping[str, Any],
    *,
    channel: str,
    citizen: Citizen | CitizenData | None = None,
    captured_by: Any = None,
    audience: str = "agent",
    files: Mapping[str, Any] | None = None,
    message: str = "",
    title: str = "",
    outcome: str = Outcome.OPEN,
    answer: str = "",
    scan: Any = None,
    received_at: Any = None,
    acknowledge: bool = True,
    kbitem: KBItem | int | str | None = None,
    forward_to: Queue | None = None,
    forward_reason: str = "",
) -> CaseRecord:
    """Every channel's one way in: validates ``values`` (JSON shape, see schema_forms) against
    the type's current schema for ``audience``, finds or creates the citizen, creates the
    helpdesk ticket with its first follow-up (files attached) and the case record, all in one
    transaction. The citizen gets the host's German acknowledgement by e-mail (after commit)
    unless the request was answered at once or ``acknowledge`` is False (a channel that sends
    its own confirmation, e.g. the public forms with their status link). ``kbitem`` is the
    knowledge item whose answer the agent gave (linked as the host's ``Ticket.kbitem``).
    Raises CaptureInvalid with German messages per field; then nothing is written."""
    if channel not in Channel.values:
        raise CaptureInvalid({"channel": [_("Unknown channel.")]})
    schema = current_schema(request_type)
    form = capture_form_class(schema.fields)(
        data=values_to_data(schema.fields, values), files=dict(files or {}), audience=audience
    )
    errors: dict[str, list[str]] = (
        {k: [str(m) for m in v] for k, v in form.errors.items()} if not form.is_valid() else {}
    )
    if outcome == Outcome.FIRST_CONTACT and not answer.strip():
        errors["answer"] = [
            _("Please enter the answer you gave under “%(field)s”.") % {"field": _("Answer given")}
        ]
    if channel == Channel.LETTER and scan is None:
        errors["scan"] = [
            _("Please attach the scanned letter under “%(field)s”.")
            % {"field": _("Scan of the letter")}
        ]
    if scan is not None:
        from ulm_servicepoint.schema_forms import UploadField

        try:
            UploadField(label=_("Scan of the letter")).clean(scan)
        except Exception as exc:  # ValidationError: German message naming the field
            errors["scan"] = list(getattr(exc, "messages", [str(exc)]))
    if outcome not in (Outcome.OPEN, Outcome.FIRST_CONTACT, Outcome.FORWARD):
        errors["outcome"] = [_("Unknown outcome.")]
    if kbitem not in (None, "") and not isinstance(kbitem, KBItem):
        found = KBItem.objects.filter(pk=int(kbitem)).first() if str(kbitem).isdigit() else None
        if found is None:
            errors["answer"] = [_("The knowledge base answer inserted no longer exists.")]
        kbitem = found
    try:
        person = (
            find_or_create_citizen(citizen, captured_by)
            if isinstance(citizen, CitizenData)
            else citizen
        )
    except CaptureInvalid as invalid:
        errors.update(invalid.errors)
        person = None
    if errors:
        raise CaptureInvalid(errors)

    typed = form.typed_values()
    now = timezone.now()
    queue = service_center_queue()  # a forward goes through the forward handler below
    # the address given with this request is where its answer goes, whatever the citizen
    # record it was matched to says
    given = citizen.email.strip().lower() if isinstance(citizen, CitizenData) else ""
    ticket = Ticket.objects.create(
        title=(title or request_type.name)[:200],
        queue=queue,
        submitter_email=(given or (person.email if person else "")) or None,
        description=_describe(schema.fields, typed, message),
        status=Ticket.OPEN_STATUS,
        priority=3,
        kbitem=kbitem or None,
    )
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=_("Request captured (%(channel)s)") % {"channel": Channel(channel).label},
        comment=ticket.description,
        public=True,
        user=captured_by,
    )
    uploads = form.uploads()
    attached = process_attachments(followup, [*uploads.values(), *([scan] if scan else [])])
    if uploads:
        stored = {a.filename: a for a in followup.followupattachment_set.all()}
        for key, upload in uploads.items():
            attachment = stored.get(upload.name)
            typed[key] = {"attachment": attachment.pk if attachment else None, "name": upload.name}
    # the ticket's receiver made its (untyped) case record; the capture types it
    case = open_case(ticket)
    case.request_type, case.schema, case.values = request_type, schema, typed
    case.channel, case.citizen, case.level = channel, person, Level.FIRST
    case.captured_by, case.received_at, case.captured_at = captured_by, received_at or now, now
    case.save()
    if outcome == Outcome.FIRST_CONTACT:
        resolve_at_first_contact(case, answer, captured_by)
    request_captured.send(sender="ulm_servicepoint", case=case)
    if outcome != Outcome.FIRST_CONTACT and ticket.submitter_email and acknowledge:
        _acknowledge(ticket, followup, attached)
    if outcome == Outcome.FORWARD:
        forward_case(case, captured_by, forward_to, forward_reason[:500])
    transaction.on_commit(lambda: _announce(ticket))
    return case


def capture_done_text(case: CaseRecord) -> str:
    """What the agent is told after capturing: the reference, and how the citizen hears from
    us (the acknowledgement is on its way, not sent yet; without an address, by the reference
    number)."""
    ticket = case.ticket
    text = _("Request %(ticket)s captured.") % {"ticket": reference_of(ticket)}
    if case.resolved_at_first_contact:
        return text
    if ticket.submitter_email:
        return f"{text} " + _(
            "The acknowledgement to %(address)s is on its way; the ticket page shows when it "
            "has been sent."
        ) % {"address": ticket.submitter_email}
    return f"{text} " + _(
        "The citizen gave no e-mail address and gets no acknowledgement: tell them the "
        "reference number %(ticket)s. The answer reaches them by phone or by letter."
    ) % {"ticket": reference_of(ticket)}


def _announce(ticket: Ticket) -> None:
    """The host's ``new_ticket_done`` for other addons (routing, notifications), after commit.
    A failing receiver is logged, never raised: the request is stored either way."""
    for receiver, result in new_ticket_done.send_robust(sender="ulm_servicepoint", ticket=ticket):
        if isinstance(result, Exception):
            logger.error(
                "new_ticket_done receiver %r failed for ticket %s",
                receiver,
                ticket.pk,
                exc_info=result,
            )


# Headers the project's mail backend (ulm_channels' outbox) reads and removes before sending: the
# ticket a mail is about, and its kind. Plain mail headers, so this addon needs no import of it.
MAIL_TICKET_HEADER = "X-Ulm-Ticket"
MAIL_KIND_HEADER = "X-Ulm-Kind"


def _acknowledge(ticket: Ticket, followup: FollowUp, files: list) -> None:
    """The host's German acknowledgement ("newticket_submitter" in the queue's locale).

    Sent through Django's mail API, which the project points at the outbox: the mail is
    recorded in the capture's transaction and delivered by the worker after the commit, so a
    mail server that is down neither fails nor delays the capture. The follow-up lists the
    address the acknowledgement was queued for."""
    context = safe_template_context(ticket)
    context["comment"] = followup.comment
    sent_to: set[str] = set()
    ticket.send(
        {"submitter": ("newticket_submitter", context)},
        sent_to=sent_to,
        fail_silently=True,
        files=files,
        extra_headers={MAIL_TICKET_HEADER: str(ticket.pk), MAIL_KIND_HEADER: "capture_ack"},
    )
    FollowUp.objects.filter(pk=followup.pk).update(email_recipients=sorted(sent_to))


def resolve_at_first_contact(
    case: CaseRecord, answer: str, user: AbstractBaseUser | None
) -> CaseRecord:
    """ "Erstauskunft erteilt": the answer given is recorded and the ticket is closed."""
    now = timezone.now()
    ticket = case.ticket
    FollowUp.objects.create(
        ticket=ticket,
        title=_("First-contact answer given"),
        comment=answer,
        public=True,
        user=user,
        new_status=Ticket.CLOSED_STATUS,
    )
    ticket.status = Ticket.CLOSED_STATUS
    ticket.resolution = answer
    ticket.save()
    case.resolved_at_first_contact = True
    case.first_contact_resolved_at = case.first_answer_at = case.closed_at = now
    case.save()
    return case


@transaction.atomic
def update_case_values(case: CaseRecord, values: Mapping[str, Any], user: Any) -> CaseRecord:
    """Agents correct the values in the ticket view, validated against the schema version the
    ticket was captured with (a newer version never breaks an old ticket). Uploaded files stay."""
    if not tickets_visible_to(user).filter(pk=case.ticket_id).exists():
        raise PermissionError(case.ticket_id)
    specs = case.schema.fields if case.schema else []
    form = capture_form_class(specs)(data=values_to_data(specs, values), audience="agent")
    if not form.is_valid():
        raise CaptureInvalid({k: [str(m) for m in v] for k, v in form.errors.items()})
    kept_files = {
        s["key"]: case.values[s["key"]]
        for s in specs
        if s["type"] == "file" and s["key"] in case.values
    }
    case.values = {**form.typed_values(), **kept_files}
    case.save(update_fields=["values", "updated_at"])
    return case


def record_counter_visit(topic: str | RequestType, minutes: int, captured_by: Any) -> CounterVisit:
    """Counter mode: an anonymous quick record for statistics. ``topic`` is a request type or
    what the agent typed (exact name, else the one type whose name starts with / contains it)."""
    errors: dict[str, list[str]] = {}
    request_type = topic if isinstance(topic, RequestType) else match_request_type(topic)
    if request_type is None:
        errors["topic"] = [
            _("“%(field)s”: no single request type matches “%(text)s”.")
            % {"field": _("Topic"), "text": topic}
        ]
    if not isinstance(minutes, int) or not 1 <= minutes <= 480:
        errors["minutes"] = [
            _("“%(field)s” must be a whole number from 1 to 480.") % {"field": _("Minutes")}
        ]
    if errors or request_type is None:
        raise CaptureInvalid(errors)
    return CounterVisit.objects.create(
        request_type=request_type, minutes=minutes, captured_by=captured_by
    )
