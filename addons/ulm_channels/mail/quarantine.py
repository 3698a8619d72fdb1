"""Staff's decisions on received mail that made no ticket (the admin's actions): run it through
the pipeline again, open a ticket from it anyway, or discard it."""

from __future__ import annotations

from ulm_channels.mail import intake
from ulm_channels.models import InboundMail


def _reopen_for_processing(record_id: int) -> bool:
    """Only mail that made no ticket or follow-up can be processed again (never twice)."""
    return bool(
        InboundMail.objects.filter(pk=record_id, ticket__isnull=True)
        .exclude(outcome=InboundMail.Outcome.DUPLICATE)
        .update(outcome=InboundMail.Outcome.PENDING)
    )


def retry_mail(record_id: int):
    """Admin: runs a quarantined message through the pipeline again."""
    _reopen_for_processing(record_id)
    return intake.process(record_id)


def create_ticket_from_mail(record_id: int):
    """Admin: opens a ticket from a quarantined message anyway (spam or not understood)."""
    if not _reopen_for_processing(record_id):
        return intake.Result.of(InboundMail.objects.get(pk=record_id))
    return intake.process(record_id, force_ticket=True)


def discard_mail(record_id: int) -> None:
    """Admin: no ticket from this message; the raw copy stays for the retention period."""
    InboundMail.objects.filter(pk=record_id, ticket__isnull=True).update(
        outcome=InboundMail.Outcome.DISCARDED
    )
