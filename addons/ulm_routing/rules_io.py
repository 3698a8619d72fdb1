"""The rules as YAML: export, import (all or nothing) and reading a file for the what-if.

    version: 1
    rule_sets:
    - name: Zuständigkeit
      mode: first_match          # or all_match
      active: true
      rules:
      - name: Sperrmüll an die Abfallwirtschaft
        active: true
        description: ''
        conditions:
        - {type: request_type, in: [sperrmuell-abholung]}
        actions:
        - {type: forward, department: abfallwirtschaft}

Export → import → export gives the same file: every condition and action is written in the
canonical form validation produces, keys in a fixed order."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from ulm_routing import conf, rulebook
from ulm_routing.models import RuleSet
from ulm_routing.models.rules import Mode
from ulm_routing.rules.base import RuleContext, RuleInvalid
from ulm_routing.rules.engine import RuleSetSpec, RuleSpec
from ulm_routing.rules.validation import validate_rule

FORMAT_VERSION = 1


def _ordered(spec: dict) -> dict:
    return {"type": spec["type"], **{k: spec[k] for k in sorted(spec) if k != "type"}}


def _rule_document(data: dict) -> dict:
    return {
        "name": data["name"],
        "active": data["active"],
        "description": data["description"],
        "conditions": [_ordered(c) for c in data["conditions"]],
        "actions": [_ordered(a) for a in data["actions"]],
    }


def dump(document: Any) -> str:
    return yaml.safe_dump(
        document, allow_unicode=True, sort_keys=False, default_flow_style=False, width=100
    )


def export_rules() -> str:
    """The live rule sets and their rules as YAML."""
    sets = []
    for rule_set in RuleSet.objects.filter(draft_of__isnull=True).prefetch_related("rules"):
        sets.append(
            {
                **rulebook.set_snapshot(rule_set),
                "rules": [
                    _rule_document(rulebook.rule_snapshot(rule))
                    for rule in sorted(rule_set.rules.all(), key=lambda r: (r.position, r.pk))
                ],
            }
        )
    return dump({"version": FORMAT_VERSION, "rule_sets": sets})


@dataclass
class CheckedSet:
    name: str
    mode: str
    active: bool
    rules: list[dict] = field(default_factory=list)  # canonical snapshots with positions


def check_document(text: str | bytes, context: RuleContext | None = None) -> list[CheckedSet]:
    """Parses and validates a rules file completely; RuleInvalid lists every fault (German,
    naming the rule set and rule)."""
    if len(text) > conf.get("ULM_ROUTING_MAX_RULES_FILE_BYTES"):
        raise RuleInvalid([_("The rules file is too large.")])
    try:
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleInvalid([_("The file is no valid YAML: %(error)s") % {"error": exc}]) from None
    if not isinstance(document, dict) or not isinstance(document.get("rule_sets"), list):
        raise RuleInvalid([_("The file needs a list “rule_sets”.")])
    if document.get("version", FORMAT_VERSION) != FORMAT_VERSION:
        raise RuleInvalid([_("Unknown file version; this installation reads version 1.")])
    context = context or RuleContext.load()
    errors: list[str] = []
    checked: list[CheckedSet] = []
    names: set[str] = set()
    for number, item in enumerate(document["rule_sets"], start=1):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            errors.append(_("Rule set %(number)s needs a name.") % {"number": number})
            continue
        name = item["name"].strip()
        if name in names:
            errors.append(_("Rule set “%(name)s” appears twice.") % {"name": name})
        names.add(name)
        mode = item.get("mode", Mode.FIRST_MATCH)
        if mode not in Mode.values:
            errors.append(
                _("Rule set “%(name)s”: “mode” must be first_match or all_match.") % {"name": name}
            )
        active = item.get("active", True)
        if not isinstance(active, bool):
            errors.append(
                _("Rule set “%(name)s”: “active” must be true or false.") % {"name": name}
            )
        rules = item.get("rules") or []
        if not isinstance(rules, list):
            errors.append(_("Rule set “%(name)s”: “rules” must be a list.") % {"name": name})
            continue
        result = CheckedSet(name=name, mode=mode, active=bool(active))
        rule_names: set[str] = set()
        for position, rule in enumerate(rules):
            if not isinstance(rule, dict):
                errors.append(
                    _("Rule set “%(name)s”: rule %(number)s is no mapping.")
                    % {"name": name, "number": position + 1}
                )
                continue
            rule_name = str(rule.get("name") or "").strip()
            if rule_name in rule_names:
                errors.append(
                    _("Rule set “%(name)s”: the rule “%(rule)s” appears twice.")
                    % {"name": name, "rule": rule_name}
                )
            rule_names.add(rule_name)
            unknown = sorted(set(rule) - {"name", "active", "description", "conditions", "actions"})
            if unknown:
                errors.append(
                    _("Rule “%(rule)s”: unknown key “%(key)s”.")
                    % {"rule": rule_name, "key": ", ".join(unknown)}
                )
            rule_active = rule.get("active", True)
            if not isinstance(rule_active, bool):
                errors.append(
                    _("Rule “%(rule)s”: “active” must be true or false.") % {"rule": rule_name}
                )
            try:
                conditions, actions = validate_rule(
                    rule_name, rule.get("conditions") or [], rule.get("actions"), context
                )
            except RuleInvalid as invalid:
                errors.extend(invalid.messages)
                continue
            result.rules.append(
                {
                    "name": rule_name,
                    "active": bool(rule_active),
                    "description": str(rule.get("description") or ""),
                    "conditions": conditions,
                    "actions": actions,
                    "position": (position + 1) * 10,
                }
            )
        checked.append(result)
    if errors:
        raise RuleInvalid(errors)
    return checked


def specs_of(checked: list[CheckedSet]) -> list[RuleSetSpec]:
    """A checked file as the engine takes it (for the what-if)."""
    return [
        RuleSetSpec(
            name=s.name,
            mode=s.mode,
            active=s.active,
            rules=[
                RuleSpec(None, r["name"], r["conditions"], r["actions"], r["active"])
                for r in s.rules
            ],
        )
        for s in checked
    ]


@dataclass
class ImportSummary:
    created: int = 0
    changed: int = 0
    deleted: int = 0
    unchanged: int = 0
    sets_created: int = 0
    sets_deleted: int = 0
    dry_run: bool = False

    def as_text(self) -> str:
        text = (
            _(
                "Rules: %(created)d new, %(changed)d changed, %(deleted)d deleted, "
                "%(unchanged)d unchanged; rule sets: %(sets_created)d new, "
                "%(sets_deleted)d deleted."
            )
            % self.__dict__
        )
        if self.dry_run:
            text += " " + _("Dry run: nothing was changed.")
        return text


class _DryRun(Exception):
    pass


def import_rules(text: str | bytes, author: Any = None, dry_run: bool = False) -> ImportSummary:
    """Makes the live rules exactly those of the file, in one transaction: one bad rule and
    nothing changes (RuleInvalid). Rules are matched by rule set and name, so their history
    goes on; every change is versioned with ``author``. ``dry_run``: counts only."""
    checked = check_document(text)
    summary = ImportSummary(dry_run=dry_run)
    note = _("import")
    try:
        with transaction.atomic():
            live = {s.name: s for s in RuleSet.objects.filter(draft_of__isnull=True)}
            for position, item in enumerate(checked):
                rule_set = live.pop(item.name, None)
                if rule_set is None:
                    rule_set = RuleSet(name=item.name)
                    summary.sets_created += 1
                rule_set.mode, rule_set.active = item.mode, item.active
                rule_set.position = (position + 1) * 10
                rulebook.save_rule_set(rule_set, author, note)
                counts = rulebook.replace_rules(rule_set, item.rules, author, note)
                for key, value in counts.items():
                    setattr(summary, key, getattr(summary, key) + value)
            for rule_set in live.values():
                summary.deleted += rule_set.rules.count()
                rulebook.delete_rule_set(rule_set, author, note)
                summary.sets_deleted += 1
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return summary
