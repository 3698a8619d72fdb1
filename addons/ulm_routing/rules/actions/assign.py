"""Action: assign to a member of the department, round robin or the least loaded; absent
members are skipped or replaced by their substitute (``ulm_routing.assignment``).
``department`` defaults to where the rules forward the ticket (else its current queue)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys

STRATEGIES = ("round_robin", "least_loaded")


class AssignAction(ActionType):
    kind = "assign"
    label = gettext_lazy("Assign")

    def normalise(self, spec, context):
        known_keys(spec, {"strategy", "department"})
        strategy = spec.get("strategy", "round_robin")
        if strategy not in STRATEGIES:
            raise SpecError(
                _("unknown strategy “%(strategy)s” (known: %(known)s)")
                % {"strategy": strategy, "known": ", ".join(STRATEGIES)}
            )
        normal = {"type": self.kind, "strategy": strategy}
        if spec.get("department"):
            slug = str(spec["department"]).strip()
            if slug not in context.departments:
                raise SpecError(_("there is no department “%(slug)s”") % {"slug": slug})
            normal["department"] = slug
        return normal

    def contribute(self, decision, spec, rule):
        decision.set_once("assignment", (spec["strategy"], spec.get("department")), rule)

    def describe(self, spec):
        strategy = _("round robin") if spec["strategy"] == "round_robin" else _("least loaded")
        if spec.get("department"):
            return _("assign (%(strategy)s) in %(department)s") % {
                "strategy": strategy,
                "department": spec["department"],
            }
        return _("assign (%(strategy)s)") % {"strategy": strategy}
