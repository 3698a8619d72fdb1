"""Action: put a tag on the ticket."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys


class TagAction(ActionType):
    kind = "tag"
    label = gettext_lazy("Tag")

    def normalise(self, spec, context):
        known_keys(spec, {"name"})
        name = str(spec.get("name") or "").strip()
        if not 1 <= len(name) <= 50:
            raise SpecError(_("a tag has 1 to 50 characters"))
        return {"type": self.kind, "name": name}

    def contribute(self, decision, spec, rule):
        if spec["name"] not in decision.tags:
            decision.tags.append(spec["name"])

    def describe(self, spec):
        return _("tag “%(name)s”") % {"name": spec["name"]}
