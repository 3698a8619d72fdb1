"""Action: notify by mail: an address, ``department`` (the decided department's address) or
``citizen``. Recorded as a planned notification now; the outbox sends it in phase 2."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ActionType, SpecError, known_keys

SYMBOLIC = ("department", "citizen")


class NotifyAction(ActionType):
    kind = "notify"
    label = gettext_lazy("Notify by mail")

    def normalise(self, spec, context):
        known_keys(spec, {"to", "subject"})
        to = str(spec.get("to") or "").strip()
        if to not in SYMBOLIC:
            try:
                validate_email(to)
            except ValidationError:
                raise SpecError(
                    _("“to” must be an e-mail address, “department” or “citizen”, not “%(to)s”")
                    % {"to": to}
                ) from None
        subject = str(spec.get("subject") or "").strip()
        if len(subject) > 200:
            raise SpecError(_("the subject has at most 200 characters"))
        return {"type": self.kind, "to": to, "subject": subject}

    def contribute(self, decision, spec, rule):
        decision.notifications.append((spec["to"], spec["subject"], rule))

    def describe(self, spec):
        return _("notify %(to)s by mail") % {"to": spec["to"]}
