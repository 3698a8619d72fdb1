"""Admin forms of ulm_routing: a rule's conditions and actions as YAML, the dry run, the
what-if and the import."""

from __future__ import annotations

import yaml
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing import conf
from ulm_routing.models import Rule
from ulm_routing.rules.base import RuleContext, RuleInvalid
from ulm_routing.rules.registry import ACTIONS, CONDITIONS
from ulm_routing.rules.validation import validate_rule
from ulm_routing.rules_io import _ordered, dump


def _yaml_list(items: list) -> str:
    return dump([_ordered(i) for i in items]) if items else ""


CONDITION_HELP = gettext_lazy(
    "One condition per line, all must hold, e.g. “- {type: request_type, in: "
    "[sperrmuell-abholung]}”. Types: %(types)s. See the README of ulm_routing."
)
ACTION_HELP = gettext_lazy(
    "One action per line, e.g. “- {type: forward, department: abfallwirtschaft}”. Types: %(types)s."
)


class RuleForm(forms.ModelForm):
    """Conditions and actions are edited as YAML lists and validated like an import."""

    conditions_yaml = forms.CharField(
        label=gettext_lazy("conditions"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90, "spellcheck": "false"}),
    )
    actions_yaml = forms.CharField(
        label=gettext_lazy("actions"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 90, "spellcheck": "false"}),
    )

    class Meta:
        model = Rule
        fields = [
            "rule_set",
            "position",
            "name",
            "active",
            "description",
            "needs_review",
            "review_note",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions_yaml"].help_text = CONDITION_HELP % {"types": ", ".join(CONDITIONS)}
        self.fields["actions_yaml"].help_text = ACTION_HELP % {"types": ", ".join(ACTIONS)}
        if self.instance.pk:
            self.fields["conditions_yaml"].initial = _yaml_list(self.instance.conditions)
            self.fields["actions_yaml"].initial = _yaml_list(self.instance.actions)

    def _parse(self, name: str) -> list:
        text = self.cleaned_data.get(name) or ""
        try:
            value = yaml.safe_load(text) if text.strip() else []
        except yaml.YAMLError as exc:
            raise ValidationError(_("This is no valid YAML: %(error)s") % {"error": exc}) from None
        if not isinstance(value, list):
            raise ValidationError(_("Write a list: one line per entry, starting with “- ”."))
        return value

    def clean_conditions_yaml(self):
        return self._parse("conditions_yaml")

    def clean_actions_yaml(self):
        return self._parse("actions_yaml")

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            conditions, actions = validate_rule(
                data.get("name", ""),
                data.get("conditions_yaml", []),
                data.get("actions_yaml", []),
                RuleContext.load(),
            )
        except RuleInvalid as invalid:
            raise ValidationError(invalid.messages) from None
        self.instance.conditions, self.instance.actions = conditions, actions
        return data


class DryRunForm(forms.Form):
    ticket = forms.IntegerField(label=gettext_lazy("Ticket number"), min_value=1, max_value=2**31)


class WhatIfForm(forms.Form):
    days = forms.IntegerField(label=gettext_lazy("Replay the last … days"), min_value=1, initial=30)
    rules = forms.FileField(
        label=gettext_lazy("Changed rules (YAML file)"),
        required=False,
        help_text=gettext_lazy("Empty: the drafts, i.e. the rules as edited but not yet live."),
    )

    def clean_days(self):
        days = self.cleaned_data["days"]
        limit = conf.get("ULM_ROUTING_WHATIF_MAX_DAYS")
        if days > limit:
            raise ValidationError(_("Replay at most %(max)s days.") % {"max": limit})
        return days

    def clean_rules(self):
        upload = self.cleaned_data.get("rules")
        if upload and upload.size > conf.get("ULM_ROUTING_MAX_RULES_FILE_BYTES"):
            raise ValidationError(_("The rules file is too large."))
        return upload


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Rules file (YAML)"))
    dry_run = forms.BooleanField(
        label=gettext_lazy("Dry run: only show what would change"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > conf.get("ULM_ROUTING_MAX_RULES_FILE_BYTES"):
            raise ValidationError(_("The rules file is too large."))
        return upload
