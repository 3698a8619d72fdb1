"""Verbs of ulm_channels: what arrives through a channel becomes a ticket in the service center.

The web form hands its cleaned values to ``submit_web_request``. The ticket itself is written by
the host's own ``PublicTicketForm`` (ticket, first follow-up, the German acknowledgement from the
host's mail templates, the ``new_ticket_done`` signal), so that we do not duplicate the host's
logic; the queue is the service center's, fixed by ``HELPDESK_PUBLIC_TICKET_QUEUE``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from helpdesk.forms import PublicTicketForm
from helpdesk.models import Ticket


class IntakeError(Exception):
    """The host refused a request our own validation accepted (a bug, never the citizen's fault)."""


@dataclass(frozen=True)
class WebRequest:
    subject: str
    message: str
    email: str
    name: str = ""


@transaction.atomic
def submit_web_request(request: WebRequest) -> Ticket:
    body = request.message
    if request.name:
        body = f"{body}\n\n— {request.name}"
    form = PublicTicketForm(
        data={"title": request.subject, "body": body, "submitter_email": request.email}
    )
    if not form.is_valid():
        raise IntakeError(form.errors.as_json())
    return form.save(user=None)


def status_url(ticket: Ticket) -> str:
    """The citizen's private link to their request (ticket number, e-mail and secret key)."""
    return ticket.ticket_url


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


def send_outbound_mail(outbound_id: int) -> bool:
    from ulm_channels.mail import outbound

    return outbound.deliver(outbound_id)


def send_pending_mail() -> int:
    """The worker's sweep: sends what is waiting and retries what failed; returns how many
    went out."""
    from ulm_channels.mail import outbound

    sent = 0
    for outbound_id in outbound.pending_ids():
        try:
            sent += bool(outbound.deliver(outbound_id))
        except outbound.SendFailed:
            continue
    return sent


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
