"""Retention in the channels: what they keep about a ticket is erased when the retention rule
anonymises it, and raw copies of received mail are deleted after their own period.

``ulm_servicepoint.retention`` anonymises closed requests after the period the forms state and
sends ``tickets_anonymised`` for each batch; this erases the channels' copies of the same
personal data, set-based and inside the same transaction: the citizen's private link (the
status page stops working), the caller's number of calls captured for the ticket, the raw
received mails and their sender and subject, the sent mails' recipients, subject, text and
the message itself, a released held submission's details, values and files, and the text of
the citizen's satisfaction rating comment (it becomes „(gelöscht)“: its level and the fact
that there was a comment stay, for the anonymous figures).
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ulm_channels import conf
from ulm_channels.models import (
    Call,
    CitizenLink,
    HeldFile,
    HeldSubmission,
    InboundMail,
    OutboundMail,
)
from ulm_channels.satisfaction import erase_rating_comments


def erase_ticket_data(ticket_id: int) -> None:
    erase_tickets_data([ticket_id])


def erase_tickets_data(ticket_ids: list[int]) -> None:
    CitizenLink.objects.filter(ticket_id__in=ticket_ids).delete()
    erase_rating_comments(ticket_ids)
    Call.objects.filter(ticket_id__in=ticket_ids).update(caller="", caller_normalised="")
    InboundMail.objects.filter(ticket_id__in=ticket_ids).update(raw=b"", sender="", subject="")
    OutboundMail.objects.filter(ticket_id__in=ticket_ids).update(
        recipient="",
        recipients=[],
        subject="",
        body="",
        raw=b"",
        references="",
        in_reply_to="",
        last_error="",
    )
    for held in HeldSubmission.objects.filter(ticket_id__in=ticket_ids):
        if held.attachment:
            held.attachment.delete(save=False)
        for held_file in HeldFile.objects.filter(held=held):
            held_file.file.delete(save=False)
            held_file.delete()
        HeldSubmission.objects.filter(pk=held.pk).update(
            name="",
            email="",
            phone="",
            subject="",
            message="",
            values={},
            ip_address=None,
            attachment="",
        )


def prune_received_mail() -> int:
    """Deletes raw copies of received mail older than the retention period."""
    cutoff = timezone.now() - timedelta(days=conf.get("ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS"))
    deleted, _ = InboundMail.objects.filter(created_at__lt=cutoff).delete()
    return deleted
