"""The public web forms' intake: a submission becomes a ticket in the service center, or is kept
aside for staff (spam checks, rate limit, an error on our side) and released or discarded later.

The contact form's ticket is written by the host's own ``PublicTicketForm`` (ticket, first
follow-up, attachment, the ``new_ticket_done`` signal), so that we do not duplicate the host's
logic; the queue is the service center's, fixed by ``HELPDESK_PUBLIC_TICKET_QUEUE``. A typed form
(``/anliegen/<slug>/``) goes through ulm_servicepoint's ``capture_request``. The citizen's
confirmation mail is ours (``status.send_confirmation``): it carries the private link to our status
page instead of the host's.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from helpdesk.forms import PublicTicketForm
from helpdesk.lib import safe_template_context
from helpdesk.models import Ticket

from ulm_channels import conf
from ulm_channels.models import CitizenLink, HeldFile, HeldSubmission, WebSubmission
from ulm_channels.status import send_confirmation

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
    from ulm_servicepoint import services as servicepoint

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
    ticket = form.save(user=None)
    # the host's form knows no channel: without this the key figures count it as "other"
    servicepoint.set_channel(ticket, "web_form")
    return ticket


def over_rate_limit(email: str, ip_address: str | None) -> bool:
    """True when this e-mail or IP address sent more than its share within the window."""
    since = timezone.now() - timedelta(seconds=conf.get("ULM_CHANNELS_RATE_LIMIT_WINDOW"))
    recent = WebSubmission.objects.filter(created_at__gte=since, form=WebSubmission.Form.REQUEST)
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
    back), kept aside for staff to release. Never dropped (also before the city is set up:
    released once ``init_city`` has run)."""
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
