"""The web channel: the citizen's private link, the log that rate limiting counts, and the
submissions kept aside for review (spam suspicion: nothing a citizen sends is ever dropped)."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class CitizenLink(models.Model):
    """The citizen's private status link to one ticket (an unguessable random UUID)."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="citizen_link",
        verbose_name=_("ticket"),
    )
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("citizen link")
        verbose_name_plural = _("citizen links")

    def __str__(self) -> str:
        return f"{self.ticket_id}"


class WebSubmission(models.Model):
    """One submission through a public form: what the rate limit per address counts. A
    satisfaction rating's attempts are counted apart (``form``), without an e-mail address."""

    class Form(models.TextChoices):
        REQUEST = "request", _("request")
        RATING = "rating", _("satisfaction rating")

    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.REQUEST)
    email = models.EmailField(_("e-mail address"), db_index=True, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    ticket = models.ForeignKey(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("web submission")
        verbose_name_plural = _("web submissions")
        indexes = [models.Index(fields=["ip_address", "created_at"])]

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%d.%m.%Y %H:%M}"


class HeldSubmission(models.Model):
    """A submission suspected of being spam, kept aside until staff release or discard it."""

    class Reason(models.TextChoices):
        HONEYPOT = "honeypot", _("Hidden field filled in")
        RATE_LIMIT = "rate_limit", _("Too many requests from this address")
        INTAKE_ERROR = "error", _("Could not be filed automatically")

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting for review")
        RELEASED = "released", _("Released as a ticket")
        DISCARDED = "discarded", _("Discarded as spam")

    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.WAITING, db_index=True
    )
    name = models.CharField(_("name of the citizen"), max_length=120, blank=True)
    email = models.EmailField(_("e-mail address"))
    phone = models.CharField(_("phone number"), max_length=40, blank=True)
    # a typed form (/anliegen/<slug>/): the request type and its values as captured (JSON);
    # its files are HeldFile rows
    request_type = models.CharField(_("request type"), max_length=100, blank=True)
    values = models.JSONField(_("values"), default=dict, blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("message"))
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    attachment = models.FileField(_("attachment"), upload_to="held/%Y/%m/", blank=True)
    attachment_name = models.CharField(_("attachment name"), max_length=255, blank=True)
    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("held submission")
        verbose_name_plural = _("held submissions")

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_reason_display()})"


class HeldFile(models.Model):
    """A file of a typed form's field (``key``), kept with its held submission."""

    held = models.ForeignKey(
        HeldSubmission,
        on_delete=models.CASCADE,
        related_name="files",
        verbose_name=_("held submission"),
    )
    key = models.CharField(_("field"), max_length=100)
    name = models.CharField(_("file name"), max_length=255)
    file = models.FileField(_("file"), upload_to="held/%Y/%m/")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["held", "key"]
        verbose_name = _("held file")
        verbose_name_plural = _("held files")

    def __str__(self) -> str:
        return self.name
