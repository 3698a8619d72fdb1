"""Verbs of ulm_channels: what arrives through a channel becomes a ticket in the service center.

The web form hands its cleaned values to ``intake_web_request`` (spam checks, rate limit) or
``submit_web_request`` (the ticket). The ticket itself is written by the host's own
``PublicTicketForm`` (ticket, first follow-up, attachment, the ``new_ticket_done`` signal), so
that we do not duplicate the host's logic; the queue is the service center's, fixed by
``HELPDESK_PUBLIC_TICKET_QUEUE``. The citizen's confirmation mail is ours: it carries the private
link to our status page (``CitizenLink``) instead of the host's.

Phone calls are recorded by ``record_call_event`` (the PBX's events, see phone.py).

E-mail goes through ``ingest_message`` / ``ingest_paths`` / ``poll_mailboxes`` (the work is in
the ``mail`` subpackage). Every mail the product sends — ours, the host's, any addon's
``send_mail`` — goes through the outbox (``mail/outbox.py``, recorded in the transaction that
caused it) and is delivered by the worker (``send_outbound_mail``, ``send_due_mail``).
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from helpdesk.forms import PublicTicketForm
from helpdesk.lib import process_attachments, safe_template_context
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from ulm_channels import conf, phone
from ulm_channels.models import Call, CitizenLink, HeldFile, HeldSubmission, WebSubmission
from ulm_servicepoint.services import reference_of

logger = logging.getLogger(__name__)


class IntakeError(Exception):
    """The host refused a request our own validation accepted (a bug, never the citizen's fault)."""


@dataclass(frozen=True)
class WebRequest:
    """A citizen's submission through a public form. The contact form gives subject, message
    and an attachment; a typed form (``/anliegen/<slug>/``) also the request type's slug, its
    typed values (JSON, see ulm_servicepoint) and its files by field key."""

    subject: str
    message: str
    email: str
    name: str = ""
    attachment: UploadedFile | None = None
    phone: str = ""
    request_type: str = ""
    values: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)


@dataclass(frozen=True)
class IntakeResult:
    """What became of a submission: a ticket, or a submission kept aside for review."""

    ticket: Ticket | None = None
    held: HeldSubmission | None = None


class _IntakeTicketForm(PublicTicketForm):
    """The host's public form, except that the citizen's mail is ours (with our status link)."""

    @staticmethod
    def _send_messages(ticket, queue, followup, files, user=None):
        context = safe_template_context(ticket)
        context["comment"] = followup.comment
        roles = {"new_ticket_cc": ("newticket_cc", context), "ticket_cc": ("newticket_cc", context)}
        ticket.send(roles, dont_send_to={ticket.submitter_email}, fail_silently=True, files=files)


# --- Web forms --------------------------------------------------------------------------------
@transaction.atomic
def submit_web_request(request: WebRequest, ip_address: str | None = None) -> Ticket:
    """Files the request as a ticket in the service center and mails the citizen the link."""
    ticket = _typed_ticket(request) if request.request_type else _contact_ticket(request)
    CitizenLink.objects.create(ticket=ticket)
    WebSubmission.objects.create(email=request.email, ip_address=ip_address, ticket=ticket)
    send_confirmation(ticket)
    return ticket


def _typed_ticket(request: WebRequest) -> Ticket:
    """A typed form's request through ulm_servicepoint's one way in (channel Kontaktformular,
    the citizen deduplicated); our confirmation replaces the host's acknowledgement."""
    from ulm_servicepoint import services as servicepoint

    request_type = servicepoint.public_request_type(request.request_type)
    if request_type is None:
        raise IntakeError(f"no public request type {request.request_type!r}")
    case = servicepoint.capture_request(
        request_type,
        request.values,
        files=request.files,
        channel="web_form",
        audience="citizen",
        citizen=servicepoint.CitizenData(
            name=request.name, email=request.email, phone=request.phone, consent_contact=True
        ),
        message=request.message,
        acknowledge=False,
    )
    return case.ticket


def _contact_ticket(request: WebRequest) -> Ticket:
    """The general contact form's request, written by the host's own public form."""
    body = request.message
    if request.name:
        body = f"{body}\n\n— {request.name}"
    files = {"attachment": request.attachment} if request.attachment else None
    form = _IntakeTicketForm(
        data={"title": request.subject, "body": body, "submitter_email": request.email},
        files=files,
    )
    if not form.is_valid():
        raise IntakeError(form.errors.as_json())
    return form.save(user=None)


def over_rate_limit(email: str, ip_address: str | None) -> bool:
    """True when this e-mail or IP address sent more than its share within the window."""
    since = timezone.now() - timedelta(seconds=conf.get("ULM_CHANNELS_RATE_LIMIT_WINDOW"))
    recent = WebSubmission.objects.filter(created_at__gte=since)
    if recent.filter(email__iexact=email).count() >= conf.get("ULM_CHANNELS_RATE_LIMIT_PER_EMAIL"):
        return True
    return bool(
        ip_address
        and recent.filter(ip_address=ip_address).count()
        >= conf.get("ULM_CHANNELS_RATE_LIMIT_PER_IP")
    )


@transaction.atomic
def intake_web_request(
    request: WebRequest, ip_address: str | None = None, honeypot_filled: bool = False
) -> IntakeResult:
    """A public form's submission: a ticket, or, when it looks like spam (the hidden field was
    filled in, or the address sent too much) or could not be filed (an error on our side, rolled
    back), kept aside for staff to release. Never dropped."""
    reason = None
    if honeypot_filled:
        reason = HeldSubmission.Reason.HONEYPOT
    elif over_rate_limit(request.email, ip_address):
        reason = HeldSubmission.Reason.RATE_LIMIT
    if reason is None:
        try:
            with transaction.atomic():
                return IntakeResult(ticket=submit_web_request(request, ip_address))
        except Exception:  # whatever failed was rolled back; the citizen's request is kept
            logger.exception("web request from %s could not be filed; kept aside", request.email)
            reason = HeldSubmission.Reason.INTAKE_ERROR
    held = HeldSubmission(
        reason=reason,
        name=request.name,
        email=request.email,
        subject=request.subject,
        message=request.message,
        ip_address=ip_address,
        phone=request.phone,
        request_type=request.request_type,
        values=request.values,
    )
    if request.attachment:
        held.attachment_name = request.attachment.name or ""
        request.attachment.seek(0)
        held.attachment.save(f"{uuid.uuid4()}.bin", request.attachment, save=False)
    held.save()
    for key, upload in request.files.items():
        upload.seek(0)
        kept = HeldFile(held=held, key=key, name=upload.name or "")
        kept.file.save(f"{uuid.uuid4()}.bin", upload, save=False)
        kept.save()
    WebSubmission.objects.create(email=request.email, ip_address=ip_address)
    return IntakeResult(held=held)


def prune_web_submissions() -> int:
    """Deletes the rate limit's log older than its window (personal data: e-mail, IP address);
    held submissions that staff decided on lose their IP address. Returns the rows deleted."""
    since = timezone.now() - timedelta(seconds=conf.get("ULM_CHANNELS_RATE_LIMIT_WINDOW"))
    deleted, _rows = WebSubmission.objects.filter(created_at__lt=since).delete()
    HeldSubmission.objects.exclude(state=HeldSubmission.State.WAITING).exclude(
        ip_address=None
    ).update(ip_address=None)
    return deleted


@transaction.atomic
def release_held_submission(held: HeldSubmission) -> Ticket:
    """Staff found a held submission genuine: it becomes a ticket like any other."""
    held = HeldSubmission.objects.select_for_update().get(pk=held.pk)
    if held.state == HeldSubmission.State.RELEASED and held.ticket:
        return held.ticket
    attachment = None
    if held.attachment:
        held.attachment.open("rb")
        attachment = UploadedFile(
            held.attachment.file, name=held.attachment_name, size=held.attachment.size
        )
    kept = list(held.files.all())
    files = {}
    for item in kept:
        item.file.open("rb")
        files[item.key] = UploadedFile(item.file.file, name=item.name, size=item.file.size)
    ticket = submit_web_request(
        WebRequest(
            subject=held.subject,
            message=held.message,
            email=held.email,
            name=held.name,
            attachment=attachment,
            phone=held.phone,
            request_type=held.request_type,
            values=held.values,
            files=files,
        ),
        ip_address=held.ip_address,
    )
    if held.attachment:
        held.attachment.close()
        held.attachment.delete(save=False)
    for item in kept:
        item.file.close()
        item.file.delete(save=False)
        item.delete()
    held.state = HeldSubmission.State.RELEASED
    held.ticket = ticket
    held.save()
    return ticket


@transaction.atomic
def discard_held_submission(held: HeldSubmission) -> None:
    """Staff found a held submission to be spam: marked (kept for the record), file removed."""
    if held.attachment:
        held.attachment.delete(save=False)
    for item in held.files.all():
        item.file.delete(save=False)
        item.delete()
    held.state = HeldSubmission.State.DISCARDED
    held.save()


# --- The citizen's private link and status page ----------------------------------------------
def citizen_link(ticket: Ticket) -> CitizenLink:
    link, _created = CitizenLink.objects.get_or_create(ticket=ticket)
    return link


def status_url(ticket: Ticket) -> str:
    """The citizen's private link to their request on our status page (absolute, for mails)."""
    path = reverse("ulm_channels:status", args=[citizen_link(ticket).token])
    return settings.SITE_URL.rstrip("/") + path


def link_for_token(token: uuid.UUID | str) -> CitizenLink | None:
    """The one place that says which ticket a citizen's private link opens (or None)."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return CitizenLink.objects.select_related("ticket", "ticket__queue").filter(token=token).first()


def status_path_for_host_link(ticket_ref: str, email: str, key: str) -> str | None:
    """Our status page for the host's public link (``ticket``, ``email``, ``key``), which the
    host's own mails carry (e.g. on an agent's reply); None unless all three fit a web ticket."""
    if not (ticket_ref and email and key):
        return None
    try:
        _queue, ticket_id = Ticket.queue_and_id_from_query(ticket_ref)
        ticket_id = int(ticket_id)
    except (ValueError, TypeError):
        return None
    link = CitizenLink.objects.filter(
        ticket_id=ticket_id,
        ticket__submitter_email__iexact=email,
        ticket__secret_key__iexact=key,
    ).first()
    return reverse("ulm_channels:status", args=[link.token]) if link else None


def public_followups(ticket: Ticket) -> QuerySet[FollowUp]:
    """What the citizen sees of the ticket's history: public follow-ups only, oldest first."""
    return (
        FollowUp.objects.filter(ticket=ticket, public=True)
        .select_related("user")
        .prefetch_related("followupattachment_set")
        .order_by("date", "pk")
    )


def citizen_attachment(token: uuid.UUID | str, attachment_id: int) -> FollowUpAttachment | None:
    """An attachment the citizen's private link may download: of a public follow-up of the
    link's own ticket. Everything else does not exist for them."""
    link = link_for_token(token)
    if link is None:
        return None
    return FollowUpAttachment.objects.filter(
        pk=attachment_id, followup__ticket=link.ticket, followup__public=True
    ).first()


@transaction.atomic
def add_citizen_message(
    link: CitizenLink, message: str, attachment: UploadedFile | None = None
) -> FollowUp:
    """The citizen adds a message or a file on the status page: a public follow-up; a resolved
    or closed request is reopened so that the service center sees it again."""
    ticket = Ticket.objects.select_for_update().get(pk=link.ticket_id)
    reopen = ticket.status in (Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS)
    followup = FollowUp.objects.create(
        ticket=ticket,
        title=_("Message from the citizen"),
        comment=message,
        public=True,
        user=None,
        new_status=Ticket.REOPENED_STATUS if reopen else None,
    )
    if attachment:
        process_attachments(followup, [attachment])
    if reopen:
        ticket.status = Ticket.REOPENED_STATUS
        ticket.save(update_fields=["status", "modified"])
    announce_citizen_reply(ticket, followup)
    return followup


def announce_citizen_reply(ticket: Ticket, followup: FollowUp) -> None:
    """Tells other addons (ulm_routing: a handoff waiting for the citizen) that the citizen
    replied, in the transaction that stores the reply; a failing receiver is logged, never
    stops the reply."""
    from ulm_servicepoint.services import citizen_replied

    for receiver, result in citizen_replied.send_robust(
        sender="ulm_channels", ticket=ticket, followup=followup
    ):
        if isinstance(result, Exception):
            logger.error("citizen_replied receiver %r failed", receiver, exc_info=result)


def send_confirmation(ticket: Ticket):
    """The citizen's German confirmation with the reference and the private status link,
    recorded in the outbox with the request (the worker sends it after the commit; a mail
    server that is down delays it, never loses it). None when there is no address to send to
    (then the confirmation page says how the answer comes)."""
    from ulm_channels.mail import outbound
    from ulm_channels.models import OutboundMail

    with translation.override("de"):
        ref = reference_of(ticket)
        context = {"ticket": ticket, "reference": ref, "status_url": status_url(ticket)}
        subject = _("[%(reference)s] Your request: %(title)s") % {
            "reference": ref,
            "title": ticket.title,
        }
        body = render_to_string("ulm_channels/email/confirmation.txt", context)
    return outbound.queue_mail(
        ticket, OutboundMail.Kind.CONFIRMATION, subject, body, automatic=outbound.AUTO_GENERATED
    )


def confirmation_mail(ticket: Ticket):
    """The confirmation mail of a web request (its state for the confirmation page), or None
    when none was recorded (no address, or one a bounce reported undeliverable)."""
    from ulm_channels.models import OutboundMail

    return (
        OutboundMail.objects.filter(ticket=ticket, kind=OutboundMail.Kind.CONFIRMATION)
        .order_by("created_at", "id")
        .first()
    )


# --- Phone ------------------------------------------------------------------------------------
def record_call_event(event: phone.CallEvent) -> Call:
    """One event from the PBX (new call, answered, hang-up) applied to its call's record."""
    return phone.apply_event(event)


def reachability(since: datetime, until: datetime | None = None) -> phone.Reachability:
    """The reachability KPI: share of inbound calls answered within the promised seconds."""
    return phone.reachability(since, until or timezone.now())


def caller_tickets(number: str, user) -> QuerySet[Ticket]:
    """Open requests of a known caller that ``user`` may see (for the agent's capture link)."""
    from ulm_servicepoint.services import tickets_visible_to

    normalised = phone.normalise_number(number)
    if not normalised:
        return Ticket.objects.none()
    ids = phone.tickets_of_caller(normalised)
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


# --- E-mail gateway (issue 4): the verbs; the work is in ulm_channels.mail --------------------
def ingest_message(raw: bytes, source: str, mailbox=None):
    """One received message through the whole pipeline: stored raw first, then parsed,
    classified, threaded and stored as ticket or follow-up, or kept aside. Returns its
    ``Result`` (outcome, ticket, reason)."""
    from ulm_channels.mail import intake

    return intake.ingest(raw, source, mailbox)


def ingest_paths(paths, on_result=None) -> dict[str, int]:
    """``ingest_mail``: every message in the files, directories, mbox and Maildir given, in
    order; returns the counts per outcome."""
    from pathlib import Path

    from ulm_channels.mail import sources

    summary = dict.fromkeys(
        ["messages", "tickets", "followups", "ignored", "quarantined", "duplicates"], 0
    )
    plural = {"ticket": "tickets", "followup": "followups", "duplicate": "duplicates"}
    for path in paths:
        for source, raw in sources.read(Path(path)):
            result = ingest_message(raw, source)
            summary["messages"] += 1
            summary[plural.get(result.outcome, result.outcome)] += 1
            if on_result is not None:
                on_result(source, result)
    return summary


def _reopen_for_processing(record_id: int) -> bool:
    """Only mail that made no ticket or follow-up can be processed again (never twice)."""
    from ulm_channels.models import InboundMail

    return bool(
        InboundMail.objects.filter(pk=record_id, ticket__isnull=True)
        .exclude(outcome=InboundMail.Outcome.DUPLICATE)
        .update(outcome=InboundMail.Outcome.PENDING)
    )


def retry_mail(record_id: int):
    """Admin: runs a quarantined message through the pipeline again."""
    from ulm_channels.mail import intake

    _reopen_for_processing(record_id)
    return intake.process(record_id)


def create_ticket_from_mail(record_id: int):
    """Admin: opens a ticket from a quarantined message anyway (spam or not understood)."""
    from ulm_channels.mail import intake
    from ulm_channels.models import InboundMail

    if not _reopen_for_processing(record_id):
        return intake.Result.of(InboundMail.objects.get(pk=record_id))
    return intake.process(record_id, force_ticket=True)


def discard_mail(record_id: int) -> None:
    """Admin: no ticket from this message; the raw copy stays for the retention period."""
    from ulm_channels.models import InboundMail

    InboundMail.objects.filter(pk=record_id, ticket__isnull=True).update(
        outcome=InboundMail.Outcome.DISCARDED
    )


# --- The outbox: every mail the product sends (mail/outbox.py, mail/delivery.py) --------------
def send_outbound_mail(outbound_id: int) -> dict[str, int]:
    """The worker: delivers one recorded mail if it is still waiting and due."""
    from ulm_channels.mail import delivery

    return delivery.deliver([outbound_id])


def send_due_mail(now: datetime | None = None) -> dict[str, int]:
    """The worker's sweep: delivers every waiting mail whose time has come (also those whose
    job was lost); returns the counts per outcome ("sent", "failed", …)."""
    from ulm_channels.mail import delivery

    return delivery.deliver_due(now)


def send_mail_again(mail) -> bool:
    """Staff ("Erneut senden"): a failed or bounced mail is queued once more; never a sent one."""
    from ulm_channels.mail import outbox

    return outbox.send_again(mail)


def outbound_message(mail):
    """A recorded mail's message as it is sent (headers and parts), for reading; None when it
    was never built or has been erased."""
    import email
    import email.policy

    if not mail.raw:
        return None
    return email.message_from_bytes(bytes(mail.raw), policy=email.policy.default)


def ticket_mails(ticket: Ticket, user, limit: int = 50):
    """The mails about ``ticket`` for its page, newest first (at most ``limit``); None for a
    user who may not see the ticket (``ulm_servicepoint.services.tickets_visible_to``)."""
    from ulm_channels.models import OutboundMail
    from ulm_servicepoint.services import tickets_visible_to

    if user is None or not tickets_visible_to(user).filter(pk=ticket.pk).exists():
        return None
    return list(
        OutboundMail.objects.filter(ticket=ticket)
        .defer("raw", "body")
        .order_by("-created_at", "-id")[:limit]
    )


def send_interim_notice(ticket: Ticket, department: str):
    from ulm_channels.mail import outbound

    return outbound.interim_notice(ticket, department)


def send_answer(ticket: Ticket, text: str):
    from ulm_channels.mail import outbound

    return outbound.answer(ticket, text)


def poll_mailboxes() -> dict[str, int]:
    """The worker's poll of every active IMAP mailbox; a failing mailbox stops no other."""
    from ulm_channels.mail import imap

    return imap.poll_all()


def prune_received_mail() -> int:
    """Deletes raw copies of received mail older than the retention period."""
    from datetime import timedelta

    from django.utils import timezone

    from ulm_channels import conf
    from ulm_channels.models import InboundMail

    cutoff = timezone.now() - timedelta(days=conf.get("ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS"))
    deleted, _ = InboundMail.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def request_mail_poll() -> None:
    """Admin: asks the worker to fetch mail now."""
    from ulm_channels.jobs import poll_mail_now

    poll_mail_now.defer()
