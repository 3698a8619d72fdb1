"""Condition: the request is linked to a citizen in the register (known) or anonymous."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, known_keys


class CitizenCondition(ConditionType):
    kind = "citizen"
    label = gettext_lazy("Citizen known")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"known"})
        if not isinstance(spec.get("known"), bool):
            raise SpecError(_("“known” must be true or false"))
        return {"type": self.kind, "known": spec["known"]}

    def compile(self, spec):
        wanted = spec["known"]
        return lambda facts: facts.citizen_known is wanted

    def describe(self, spec):
        return _("the citizen is known") if spec["known"] else _("the citizen is not known")

    def domain(self, spec, context):
        return "citizen", frozenset([spec["known"]])
