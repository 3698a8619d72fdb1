"""The e-mail gateway's records: mailboxes, every message received (raw), every mail sent."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mailbox(models.Model):
    """An IMAP mailbox the worker polls. The password comes from the environment variable
    named in ``password_env``, never from the database."""

    name = models.CharField(_("mailbox name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP server"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(_("TLS (IMAPS)"), default=True)
    starttls = models.BooleanField(_("STARTTLS"), default=False)
    username = models.CharField(_("user name"), max_length=255)
    password_env = models.CharField(
        _("environment variable with the password"), max_length=100, blank=True
    )
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    done_folder = models.CharField(
        _("folder for processed mail"),
        max_length=255,
        blank=True,
        help_text=_("Empty: processed mail stays in the folder and is flagged as seen."),
    )
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name


class InboundMail(models.Model):
    """One message as it arrived, stored raw before parsing, with the pipeline's outcome.

    ``content_hash`` makes a re-delivered copy a no-op; ``message_id`` makes a second copy
    with the same Message-ID a recorded duplicate."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("pending")
        TICKET = "ticket", _("new ticket")
        FOLLOWUP = "followup", _("follow-up")
        IGNORED = "ignored", _("ignored")
        QUARANTINED = "quarantined", _("quarantined")
        DUPLICATE = "duplicate", _("duplicate")
        DISCARDED = "discarded", _("discarded")

    source = models.CharField(_("source"), max_length=1000)
    mailbox = models.ForeignKey(
        Mailbox, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("mailbox")
    )
    message_id = models.CharField(_("Message-ID"), max_length=998, blank=True, db_index=True)
    content_hash = models.CharField(_("SHA-256"), max_length=64, unique=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size"), default=0)
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    sender = models.CharField(_("sender"), max_length=254, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    reason = models.TextField(_("reason"), blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inbound_mails",
        verbose_name=_("ticket"),
    )
    followup = models.ForeignKey(
        "helpdesk.FollowUp",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("follow-up"),
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("received e-mail")
        verbose_name_plural = _("received e-mails")

    def __str__(self) -> str:
        return self.subject or self.message_id or self.content_hash[:12]


class OutboundMail(models.Model):
    """One mail the city sends, recorded in the transaction that caused it (the outbox).

    It keeps the envelope (sender, every recipient including cc and bcc) and the complete
    message as Django built it (``raw``), so that the worker sends exactly what was recorded,
    and its delivery state. Its Message-ID threads the citizen's reply back to the ticket; a
    bounce is matched to it. Written by ``ulm_channels.mail.outbox.record``, delivered by
    ``ulm_channels.mail.delivery.deliver``."""

    class Kind(models.TextChoices):
        NOTIFICATION = "notification", _("helpdesk notification")
        CONFIRMATION = "confirmation", _("confirmation of a web request")
        CAPTURE_ACKNOWLEDGEMENT = "capture_ack", _("acknowledgement of a captured request")
        ACKNOWLEDGEMENT = "acknowledgement", _("acknowledgement of an e-mail")
        INTERIM = "interim", _("interim notice")
        ANSWER = "answer", _("answer")
        REMINDER = "reminder", _("reminder")
        ESCALATION = "escalation", _("escalation")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting to be sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("sending failed, will be retried")
        FAILED_PERMANENTLY = "failed_permanently", _("sending failed permanently")
        BOUNCED = "bounced", _("undeliverable (bounced)")

    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_mails",
        verbose_name=_("ticket"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    automatic = models.BooleanField(_("automatic"), default=False)
    to_citizen = models.BooleanField(
        _("to the citizen"),
        default=False,
        help_text=_("Sent to the ticket's submitter: carries the ticket's thread headers."),
    )
    asks_rating = models.BooleanField(
        _("asks for a rating"),
        default=False,
        help_text=_("Carries the links of the citizen's satisfaction rating (the first answer)."),
    )
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    sender = models.CharField(_("envelope sender"), max_length=998, blank=True)
    recipient = models.CharField(_("recipient"), max_length=998, blank=True)
    recipients = ArrayField(
        models.CharField(max_length=998),
        verbose_name=_("envelope recipients"),
        default=list,
        blank=True,
        help_text=_("Every address the mail goes to, including cc and bcc."),
    )
    subject = models.CharField(_("subject"), max_length=500, blank=True)
    body = models.TextField(_("text"), blank=True)
    raw = models.BinaryField(_("message as sent"), default=bytes, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="ulm_outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.FAILED)


class UndeliverableAddress(models.Model):
    """A citizen's address a bounce reported as undeliverable: no more automatic mail to it."""

    address = models.EmailField(_("address"), unique=True)
    reason = models.TextField(_("reason"), blank=True)
    outbound = models.ForeignKey(
        OutboundMail,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("bounced mail"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["address"]
        verbose_name = _("undeliverable address")
        verbose_name_plural = _("undeliverable addresses")

    def __str__(self) -> str:
        return self.address
