"""Condition: the ticket's request type (Anliegenart) is one of the named ones (slugs)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, RuleContext, SpecError, as_list, known_keys


class RequestTypeCondition(ConditionType):
    kind = "request_type"
    label = gettext_lazy("Request type")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"in"})
        slugs = [str(s) for s in as_list(spec.get("in"), "in")]
        unknown = [s for s in slugs if s not in context.fields]
        if unknown:
            raise SpecError(_("there is no request type “%(slug)s”") % {"slug": ", ".join(unknown)})
        return {"type": self.kind, "in": sorted(set(slugs))}

    def compile(self, spec):
        wanted = frozenset(spec["in"])
        return lambda facts: facts.request_type in wanted

    def describe(self, spec):
        return _("request type is %(values)s") % {"values": ", ".join(spec["in"])}

    def domain(self, spec, context: RuleContext):
        return "request_type", frozenset(spec["in"])

    def request_types(self, spec, context):
        return frozenset(spec["in"])
