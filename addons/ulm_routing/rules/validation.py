"""Validating a rule: every condition and action in canonical form, or German messages that
name the rule and the fault (unknown department, a regular expression that does not compile, a
field the request type does not have, conditions that contradict each other …)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from ulm_routing.rules.base import RuleContext, RuleInvalid, SpecError
from ulm_routing.rules.registry import ACTIONS, CONDITIONS

# request types first: the field condition needs to know them
TYPE_CONDITIONS = ("request_type", "service")
SINGLE_ACTIONS = ("forward", "priority", "sla", "assign")
# what a contradiction is about, named by the condition type's label
DOMAIN_NAMES = {
    "request_type": CONDITIONS["request_type"].label,
    "channel": CONDITIONS["channel"].label,
    "priority": CONDITIONS["priority"].label,
    "citizen": CONDITIONS["citizen"].label,
    "weekday": CONDITIONS["schedule"].label,
}


def _mapping(item: Any) -> dict | None:
    return item if isinstance(item, dict) and isinstance(item.get("type"), str) else None


def _kind(item: Any, registry: dict, what: str, fault) -> tuple[dict, Any] | None:
    """The spec and its registered type, or None after reporting the fault."""
    spec = _mapping(item)
    if spec is None:
        fault(what, _("each entry is a mapping with a “type”"))
        return None
    kind = registry.get(spec["type"])
    if kind is None:
        fault(
            what,
            _("unknown type “%(type)s” (known: %(known)s)")
            % {"type": spec["type"], "known": ", ".join(registry)},
        )
        return None
    return spec, kind


def validate_rule(
    name: str, conditions: Any, actions: Any, context: RuleContext
) -> tuple[list[dict], list[dict]]:
    """The rule's conditions and actions in canonical form; raises RuleInvalid."""
    errors: list[str] = []

    def fault(what: str, message: str) -> None:
        errors.append(
            _("Rule “%(rule)s”, %(what)s: %(fault)s")
            % {"rule": name, "what": what, "fault": message}
        )

    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 200:
        raise RuleInvalid([_("Every rule needs a name of 1 to 200 characters.")])
    if not isinstance(conditions, list):
        raise RuleInvalid([_("Rule “%(rule)s”: the conditions must be a list.") % {"rule": name}])
    if not isinstance(actions, list) or not actions:
        raise RuleInvalid([_("Rule “%(rule)s”: it needs at least one action.") % {"rule": name}])

    normal_conditions: list[dict | None] = [None] * len(conditions)
    order = sorted(
        range(len(conditions)),
        key=lambda i: (_mapping(conditions[i]) or {}).get("type") not in TYPE_CONDITIONS,
    )
    rule_types: set[str] | None = None
    for index in order:
        what = _("condition %(number)s") % {"number": index + 1}
        found = _kind(conditions[index], CONDITIONS, what, fault)
        if found is None:
            continue
        spec, kind = found
        what = f"{what} ({kind.label})"
        try:
            normal = kind.normalise(spec, context, rule_types)
        except SpecError as exc:
            fault(what, str(exc))
            continue
        normal_conditions[index] = normal
        admitted = kind.request_types(normal, context)
        if admitted is not None:
            rule_types = set(admitted) if rule_types is None else rule_types & admitted

    domains: dict[str, frozenset] = {}
    for normal_spec in normal_conditions:
        if normal_spec is None:
            continue
        admits = CONDITIONS[normal_spec["type"]].domain(normal_spec, context)
        if admits is None:
            continue
        key, values = admits
        domains[key] = domains[key] & values if key in domains else values
        if not domains[key]:
            shown = DOMAIN_NAMES.get(key) or _("field %(field)s") % {
                "field": key.removeprefix("field:")
            }
            errors.append(
                _(
                    "Rule “%(rule)s”: the conditions contradict each other (%(what)s): no ticket "
                    "can match it."
                )
                % {"rule": name, "what": shown}
            )
            domains[key] = frozenset({None})  # reported once

    normal_actions: list[dict] = []
    seen: set[str] = set()
    for index, item in enumerate(actions):
        what = _("action %(number)s") % {"number": index + 1}
        found = _kind(item, ACTIONS, what, fault)
        if found is None:
            continue
        spec, action = found
        what = f"{what} ({action.label})"
        if spec["type"] in SINGLE_ACTIONS and spec["type"] in seen:
            fault(what, _("a rule can do this only once"))
            continue
        seen.add(spec["type"])
        try:
            normal_actions.append(action.normalise(spec, context))
        except SpecError as exc:
            fault(what, str(exc))
    if errors:
        raise RuleInvalid(errors)
    return [c for c in normal_conditions if c is not None], normal_actions
