"""Condition: the request came in through one of the named channels (e-mail, phone …)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, known_keys
from ulm_servicepoint.models.case import Channel


class ChannelCondition(ConditionType):
    kind = "channel"
    label = gettext_lazy("Channel")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"in"})
        channels = [str(c) for c in as_list(spec.get("in"), "in")]
        unknown = [c for c in channels if c not in Channel.values]
        if unknown:
            raise SpecError(
                _("unknown channel “%(channel)s” (known: %(known)s)")
                % {"channel": ", ".join(unknown), "known": ", ".join(Channel.values)}
            )
        return {"type": self.kind, "in": sorted(set(channels))}

    def compile(self, spec):
        wanted = frozenset(spec["in"])
        return lambda facts: facts.channel in wanted

    def describe(self, spec):
        names = [str(Channel(c).label) for c in spec["in"]]
        return _("channel is %(values)s") % {"values": ", ".join(names)}

    def domain(self, spec, context):
        return "channel", frozenset(spec["in"])
