"""The parts every condition and action type shares: the context a rule is validated in, the
error that names the rule and its fault, and the two base classes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from ulm_routing.facts import TicketFacts
    from ulm_routing.rules.engine import Decision, RuleRef


class SpecError(ValueError):
    """A fault in one condition or action (German, without the rule's name)."""


class RuleInvalid(ValueError):
    """A rule (or several) that cannot be saved: German messages naming each rule and fault."""

    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = list(messages)


@dataclass
class RuleContext:
    """What a rule may name, loaded once per validation (a save, an import): departments,
    request types with their fields, LeiKa keys, SLA policies."""

    departments: set[str] = field(default_factory=set)
    fields: dict[str, dict[str, str]] = field(default_factory=dict)  # type slug -> key -> type
    leika: dict[str, set[str]] = field(default_factory=dict)  # LeiKa key -> type slugs
    sla_policies: set[str] = field(default_factory=set)

    @classmethod
    def load(cls) -> RuleContext:
        from helpdesk.models import Queue

        from ulm_routing.models import SLAPolicy
        from ulm_servicepoint.models import CaptureField, RequestType

        context = cls(
            departments=set(Queue.objects.values_list("slug", flat=True)),
            sla_policies=set(SLAPolicy.objects.values_list("name", flat=True)),
        )
        for slug, keys in RequestType.objects.values_list("slug", "leika_keys"):
            context.fields.setdefault(slug, {})
            for key in (k.strip() for k in keys.split(",")):
                if key:
                    context.leika.setdefault(key, set()).add(slug)
        for slug, key, kind in CaptureField.objects.values_list(
            "request_type__slug", "key", "field_type"
        ):
            context.fields.setdefault(slug, {})[key] = kind
        return context


Test = Callable[["TicketFacts"], bool]


def as_list(value: Any, what: str) -> list:
    if value is None or value == "" or value == []:
        raise SpecError(_("“%(key)s” is missing.") % {"key": what})
    items = value if isinstance(value, list) else [value]
    if len(items) > 500:
        raise SpecError(_("“%(key)s” has more than 500 entries.") % {"key": what})
    return items


def known_keys(spec: dict, allowed: set[str]) -> None:
    unknown = sorted(set(spec) - allowed - {"type"})
    if unknown:
        raise SpecError(_("unknown key “%(key)s”") % {"key": ", ".join(unknown)})


def compile_regex(pattern: Any) -> re.Pattern:
    if not isinstance(pattern, str) or not pattern or len(pattern) > 500:
        raise SpecError(_("the regular expression must be text of 1 to 500 characters"))
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise SpecError(
            _("the regular expression “%(pattern)s” does not compile: %(error)s")
            % {"pattern": pattern, "error": exc}
        ) from None


class ConditionType:
    """A kind of condition. ``normalise`` validates a spec and returns it in canonical form
    (what the export writes); ``compile`` turns the canonical spec into a test of facts;
    ``describe`` says in German what it checks; ``domain`` names the finite set of values it
    admits, so that two conditions admitting nothing in common are found contradictory."""

    kind: ClassVar[str]
    label: ClassVar[Any]  # a lazy German text

    def normalise(self, spec: dict, context: RuleContext, rule_types: set[str] | None) -> dict:
        raise NotImplementedError

    def compile(self, spec: dict) -> Test:
        raise NotImplementedError

    def describe(self, spec: dict) -> str:
        raise NotImplementedError

    def domain(self, spec: dict, context: RuleContext) -> tuple[str, frozenset] | None:
        return None

    def request_types(self, spec: dict, context: RuleContext | None) -> frozenset[str] | None:
        """The request types this condition admits (for the index), None: any."""
        return None


class ActionType:
    """A kind of action. ``contribute`` adds what the action decides to a Decision (pure: the
    dry run and the what-if call it); applying the decision is ``routing.apply_decision``."""

    kind: ClassVar[str]
    label: ClassVar[Any]  # a lazy German text

    def normalise(self, spec: dict, context: RuleContext) -> dict:
        raise NotImplementedError

    def contribute(self, decision: Decision, spec: dict, rule: RuleRef) -> None:
        raise NotImplementedError

    def describe(self, spec: dict) -> str:
        raise NotImplementedError
