"""Condition: weekday and time of day when the request came in (Europe/Berlin).

``weekdays``: mo, di, mi, do, fr, sa, so (German abbreviations); ``from``/``until``: HH:MM,
a window that may run past midnight (from 18:00 until 08:00 = evenings and nights)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ulm_routing.rules.base import ConditionType, SpecError, as_list, known_keys

DAYS = ("mo", "di", "mi", "do", "fr", "sa", "so")


def _minutes(value, key: str) -> int:
    text = str(value).strip()
    hours, _sep, minutes = text.partition(":")
    if not (hours.isdigit() and minutes.isdigit() and len(minutes) == 2):
        raise SpecError(_("“%(key)s” must be a time HH:MM") % {"key": key})
    total = int(hours) * 60 + int(minutes)
    if int(hours) > 24 or int(minutes) > 59 or total > 24 * 60:
        raise SpecError(_("“%(key)s” must be a time HH:MM") % {"key": key})
    return total


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


class ScheduleCondition(ConditionType):
    kind = "schedule"
    label = gettext_lazy("Weekday and time")

    def normalise(self, spec, context, rule_types):
        known_keys(spec, {"weekdays", "from", "until"})
        normal: dict = {"type": self.kind}
        if "weekdays" in spec:
            days = [str(d).strip().lower()[:2] for d in as_list(spec["weekdays"], "weekdays")]
            unknown = [d for d in days if d not in DAYS]
            if unknown:
                raise SpecError(
                    _("unknown weekday “%(day)s” (known: %(known)s)")
                    % {"day": ", ".join(unknown), "known": ", ".join(DAYS)}
                )
            normal["weekdays"] = [d for d in DAYS if d in days]
        if ("from" in spec) != ("until" in spec):
            raise SpecError(_("give both “from” and “until”, or neither"))
        if "from" in spec:
            start, end = _minutes(spec["from"], "from"), _minutes(spec["until"], "until")
            if start == end:
                raise SpecError(_("“from” and “until” are the same time: the window is empty"))
            normal["from"], normal["until"] = _clock(start), _clock(end)
        if len(normal) == 1:
            raise SpecError(_("give “weekdays”, or “from” and “until”"))
        return normal

    def compile(self, spec):
        days = frozenset(DAYS.index(d) for d in spec.get("weekdays", DAYS))
        if "from" not in spec:
            return lambda facts: facts.local is not None and facts.local.weekday() in days
        start, end = _minutes(spec["from"], "from"), _minutes(spec["until"], "until")

        def test(facts) -> bool:
            if facts.local is None or facts.local.weekday() not in days:
                return False
            now = facts.local.hour * 60 + facts.local.minute
            return start <= now < end if start < end else now >= start or now < end

        return test

    def describe(self, spec):
        parts = []
        if "weekdays" in spec:
            parts.append(
                _("on %(days)s") % {"days": ", ".join(d.capitalize() for d in spec["weekdays"])}
            )
        if "from" in spec:
            parts.append(
                _("from %(start)s until %(end)s") % {"start": spec["from"], "end": spec["until"]}
            )
        return _("received %(when)s") % {"when": " ".join(parts)}

    def domain(self, spec, context):
        if "weekdays" in spec:
            return "weekday", frozenset(spec["weekdays"])
        return None
