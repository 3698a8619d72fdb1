"""Condition: the ticket's priority is one of the named ones (1 critical … 5 very low)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, known_keys

PRIORITIES = (1, 2, 3, 4, 5)


def priority_value(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise SpecError(_("the priority must be a number from 1 to 5"))
    try:
        number = int(value)
    except ValueError:
        raise SpecError(_("the priority must be a number from 1 to 5")) from None
    if number not in PRIORITIES:
        raise SpecError(_("the priority must be a number from 1 to 5"))
    return number


class PriorityCondition(ConditionType):
    kind = "priority"
    label = gettext_lazy("Priority")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"in"})
        values = sorted({priority_value(v) for v in as_list(spec.get("in"), "in")})
        return {"type": self.kind, "in": values}

    def compile(self, spec):
        wanted = frozenset(spec["in"])
        return lambda facts: facts.priority in wanted

    def describe(self, spec):
        return _("priority is %(values)s") % {"values": ", ".join(map(str, spec["in"]))}

    def domain(self, spec, context):
        return "priority", frozenset(spec["in"])
