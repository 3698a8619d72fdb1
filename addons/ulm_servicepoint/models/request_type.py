"""Request types (Anliegenarten) and their versioned capture schemas."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.Model):
    """A kind of request ("Anliegenart"): decides the capture fields and the department."""

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description for citizens"), blank=True)
    description_easy = models.TextField(
        _("description in plain language (Leichte Sprache)"), blank=True
    )
    topic_group = models.CharField(_("topic group"), max_length=100, blank=True)
    leika_keys = models.CharField(
        _("LeiKa keys"),
        max_length=200,
        blank=True,
        help_text=_("14-digit keys of the national service catalogue, separated by commas."),
        validators=[
            RegexValidator(
                r"^(99\d{12})?(\s*,\s*99\d{12})*$",
                _("Enter 14-digit LeiKa keys starting with 99, separated by commas."),
            )
        ],
    )
    default_queue = models.ForeignKey(
        "helpdesk.Queue",
        on_delete=models.PROTECT,
        verbose_name=_("default department"),
        related_name="+",
    )
    public = models.BooleanField(_("open to citizens"), default=True)
    active = models.BooleanField(_("active"), default=True)
    # retention (ulm_servicepoint.retention): months after closing until the personal data go
    retention_months = models.SmallIntegerField(
        _("retention period (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Months after a request of this type is closed until its personal data are erased "
            "(a month counted as 30 days). Empty: the general period. The forms state it."
        ),
        validators=[
            MinValueValidator(1, _("The retention period must be at least one month.")),
            MaxValueValidator(1200, _("The retention period can be at most 1200 months.")),
        ],
    )
    archive_worthy = models.BooleanField(
        _("archive-worthy"),
        default=False,
        db_default=False,  # rows inserted by SQL (bulk loads) too
        help_text=_(
            "Requests of this type are offered to the city archive before their data are "
            "erased (Landesarchivgesetz Baden-Württemberg)."
        ),
    )
    retention_obligation = models.BooleanField(
        _("retention obligation"),
        default=False,
        db_default=False,  # rows inserted by SQL (bulk loads) too
        help_text=_(
            "The records must be kept for the retention period: a citizen's request for "
            "erasure is refused until the period has run (GDPR Art. 17(3))."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["topic_group", "name"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(retention_months__isnull=True)
                | models.Q(retention_months__gte=1, retention_months__lte=1200),
                name="request_type_retention_positive",
                violation_error_message=_("The retention period must be at least one month."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def leika_key_list(self) -> list[str]:
        return [key.strip() for key in self.leika_keys.split(",") if key.strip()]


class FieldType(models.TextChoices):
    TEXT = "text", _("Text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    TIME = "time", _("Time")
    CHOICE = "choice", _("Choice (one)")
    MULTI_CHOICE = "multi_choice", _("Choice (several)")
    YES_NO = "yes_no", _("Yes/no")
    EMAIL = "email", _("E-mail address")
    PHONE = "phone", _("Phone number")
    ADDRESS = "address", _("Postal address")
    VEHICLE_REGISTRATION = "vehicle_registration", _("Vehicle registration number")
    FILE_REFERENCE = "file_reference", _("File reference")
    FILE = "file", _("File upload")


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizen form and agents")
    AGENT = "agent", _("Agents only")


class RequiredLevel(models.TextChoices):
    """How much a field is needed. A first-contact answer ("Erstauskunft erteilt") needs only
    what is required ALWAYS; a request kept open or forwarded, and every citizen's form, also
    what is required FOR_PROCESSING (what the department needs to work on it)."""

    NO = "no", _("not required")
    FOR_PROCESSING = "processing", _("required for processing")
    ALWAYS = "always", _("always required")


def required_level(spec: Mapping[str, Any]) -> str:
    """The level of a field spec of any schema version: versions published before the levels
    carry only ``"required": true/false`` (true was what a department needs to process the
    request, i.e. FOR_PROCESSING)."""
    level = spec.get("required_level")
    if level in RequiredLevel.values:
        return str(level)
    return RequiredLevel.FOR_PROCESSING if spec.get("required") else RequiredLevel.NO


def normalised_spec(spec: Mapping[str, Any]) -> dict[str, Any]:
    """A field spec of any version in today's shape (``required_level`` and ``required``)."""
    level = required_level(spec)
    return {**spec, "required": level != RequiredLevel.NO, "required_level": level}


class CaptureField(models.Model):
    """One field of a request type's working capture schema (edited by admins).

    Saving a request type publishes its fields as a new CaptureSchema version when they changed
    (services.publish_schema); tickets keep the version they were captured with."""

    request_type = models.ForeignKey(
        RequestType, on_delete=models.CASCADE, related_name="fields", verbose_name=_("request type")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    key = models.SlugField(
        _("key"),
        max_length=50,
        help_text=_("Name of the value in the API and in queries, e.g. street_name."),
    )
    label = models.CharField(_("label"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    help_text_easy = models.CharField(
        _("help text in plain language (Leichte Sprache)"), max_length=500, blank=True
    )
    field_type = models.CharField(_("type"), max_length=30, choices=FieldType.choices)
    required_level = models.CharField(
        _("required"),
        max_length=10,
        choices=RequiredLevel.choices,
        default=RequiredLevel.NO,
        help_text=_(
            "“Required for processing”: needed to keep the request open or forward it, and on "
            "the citizens' forms, but not for a first-contact answer. “Always required”: also "
            "for a first-contact answer."
        ),
    )
    audience = models.CharField(
        _("shown to"), max_length=10, choices=Audience.choices, default=Audience.CITIZEN
    )
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    pattern = models.CharField(
        _("pattern"),
        max_length=200,
        blank=True,
        help_text=_(
            "Regular expression a file reference must match, e.g. ^[A-Z]{2}-\\d{4}/\\d{2}$"
        ),
    )
    pattern_example = models.CharField(_("example of the pattern"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["request_type", "position", "pk"]
        verbose_name = _("capture field")
        verbose_name_plural = _("capture fields")
        constraints = [
            models.UniqueConstraint(fields=["request_type", "key"], name="capture_field_key_unique")
        ]

    def __str__(self) -> str:
        return self.label

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.field_type in (FieldType.CHOICE, FieldType.MULTI_CHOICE)
            and not self.choices.strip()
        ):
            raise ValidationError({"choices": _("A choice field needs at least one choice.")})
        if self.pattern:
            try:
                re.compile(self.pattern)
            except re.error as exc:
                raise ValidationError(
                    {
                        "pattern": _("This is no valid regular expression: %(error)s")
                        % {"error": exc}
                    }
                ) from None

    def as_spec(self) -> dict:
        """The field as it is frozen into a schema version."""
        return {
            "key": self.key,
            "label": self.label,
            "help_text": self.help_text,
            "help_text_easy": self.help_text_easy,
            "type": self.field_type,
            # "required" stays for readers of older versions and API clients: needed by a
            # request kept open or forwarded (either level)
            "required": self.required_level != RequiredLevel.NO,
            "required_level": self.required_level,
            "audience": self.audience,
            "choices": [line.strip() for line in self.choices.splitlines() if line.strip()],
            "pattern": self.pattern,
            "pattern_example": self.pattern_example,
        }


class CaptureSchema(models.Model):
    """A published, immutable version of a request type's capture fields."""

    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.CASCADE,
        related_name="schemas",
        verbose_name=_("request type"),
    )
    version = models.PositiveIntegerField(_("version"))
    fields = models.JSONField(_("fields"), default=list)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["request_type", "-version"]
        verbose_name = _("capture schema")
        verbose_name_plural = _("capture schemas")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "version"], name="capture_schema_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.request_type} v{self.version}"
