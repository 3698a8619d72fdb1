"""Action: set the ticket's priority (1 critical … 5 very low)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, known_keys
from ulm_routing.rules.conditions.priority import priority_value


class PriorityAction(ActionType):
    kind = "priority"
    label = gettext_lazy("Set the priority")

    def normalise(self, spec, context):
        known_keys(spec, {"set"})
        return {"type": self.kind, "set": priority_value(spec.get("set"))}

    def contribute(self, decision, spec, rule):
        decision.set_once("priority", spec["set"], rule)

    def describe(self, spec):
        return _("set priority %(priority)s") % {"priority": spec["set"]}
