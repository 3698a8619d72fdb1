"""Routing rules: rule sets (first-match or all-match), their ordered rules, every version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Mode(models.TextChoices):
    FIRST_MATCH = "first_match", _("First matching rule")
    ALL_MATCH = "all_match", _("All matching rules")


class RuleSet(models.Model):
    """An ordered list of rules evaluated together: the first rule that matches, or all that
    match. Live sets are evaluated in their order; a draft (``draft_of``) is an edited copy of a
    live set that the what-if replay compares before it is published."""

    name = models.CharField(_("Name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    mode = models.CharField(
        _("mode"), max_length=12, choices=Mode.choices, default=Mode.FIRST_MATCH
    )
    active = models.BooleanField(_("active"), default=True)
    draft_of = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="draft",
        verbose_name=_("draft of"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["position", "name", "pk"]
        verbose_name = _("rule set")
        verbose_name_plural = _("rule sets")
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                condition=models.Q(draft_of__isnull=True),
                name="routing_live_rule_set_name_unique",
                violation_error_message=_("A rule set with this name exists already."),
            )
        ]

    def __str__(self) -> str:
        if self.draft_of_id:
            return str(_("%(name)s (draft)") % {"name": self.name})
        return self.name


class Rule(models.Model):
    """One rule: conditions that must all hold, and the actions taken when they do. Conditions
    and actions are lists of ``{"type": …, …}`` mappings, one per registered type
    (``ulm_routing.rules.registry``), validated on every save and import."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="rules", verbose_name=_("rule set")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    name = models.CharField(_("Name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    actions = models.JSONField(_("actions"), default=list, blank=True)
    # a department rejected a handoff this rule sent ("Nicht zuständig"): an admin looks at it
    needs_review = models.BooleanField(_("needs review"), default=False)
    review_note = models.TextField(_("why review"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["rule_set", "position", "pk"]
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        constraints = [
            models.UniqueConstraint(
                fields=["rule_set", "name"],
                name="routing_rule_name_unique",
                violation_error_message=_("A rule with this name exists already in this set."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class ChangeKind(models.TextChoices):
    CREATED = "created", _("created")
    CHANGED = "changed", _("changed")
    DELETED = "deleted", _("deleted")


class RuleVersion(models.Model):
    """A saved state of a rule or a rule set: who changed it when, and the whole state as the
    YAML export writes it. Kept when the rule is deleted (its name stays)."""

    rule = models.ForeignKey(
        Rule,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("rule"),
    )
    rule_set = models.ForeignKey(
        RuleSet,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("rule set"),
    )
    label = models.CharField(_("Name"), max_length=300)
    number = models.PositiveIntegerField(_("version"))
    change = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    snapshot = models.JSONField(_("state"), default=dict)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("rule version")
        verbose_name_plural = _("rule versions")

    def __str__(self) -> str:
        return f"{self.label} v{self.number}"
