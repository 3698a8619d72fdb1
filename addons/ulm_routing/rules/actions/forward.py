"""Action: forward to a department (its queue slug). The first rule that forwards decides."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys


class ForwardAction(ActionType):
    kind = "forward"
    label = gettext_lazy("Forward to a department")

    def normalise(self, spec, context):
        known_keys(spec, {"department"})
        slug = str(spec.get("department") or "").strip()
        if not slug:
            raise SpecError(_("“department” is missing."))
        if slug not in context.departments:
            raise SpecError(_("there is no department “%(slug)s”") % {"slug": slug})
        return {"type": self.kind, "department": slug}

    def contribute(self, decision, spec, rule):
        decision.set_once("department", spec["department"], rule)

    def describe(self, spec):
        return _("forward to %(department)s") % {"department": spec["department"]}
