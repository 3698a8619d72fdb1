"""Existing sent-mail rows join the outbox.

Every row written before the outbox was a mail to the ticket's submitter (acknowledgement,
interim notice, answer): it is marked ``to_citizen`` with its one recipient as the envelope.
"pending" becomes "queued". A row not sent yet gets the complete message it will be sent as
(built the way the old sender built it: the same headers, the queue's sender address), so that
the worker, which now sends only recorded bytes, can deliver it. Reversible: the status goes
back to "pending"; mails about no ticket, which the old table could not hold, are deleted; the
new columns are dropped by the schema migration before this one.
"""

from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import migrations
from django.utils import timezone

UNSENT = ("pending", "failed")


def forwards(apps, schema_editor):
    OutboundMail = apps.get_model("ulm_channels", "OutboundMail")
    now = timezone.now()
    for mail in OutboundMail.objects.select_related("ticket__queue").iterator():
        mail.to_citizen = True
        mail.recipients = [mail.recipient] if mail.recipient else []
        if mail.status == "pending":
            mail.status = "queued"
        if mail.status in ("queued", "failed") and mail.recipient:
            queue = mail.ticket.queue  # historical model: the host's from_address by hand
            sender = (
                f"{queue.title} <{queue.email_address}>"
                if queue.email_address
                else settings.DEFAULT_FROM_EMAIL
            )
            headers = {"Message-ID": mail.message_id}
            if mail.in_reply_to:
                headers["In-Reply-To"] = mail.in_reply_to
            if mail.references:
                headers["References"] = mail.references
            if mail.automatic:
                headers["Auto-Submitted"] = "auto-replied"
                headers["X-Auto-Response-Suppress"] = "All"
            message = EmailMessage(
                subject=" ".join(mail.subject.split()),
                body=mail.body,
                from_email=sender,
                to=[mail.recipient],
                headers=headers,
            )
            mail.raw = message.message().as_bytes(linesep="\r\n")
            mail.sender = parseaddr(sender)[1]
            mail.next_attempt_at = now
        mail.save()


def backwards(apps, schema_editor):
    OutboundMail = apps.get_model("ulm_channels", "OutboundMail")
    OutboundMail.objects.filter(ticket__isnull=True).delete()
    OutboundMail.objects.filter(status="queued").update(status="pending")
    OutboundMail.objects.filter(status="failed_permanently").update(status="failed")


class Migration(migrations.Migration):
    dependencies = [("ulm_channels", "0004_outbox")]

    operations = [migrations.RunPython(forwards, backwards)]
