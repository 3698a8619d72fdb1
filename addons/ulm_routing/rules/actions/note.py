"""Action: add an internal note to the ticket (not shown to the citizen)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys


class NoteAction(ActionType):
    kind = "note"
    label = gettext_lazy("Internal note")

    def normalise(self, spec, context):
        known_keys(spec, {"text"})
        text = str(spec.get("text") or "").strip()
        if not 1 <= len(text) <= 2000:
            raise SpecError(_("a note has 1 to 2000 characters"))
        return {"type": self.kind, "text": text}

    def contribute(self, decision, spec, rule):
        decision.notes.append((spec["text"], rule))

    def describe(self, spec):
        return _("internal note “%(text)s”") % {"text": spec["text"]}
