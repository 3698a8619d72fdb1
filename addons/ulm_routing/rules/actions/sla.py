"""Action: apply an SLA policy (by name) to the ticket."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys


class SLAAction(ActionType):
    kind = "sla"
    label = gettext_lazy("Apply an SLA policy")

    def normalise(self, spec, context):
        known_keys(spec, {"policy"})
        name = str(spec.get("policy") or "").strip()
        if name not in context.sla_policies:
            raise SpecError(_("there is no SLA policy “%(name)s”") % {"name": name})
        return {"type": self.kind, "policy": name}

    def contribute(self, decision, spec, rule):
        decision.set_once("sla_policy", spec["policy"], rule)

    def describe(self, spec):
        return _("apply the SLA policy %(name)s") % {"name": spec["policy"]}
