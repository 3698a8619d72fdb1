"""What the channels keep about a ticket is erased when the retention rule anonymises it.

``ulm_servicepoint.retention`` anonymises closed requests after the period the forms state and
sends ``ticket_anonymised``; this erases the channels' copies of the same personal data, inside
the same transaction: the citizen's private link (the status page stops working), the caller's
number of calls captured for the ticket, the raw received mails and their sender and subject,
the sent mails' recipient, subject and text, and a released held submission's details.
"""

from __future__ import annotations

from ulm_channels.models import Call, CitizenLink, HeldSubmission, InboundMail, OutboundMail


def erase_ticket_data(ticket_id: int) -> None:
    CitizenLink.objects.filter(ticket_id=ticket_id).delete()
    Call.objects.filter(ticket_id=ticket_id).update(caller="", caller_normalised="")
    InboundMail.objects.filter(ticket_id=ticket_id).update(raw=b"", sender="", subject="")
    OutboundMail.objects.filter(ticket_id=ticket_id).update(
        recipient="", subject="", body="", references="", in_reply_to=""
    )
    for held in HeldSubmission.objects.filter(ticket_id=ticket_id):
        if held.attachment:
            held.attachment.delete(save=False)
        HeldSubmission.objects.filter(pk=held.pk).update(
            name="", email="", subject="", message="", ip_address=None, attachment=""
        )
