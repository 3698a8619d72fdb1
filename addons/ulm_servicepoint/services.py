"""Verbs of ulm_servicepoint: departments and their groups, who sees which ticket, request types
and their schemas, citizens, capturing a request (every channel), demo data, worker heartbeats.
Views, commands, the API and jobs call these; they hold no logic of their own."""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _
from helpdesk.lib import process_attachments, safe_template_context
from helpdesk.models import FollowUp, FollowUpAttachment, KBIAttachment, KBItem, Queue, Ticket
from helpdesk.signals import new_ticket_done
from helpdesk.user import HelpdeskUser

from ulm_servicepoint import conf, reference, request_type_search
from ulm_servicepoint.models import (
    CaptureField,
    CaptureSchema,
    CaseRecord,
    Citizen,
    CounterVisit,
    RequestType,
    WorkerHeartbeat,
)
from ulm_servicepoint.models.case import Channel, Level
from ulm_servicepoint.schema_forms import (
    CaptureValuesForm,
    capture_form_class,
    display_value,
    format_phone,
    normalise_phone,
    validate_email_address,
    values_to_data,
)

logger = logging.getLogger(__name__)

SERVICE_CENTER_GROUP = "Servicecenter"
ADMIN_GROUP = "Administration"

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


def departments() -> QuerySet[Queue]:
    """Every department's queue (all queues but the service center's), by title."""
    return Queue.objects.exclude(slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")).order_by(
        "title"
    )


# Citizens' replies (by mail, on the status page): sent by the channels inside the transaction
# that stores the reply, with ``ticket`` and ``followup``; ulm_routing resumes a handoff's clock.
citizen_replied = Signal()


# --- Stable references (SC-2026-000123) ----------------------------------------------------------
assign_reference = reference.assign
reference_of = reference.reference_of
references_of = reference.references_of
references_in = reference.references_in
ticket_for_reference = reference.ticket_for_reference
# The search behind every request-type look-up (ulm_knowledge registers its German search; the
# plain matcher without it), and what a request type says about itself for a search index.
register_request_type_search = request_type_search.register_request_type_search
request_type_words = request_type_search.request_type_words
single_request_type = request_type_search.single_match
fold_german = request_type_search.fold_german


# --- Who sees what ----------------------------------------------------------------------------
def tickets_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """The one place that says which tickets a user may see: the host's per-queue rule
    (a granted queue, or a ticket assigned to the user); superusers see all."""
    return HelpdeskUser(user).accessible_tickets()


def queues_visible_to(user: AbstractBaseUser | AnonymousUser) -> list[Queue]:
    """Queues whose tickets the user may open (not merely pick for a new ticket)."""
    return HelpdeskUser(user).accessible_queues()


def users_with_access(queue: Queue) -> QuerySet[Any]:
    """Active staff who may open the tickets of ``queue``: its department, the service center
    (groups holding the queue's permission), direct holders of it, and superusers."""
    permission = queue_permission(queue)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions=permission)
            | Q(user_permissions=permission)
        )
        .distinct()
        .order_by("username")
    )


def file_visible_to(user: AbstractBaseUser | AnonymousUser, name: str):
    """The stored upload called ``name``, if ``user`` may download it; else None.

    Ticket attachments follow their ticket (``tickets_visible_to``); knowledge-base attachments
    follow their category (public, or staff with access to its queue)."""
    attachment = FollowUpAttachment.objects.select_related("followup").filter(file=name).first()
    if attachment is not None:
        visible = tickets_visible_to(user).filter(pk=attachment.followup.ticket_id).exists()
        return attachment if visible else None
    kb_attachment = (
        KBIAttachment.objects.select_related("kbitem__category").filter(file=name).first()
    )
    if kb_attachment is not None:
        allowed = HelpdeskUser(user).can_access_kbcategory(kb_attachment.kbitem.category)
        return kb_attachment if allowed else None
    return None


# --- Request types and their schemas -----------------------------------------------------------
def publish_schema(request_type: RequestType) -> CaptureSchema:
    """Freezes the request type's current fields as a new schema version, unless the latest
    version has exactly these fields already. Old tickets keep the version they were captured
    with, so changing fields never breaks them."""
    specs = [f.as_spec() for f in CaptureField.objects.filter(request_type=request_type)]
    latest = CaptureSchema.objects.filter(request_type=request_type).first()
    if latest is not None and latest.fields == specs:
        return latest
    version = (latest.version + 1) if latest else 1
    return CaptureSchema.objects.create(request_type=request_type, version=version, fields=specs)


def current_schema(request_type: RequestType) -> CaptureSchema:
    """The newest schema version (published on first use when there is none yet)."""
    latest = CaptureSchema.objects.filter(request_type=request_type).first()
    return latest if latest is not None else publish_schema(request_type)


def public_request_types() -> QuerySet[RequestType]:
    """Request types a citizen may choose on the public forms, grouped by topic (ordering)."""
    return RequestType.objects.filter(public=True, active=True)


def search_public_request_types(search: str = "") -> list[RequestType]:
    """Public request types ``search`` finds, best first (``request_type_search``: the
    registered German search, else every word contained); all of them without a search."""
    return request_type_search.search_request_types(list(public_request_types()), search)


def public_request_type(slug: str) -> RequestType | None:
    """The public, active request type with this slug (None: no such form for citizens)."""
    return public_request_types().filter(slug=slug).first()


def request_types_for_agents(search: str = "") -> list[RequestType]:
    """Active request types ``search`` finds, best first (as for citizens, by the registered
    search, else by every word contained); all of them without a search."""
    types = list(RequestType.objects.filter(active=True).select_related("default_queue"))
    return request_type_search.search_request_types(types, search)


def schema_form_class(
    request_type: RequestType, schema: CaptureSchema | None = None
) -> type[CaptureValuesForm]:
    """The Django form class for a type's fields (current version unless ``schema`` is given).
    Instantiate it with ``audience="citizen"`` for a public form (agent-only fields left out)
    or ``audience="agent"``; every error message is German and names its field."""
    return capture_form_class((schema or current_schema(request_type)).fields)


def schema_form_fields(request_type: RequestType, audience: str = "citizen") -> list[dict]:
    """The field specs of the current version that ``audience`` sees (for templates and API)."""
    specs = current_schema(request_type).fields
    return [s for s in specs if audience == "agent" or s["audience"] == "citizen"]


# --- Citizens -------------------------------------------------------------------------------------
@dataclass
class CitizenData:
    """Contact details as a channel delivers them (all optional: a request may be anonymous)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    preferred_channel: str = ""
    consent_contact: bool = False
    consent_store_contact: bool = False
    # the id (uuid) of a citizen the agent picked: these details then update that person
    known: str = ""

    def is_empty(self) -> bool:
        return not (self.known or self.name or self.email or self.phone or self.street)

    def details(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "known"}


class CaptureInvalid(Exception):
    """Input that cannot be captured; ``errors`` maps a field name to German messages."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = dict(errors)


def citizens_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Citizen]:
    """The one place that says which citizens a user may look up: those with a request the user
    may see (a department's clerk finds only his department's citizens)."""
    if getattr(user, "is_superuser", False):
        return Citizen.objects.all()
    visible = tickets_visible_to(user).values("pk")
    return Citizen.objects.filter(case_records__ticket__in=visible).distinct()


def search_citizens(user: AbstractBaseUser | AnonymousUser, query: str) -> QuerySet[Citizen]:
    """Look-up by name, e-mail or phone (any notation) among the citizens ``user`` may see."""
    query = query.strip()
    if len(query) < 2:
        return Citizen.objects.none()
    condition = Q(name__icontains=query) | Q(email__iexact=query)
    with contextlib.suppress(ValueError):
        condition |= Q(phone=normalise_phone(query))
    return citizens_visible_to(user).filter(condition)[:20]


def _clean_citizen_data(data: CitizenData) -> CitizenData:
    errors: dict[str, list[str]] = {}
    email = data.email.strip().lower()
    if email:
        try:
            email = validate_email_address(email, field=_("E-mail address"))
        except DjangoValidationError as invalid:
            errors["citizen_email"] = list(invalid.messages)
    phone = data.phone.strip()
    if phone:
        try:
            phone = normalise_phone(phone)
        except ValueError:
            errors["citizen_phone"] = [
                _("Please enter a valid phone number for “%(field)s”, e.g. 0731 161-0.")
                % {"field": _("Phone number")}
            ]
    postcode = data.postcode.strip()
    if postcode and not (len(postcode) == 5 and postcode.isdigit()):
        errors["citizen_postcode"] = [
            _("The postcode for “%(field)s” has five digits, e.g. 89073.") % {"field": _("Address")}
        ]
    if errors:
        raise CaptureInvalid(errors)
    return CitizenData(**{**data.__dict__, "email": email, "phone": phone, "postcode": postcode})


def find_or_create_citizen(data: CitizenData, user: Any = None) -> Citizen | None:
    """The same person across channels: found by e-mail address, else by normalised phone
    number, but only when the other details given agree (a submission with someone else's
    number and another name is not that person: it becomes a new citizen, marked as a possible
    duplicate for an agent to check). Empty details of a found citizen are filled in, known ones
    never overwritten. A citizen picked by an agent (``data.known``, looked up among those
    ``user`` may see) gets the details the agent typed. None for an anonymous request. Raises
    CaptureInvalid for an invalid e-mail or phone, or a picked citizen that is not there."""
    data = _clean_citizen_data(data)
    if data.is_empty():
        return None
    if data.known:
        people = citizens_visible_to(user) if user is not None else Citizen.objects.all()
        try:
            picked = people.filter(uuid=data.known).first()
        except DjangoValidationError:
            picked = None
        if picked is None:
            raise CaptureInvalid(
                {"citizen": [_("The chosen citizen does not exist (any more); look up again.")]}
            )
        for name, value in data.details().items():
            if value not in ("", None):
                setattr(picked, name, value)
        picked.save()
        return picked
    match = None
    if data.email:
        match = Citizen.objects.filter(email__iexact=data.email).order_by("pk").first()
    if match is None and data.phone:
        match = Citizen.objects.filter(phone=data.phone).order_by("pk").first()
    if match is None:
        return Citizen.objects.create(**data.details())
    if _details_differ(match, data):
        return Citizen.objects.create(**data.details(), possible_duplicate_of=match)
    changed = False
    for name, value in data.details().items():
        if value and not getattr(match, name):
            setattr(match, name, value)
            changed = True
    if changed:
        match.save()
    return match


def _details_differ(citizen: Citizen, data: CitizenData) -> bool:
    """Whether a detail given differs from the one known (empty on either side never does)."""

    def same(a: str, b: str) -> bool:
        return " ".join(a.casefold().split()) == " ".join(b.casefold().split())

    return any(
        getattr(data, name)
        and getattr(citizen, name)
        and not same(getattr(data, name), getattr(citizen, name))
        for name in ("name", "email", "phone")
    )


@transaction.atomic
def merge_citizens(keep: Citizen, duplicates: list[Citizen]) -> Citizen:
    """One person recorded twice: their requests move to ``keep``, empty details of ``keep`` are
    filled from the duplicates, and the duplicates are deleted."""
    for duplicate in duplicates:
        if duplicate.pk == keep.pk:
            continue
        CaseRecord.objects.filter(citizen=duplicate).update(citizen=keep)
        for name in CitizenData().details():
            if not getattr(keep, name) and getattr(duplicate, name):
                setattr(keep, name, getattr(duplicate, name))
        duplicate.delete()
    keep.save()
    return keep


# --- Capturing a request (every channel) ---------------------------------------------------------
class Outcome:
    OPEN = "open"  # stays with the service center (1st level)
    FIRST_CONTACT = "first_contact"  # "Erstauskunft erteilt": answered and closed
    FORWARD = "forward"  # "Weiterleiten": to the type's default department


def can_capture(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff with access to the service center's queue (the 1st level) capture requests."""
    if not getattr(user, "is_staff", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    slug = conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
    return any(q.slug == slug for q in queues_visible_to(user))


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
    case = CaseRecord.objects.create(
        ticket=ticket,
        request_type=request_type,
        schema=schema,
        values=typed,
        channel=channel,
        citizen=person,
        level=Level.FIRST,
        captured_by=captured_by,
        received_at=received_at or now,
        captured_at=now,
    )
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


def case_values_for_display(case: CaseRecord) -> list[tuple[str, str]]:
    """(label, German value) in the order of the ticket's schema version."""
    specs = case.schema.fields if case.schema else []
    return [(s["label"], display_value(s, case.values.get(s["key"]))) for s in specs]


def earlier_requests(case: CaseRecord, user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """The citizen's other requests that ``user`` may see, newest first."""
    if case.citizen_id is None:
        return Ticket.objects.none()
    return (
        tickets_visible_to(user)
        .filter(case_record__citizen_id=case.citizen_id)
        .exclude(pk=case.ticket_id)
        .select_related("queue", "case_record__request_type")
        .order_by("-created")
    )


def case_panel_context(ticket: Ticket, user: Any) -> dict[str, Any]:
    """What the ticket page shows beside the host's fields: the case record, its values in
    German, and the citizen's earlier requests the user may see."""
    case = (
        CaseRecord.objects.select_related(
            "request_type", "schema", "citizen__possible_duplicate_of", "captured_by"
        )
        .filter(ticket=ticket)
        .first()
    )
    if case is None:
        return {"case": None}
    return {
        "case": case,
        "values": case_values_for_display(case),
        "earlier": list(earlier_requests(case, user)[:20]),
        "phone": format_phone(case.citizen.phone) if case.citizen and case.citizen.phone else "",
    }


def request_type_of(ticket: Ticket) -> RequestType | None:
    """The request type a ticket was captured as (None for untyped tickets)."""
    case = CaseRecord.objects.select_related("request_type").filter(ticket=ticket).first()
    return case.request_type if case else None


def request_types_by_leika_key() -> dict[str, list[RequestType]]:
    """Active request types per LeiKa key, for linking them to the services of a catalogue."""
    found: dict[str, list[RequestType]] = {}
    for request_type in RequestType.objects.filter(active=True).exclude(leika_keys=""):
        for key in request_type.leika_key_list():
            found.setdefault(key, []).append(request_type)
    return found


def visible_case(user: Any, ticket_id: int) -> CaseRecord | None:
    """The case record of a ticket the user may see, else None."""
    return (
        CaseRecord.objects.select_related("request_type", "schema", "ticket")
        .filter(ticket_id=ticket_id, ticket__in=tickets_visible_to(user).values("pk"))
        .first()
    )


def capture_screen_context(user: Any, citizen_uuid: str = "", lookup: str = "") -> dict[str, Any]:
    """The citizen picked (or found by a caller's number) and the look-up results for the
    capture screen, limited to what ``user`` may see; with the citizen's open requests."""
    citizen = None
    if citizen_uuid:
        with contextlib.suppress(ValueError, DjangoValidationError):
            citizen = citizens_visible_to(user).filter(uuid=citizen_uuid).first()
    matches = list(search_citizens(user, lookup)) if lookup else []
    if citizen is None and len(matches) == 1:
        citizen = matches[0]
    open_requests: list[Ticket] = []
    if citizen is not None:
        open_requests = list(
            tickets_visible_to(user)
            .filter(case_record__citizen=citizen)
            .exclude(status__in=[Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS])
            .select_related("queue")
            .order_by("-created")[:10]
        )
    return {"citizen": citizen, "matches": matches, "open_requests": open_requests}


def ticket_ids_of_phone(normalised: str) -> list[int]:
    """Tickets of the citizens with this phone number (E.164): the phone integration's caller
    look-up (``ULM_CHANNELS_CALLER_LOOKUP``); callers filter by what the agent may see."""
    if not normalised:
        return []
    return list(
        CaseRecord.objects.filter(citizen__phone=normalised).values_list("ticket_id", flat=True)
    )


def link_call(call_id: str, ticket: Ticket) -> None:
    """The capture screen was opened for a phone call (``?anruf=<call id>``): the phone
    integration (ulm_channels, when installed) learns which ticket the call became."""
    from django.apps import apps

    if call_id and apps.is_installed("ulm_channels"):
        from ulm_channels import services as channels

        channels.link_call_to_ticket(call_id, ticket)


def note_ticket_update(followup: FollowUp) -> None:
    """KPI timestamps from the host's ticket updates: the first public answer by staff and the
    closing. Never raises: the host sends this signal outside any transaction, after its mails,
    and an exception would break its update."""
    try:
        case = CaseRecord.objects.filter(ticket_id=followup.ticket_id).first()
        if case is None:
            return
        changed = []
        if case.first_answer_at is None and followup.public and followup.user_id is not None:
            case.first_answer_at = followup.date
            changed.append("first_answer_at")
        closed = (Ticket.CLOSED_STATUS, Ticket.RESOLVED_STATUS)
        if case.closed_at is None and followup.ticket.status in closed:
            case.closed_at = followup.date
            changed.append("closed_at")
        if changed:
            case.save(update_fields=[*changed, "updated_at"])
    except Exception:  # the host must never fail because of our bookkeeping
        logger.exception("case record of ticket %s not updated", followup.ticket_id)


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


def match_request_type(text: str) -> RequestType | None:
    """The one active request type an agent means by ``text`` (the counter mode's topic): by
    its name, else the registered search's clear favourite; None when that is not clear."""
    return request_type_search.the_one_meant(list(RequestType.objects.filter(active=True)), text)


# --- Departments ------------------------------------------------------------------------------
def is_department_member(user: Any, queue: Queue) -> bool:
    """Whether ``user`` belongs to the department of ``queue`` itself (superusers count): the
    service center's group reaches every queue, but that does not make it the department."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return (
        user.groups.filter(permissions=queue_permission(queue))
        .exclude(name=SERVICE_CENTER_GROUP)
        .exists()
    )


def queue_permission(queue: Queue) -> Permission:
    return Permission.objects.get(
        content_type__app_label="helpdesk", codename=queue.permission_name.split(".", 1)[1]
    )


@transaction.atomic
def setup_service_center(title: str = "Servicecenter", email: str = "") -> Queue:
    """The 1st-level queue: where citizens' requests from every channel arrive.

    Like every queue it is closed to the host's public submission (allow_public_submission):
    the host would list a public queue's tickets to every clerk. Citizens reach it through our
    own form (ulm_channels), which puts their requests here."""
    queue, _ = Queue.objects.get_or_create(
        slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"),
        defaults={
            "title": title,
            "email_address": email or None,
            "locale": "de",
            "allow_public_submission": False,
            "allow_email_submission": True,
        },
    )
    group, _ = Group.objects.get_or_create(name=SERVICE_CENTER_GROUP)
    group.permissions.add(queue_permission(queue))
    return queue


@transaction.atomic
def setup_department(title: str, slug: str, email: str = "") -> Queue:
    """A specialist department (2nd level): a closed queue and a group with access to it alone.

    The service center's group gets access as well, so that the 1st level can tell a citizen
    where their request stands after it was handed on."""
    queue, _ = Queue.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "email_address": email or None,
            "locale": "de",
            "allow_public_submission": False,
            "allow_email_submission": False,
        },
    )
    permission = queue_permission(queue)
    department_group, _ = Group.objects.get_or_create(name=title)
    department_group.permissions.add(permission)
    service_center, _ = Group.objects.get_or_create(name=SERVICE_CENTER_GROUP)
    service_center.permissions.add(permission)
    return queue


def sync_site() -> None:
    """The host writes links in mails from the current Site: keep it in step with SITE_URL."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": domain, "name": conf.get("ULM_SERVICEPOINT_CITY_NAME")},
    )


def service_center_queue() -> Queue:
    return Queue.objects.get(slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"))


# --- Worker heartbeat -------------------------------------------------------------------------
def record_heartbeat(source: str, token: str = "") -> WorkerHeartbeat:
    """Called by the worker: proves that it runs and reaches the database."""
    return WorkerHeartbeat.objects.create(source=source, token=token, worker_pid=os.getpid())


def request_worker_ping() -> str:
    """Enqueues a ping job for the worker; returns the token its heartbeat will carry."""
    from ulm_servicepoint.jobs import ping

    token = secrets.token_hex(16)
    ping.defer(token=token)
    return token


def worker_status() -> dict[str, object]:
    """What /healthz reports about the worker."""
    last = WorkerHeartbeat.objects.filter(source=WorkerHeartbeat.Source.PERIODIC).first()
    stale_after = timedelta(seconds=conf.get("ULM_SERVICEPOINT_WORKER_STALE_SECONDS"))
    return {
        "last_seen": last.created_at.isoformat() if last else None,
        "ok": bool(last and timezone.now() - last.created_at <= stale_after),
    }


def prune_heartbeats(keep: timedelta = timedelta(days=1)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(created_at__lt=timezone.now() - keep).delete()
    return deleted


# --- Demo data "Stadt Ulm (Demo)" ---------------------------------------------------------------
DEMO_PASSWORD = "ulm-demo-2026"  # noqa: S105 - printed by `make run`; demo installations only

DEMO_DEPARTMENTS = [
    ("Bürgerdienste", "buergerdienste"),
    ("Kfz-Zulassung", "kfz-zulassung"),
    ("Ordnungsamt", "ordnungsamt"),
    ("Standesamt", "standesamt"),
    ("Abfallwirtschaft", "abfallwirtschaft"),
    ("Bauordnung", "bauordnung"),
    ("Steuern", "steuern"),
    ("Soziales", "soziales"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = [
    DemoLogin("admin", "Administration (alle Rechte)"),
    DemoLogin("anna.agentin", "Servicecenter-Agentin (1st level)"),
    DemoLogin("karl.kfz", "Sachbearbeiter Kfz-Zulassung"),
    DemoLogin("berta.abfall", "Sachbearbeiterin Abfallwirtschaft"),
    # made by `manage.py load_demo_routing` (make run), with a clerk and a head per department
    DemoLogin("olga.ordnung", "Sachbearbeiterin Ordnungsamt"),
    DemoLogin("lena.leitung", "Servicecenter-Leitung"),
]

DEMO_TICKETS = [
    # (queue slug, title, submitter, description, status, days ago)
    (
        "servicecenter",
        "Frage zu Öffnungszeiten des Bürgerbüros",
        "maria.mueller@example.org",
        "Guten Tag, hat das Bürgerbüro am Samstag geöffnet? "
        "Ich brauche einen neuen Personalausweis.",
        Ticket.OPEN_STATUS,
        0,
    ),
    (
        "servicecenter",
        "Sperrmüll-Abholung anmelden",
        "j.schneider@example.org",
        "Ich möchte einen alten Schrank und ein Sofa abholen lassen. Wie melde ich das an?",
        Ticket.OPEN_STATUS,
        1,
    ),
    (
        "kfz-zulassung",
        "Wunschkennzeichen UL-AB 123 reservieren",
        "peter.wagner@example.org",
        "Ist das Kennzeichen UL-AB 123 noch frei? Ich möchte es für mein neues Auto reservieren.",
        Ticket.OPEN_STATUS,
        2,
    ),
    (
        "abfallwirtschaft",
        "Gelbe Tonne nicht geleert",
        "s.fischer@example.org",
        "In der Frauenstraße 12 wurde die Gelbe Tonne am Dienstag nicht geleert.",
        Ticket.RESOLVED_STATUS,
        5,
    ),
    (
        "ordnungsamt",
        "Lärmbeschwerde Baustelle Neue Straße",
        "k.weber@example.org",
        "Auf der Baustelle in der Neuen Straße wird seit Tagen ab 5 Uhr morgens gearbeitet.",
        Ticket.CLOSED_STATUS,
        9,
    ),
    (
        "standesamt",
        "Geburtsurkunde für Rentenantrag",
        "h.becker@example.org",
        "Ich brauche eine beglaubigte Geburtsurkunde für meinen Rentenantrag. "
        "Geburtsort Ulm, 1961.",
        Ticket.REOPENED_STATUS,
        14,
    ),
]


def demo_loaded() -> bool:
    return Queue.objects.filter(
        slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
    ).exists() and (get_user_model().objects.filter(username="anna.agentin").exists())


@transaction.atomic
def load_demo_request_types() -> int:
    """The demo city's twelve request types with their schemas; adds only what is missing.
    Returns how many types were created."""
    from ulm_servicepoint.demo_request_types import DEMO_REQUEST_TYPES

    created = 0
    for spec in DEMO_REQUEST_TYPES:
        request_type, new = RequestType.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "topic_group": spec["topic_group"],
                "default_queue": Queue.objects.get(slug=spec["queue"]),
                "leika_keys": spec["leika"],
                "description": spec["description"],
                "description_easy": spec["easy"],
            },
        )
        if not new:
            continue
        created += 1
        for position, (key, label, kind, required, audience, extra) in enumerate(spec["fields"]):
            CaptureField.objects.create(
                request_type=request_type,
                position=position,
                key=key,
                label=label,
                field_type=kind,
                required=required,
                audience=audience,
                help_text=extra.get("help", ""),
                choices="\n".join(extra.get("choices", [])),
                pattern=extra.get("pattern", ""),
                pattern_example=extra.get("example", ""),
            )
        publish_schema(request_type)
    return created


DEMO_CASES: list[tuple[str, dict[str, Any], str, CitizenData, str, str]] = [
    # (request type, values, channel, citizen, outcome, answer)
    (
        "sperrmuell-abholung",
        {
            "abholadresse": {
                "street": "Frauenstraße",
                "house_number": "12",
                "postcode": "89073",
                "city": "Ulm",
            },
            "gegenstaende": "1 Sofa, 1 Schrank",
            "menge": "3",
            "elektro": False,
        },
        Channel.PHONE,
        CitizenData(name="Jonas Schneider", email="j.schneider@example.org", phone="0731 4455667"),
        Outcome.FORWARD,
        "",
    ),
    (
        "personalausweis",
        {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
        Channel.PHONE,
        CitizenData(name="Maria Müller", email="maria.mueller@example.org"),
        Outcome.FIRST_CONTACT,
        "Termin online buchen; biometrisches Foto und alten Ausweis mitbringen. Gebühr 37 Euro.",
    ),
    (
        "kfz-zulassung",
        {"vorgang": "Wunschkennzeichen", "kennzeichen": "UL-AB 123"},
        Channel.EMAIL,
        CitizenData(name="Peter Wagner", email="peter.wagner@example.org"),
        Outcome.FORWARD,
        "",
    ),
    (
        "laermbeschwerde",
        {"quelle": "Baustelle", "ort": "Neue Straße", "datum": "2026-11-20", "uhrzeit": "05:10"},
        Channel.COUNTER,
        CitizenData(name="Klara Weber", phone="0731 98765"),
        Outcome.OPEN,
        "",
    ),
]


@transaction.atomic
def load_demo_cases() -> int:
    """A few captured requests for `make run`'s demo (not for the tests' demo fixture, whose
    ticket counts stay as they are). Only when no case record exists yet."""
    if CaseRecord.objects.exists():
        return 0
    agent = get_user_model().objects.filter(username="anna.agentin").first()
    for slug, values, channel, citizen, outcome, answer in DEMO_CASES:
        capture_request(
            RequestType.objects.get(slug=slug),
            values,
            channel=channel,
            citizen=citizen,
            captured_by=agent,
            outcome=outcome,
            answer=answer,
        )
    return len(DEMO_CASES)


@transaction.atomic
def load_demo_data() -> bool:
    """Loads "Stadt Ulm (Demo)" once; returns False when it was there already (missing demo
    request types are still added, so an older demo installation gains them)."""
    if demo_loaded():
        load_demo_request_types()
        return False
    user_model = get_user_model()
    setup_service_center(email="servicecenter@ulm.example")
    for title, slug in DEMO_DEPARTMENTS:
        setup_department(title, slug, email=f"{slug}@ulm.example")
    Group.objects.get_or_create(name=ADMIN_GROUP)

    def make_user(username: str, first: str, last: str, groups: list[str], superuser: bool = False):
        user = user_model.objects.create_user(
            username=username,
            email=f"{username}@ulm.example",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    make_user("admin", "Ada", "Admin", [ADMIN_GROUP], superuser=True)
    agent = make_user("anna.agentin", "Anna", "Agentin", [SERVICE_CENTER_GROUP])
    make_user("karl.kfz", "Karl", "Kaiser", ["Kfz-Zulassung"])
    make_user("berta.abfall", "Berta", "Brandt", ["Abfallwirtschaft"])

    now = timezone.now()
    for slug, title, submitter, description, status, days_ago in DEMO_TICKETS:
        ticket = Ticket.objects.create(
            title=title,
            queue=Queue.objects.get(slug=slug),
            submitter_email=submitter,
            description=description,
            status=status,
            priority=3,
        )
        Ticket.objects.filter(pk=ticket.pk).update(created=now - timedelta(days=days_ago))
        FollowUp.objects.create(
            ticket=ticket,
            title="Anliegen erfasst",
            comment=description,
            public=True,
            user=None,
        )
        if status != Ticket.OPEN_STATUS:
            FollowUp.objects.create(
                ticket=ticket,
                title="Antwort an die Bürgerin / den Bürger",
                comment="Vielen Dank für Ihre Nachricht. Wir haben uns darum gekümmert.",
                public=True,
                user=agent,
                new_status=status,
            )
    load_demo_request_types()
    return True


# --- Retention (DSGVO Art. 17) -------------------------------------------------------------------
def apply_retention(now: datetime | None = None, limit: int | None = None):
    """Anonymises closed requests past the retention period; see ``retention``."""
    from ulm_servicepoint import retention

    return retention.apply_retention(now=now, limit=limit)
