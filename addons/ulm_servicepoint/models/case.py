"""The case record beside each helpdesk ticket, and anonymous counter visits."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Contact form")
    COUNTER = "counter", _("Counter / in person")
    LETTER = "letter", _("Letter")
    OTHER = "other", _("Other")


class Level(models.IntegerChoices):
    FIRST = 1, _("1st level (service center)")
    SECOND = 2, _("2nd level (department)")


class CaseRecord(models.Model):
    """What the service center knows about a ticket beyond the host's fields: its request type
    and schema version, the typed values, channel, citizen, level and the KPI timestamps.

    Every ticket has one, whatever made it (case_index.open_case): one without a request type
    waits in the triage view. ``department``, ``owner`` and ``is_open`` repeat the ticket's
    queue, assignee and state, and ``search`` holds the words it is found by (reference,
    citizen, typed values, title and text): the work list filters, sorts and searches on this
    table's own indexes at a million tickets (case_index.refresh_cases keeps them in step)."""

    ticket = models.OneToOneField(
        "helpdesk.Ticket",
        on_delete=models.CASCADE,
        related_name="case_record",
        verbose_name=_("ticket"),
    )
    request_type = models.ForeignKey(
        "ulm_servicepoint.RequestType",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_records",
        verbose_name=_("request type"),
    )
    schema = models.ForeignKey(
        "ulm_servicepoint.CaptureSchema",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="case_records",
        verbose_name=_("schema version"),
    )
    values = models.JSONField(_("values"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    citizen = models.ForeignKey(
        "ulm_servicepoint.Citizen",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="case_records",
        verbose_name=_("citizen"),
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.FIRST)
    resolved_at_first_contact = models.BooleanField(_("resolved at first contact"), default=False)
    first_contact_resolved_at = models.DateTimeField(
        _("resolved at first contact at"), null=True, blank=True
    )
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("captured by"),
    )
    received_at = models.DateTimeField(_("received at"))
    captured_at = models.DateTimeField(_("captured at"))
    forwarded_at = models.DateTimeField(_("forwarded at"), null=True, blank=True)
    first_answer_at = models.DateTimeField(_("first answer at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    department = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("owner"),
    )
    is_open = models.BooleanField(_("open"), default=True, editable=False)
    archive_worthy = models.BooleanField(
        _("archive-worthy (marked by hand)"),
        default=False,
        db_default=False,  # rows inserted by SQL (bulk loads) too
        help_text=_(
            "Offered to the city archive before its data are erased, whatever its type says."
        ),
    )
    search = SearchVectorField(_("search words"), null=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-received_at"]
        verbose_name = _("case record")
        verbose_name_plural = _("case records")
        indexes = [
            GinIndex(fields=["values"], name="case_values_gin", opclasses=["jsonb_path_ops"]),
            GinIndex(fields=["search"], name="case_search_gin"),
            models.Index(fields=["-received_at", "-id"], name="case_received"),
            models.Index(fields=["is_open", "-received_at", "-id"], name="case_open_received"),
            models.Index(
                fields=["department", "is_open", "-received_at", "-id"], name="case_dept_received"
            ),
            models.Index(
                fields=["owner", "is_open", "-received_at", "-id"], name="case_owner_received"
            ),
            models.Index(
                fields=["-received_at", "-id"],
                condition=models.Q(request_type__isnull=True),
                name="case_untyped",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.ticket_id} {self.request_type or ''}".strip()


class CounterVisit(models.Model):
    """An anonymous walk-in visit at the counter, for statistics only: topic and minutes."""

    request_type = models.ForeignKey(
        "ulm_servicepoint.RequestType",
        on_delete=models.PROTECT,
        related_name="counter_visits",
        verbose_name=_("topic"),
    )
    minutes = models.PositiveSmallIntegerField(_("minutes"))
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("captured by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("counter visit")
        verbose_name_plural = _("counter visits")

    def __str__(self) -> str:
        return f"{self.request_type} ({self.minutes} min)"
