"""Condition: the ticket's request type carries one of the named LeiKa keys (the service)."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, known_keys

LEIKA = re.compile(r"^99\d{12}$")


class ServiceCondition(ConditionType):
    kind = "service"
    label = gettext_lazy("Service (LeiKa key)")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"leika"})
        keys = [str(k).strip() for k in as_list(spec.get("leika"), "leika")]
        bad = [k for k in keys if not LEIKA.match(k)]
        if bad:
            raise SpecError(
                _("“%(key)s” is no LeiKa key (14 digits starting with 99)")
                % {"key": ", ".join(bad)}
            )
        return {"type": self.kind, "leika": sorted(set(keys))}

    def compile(self, spec):
        wanted = frozenset(spec["leika"])
        return lambda facts: not wanted.isdisjoint(facts.leika_keys)

    def describe(self, spec):
        return _("service (LeiKa) is %(values)s") % {"values": ", ".join(spec["leika"])}

    def domain(self, spec, context):
        types = set()
        for key in spec["leika"]:
            types |= context.leika.get(key, set())
        return "request_type", frozenset(types)

    def request_types(self, spec, context):
        if context is None:
            return None
        return self.domain(spec, context)[1]
