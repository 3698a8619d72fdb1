"""Citizens: one person across every channel."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReplyChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    LETTER = "letter", _("Letter")


class Citizen(models.Model):
    """A citizen who asked something. Deduplicated by e-mail address or normalised phone number
    when the other details agree (services.find_or_create_citizen); a match whose name, e-mail or
    phone differs becomes a new record marked ``possible_duplicate_of`` the known one, for an
    agent to merge by hand (services.merge_citizens)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True, db_index=True)
    phone = models.CharField(
        _("phone number"), max_length=20, blank=True, db_index=True, help_text=_("E.164")
    )
    street = models.CharField(_("street"), max_length=200, blank=True)
    house_number = models.CharField(_("house number"), max_length=20, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    preferred_channel = models.CharField(
        _("preferred reply channel"), max_length=10, choices=ReplyChannel.choices, blank=True
    )
    consent_contact = models.BooleanField(
        _("agrees to be contacted about this request"), default=False
    )
    consent_store_contact = models.BooleanField(
        _("agrees that the contact details are kept for later requests"), default=False
    )
    possible_duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="possible_duplicates",
        verbose_name=_("possible duplicate of"),
        help_text=_(
            "Found by e-mail address or phone number, but other details differ: an agent "
            "checks and merges."
        ),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("citizen")
        verbose_name_plural = _("citizens")

    def __str__(self) -> str:
        return self.name or self.email or self.phone or str(_("anonymous"))

    @property
    def address(self) -> str:
        street = f"{self.street} {self.house_number}".strip()
        place = f"{self.postcode} {self.city}".strip()
        return ", ".join(part for part in (street, place) if part)
