"""Figures as people read them: rates in per cent, durations as "bis 45 Min.", changes."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from ulm_kpi import labels

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.683 → "68,3 %"; None → "keine Daten" (labels.percent, as in the exports)."""
    return labels.percent(rate)


@register.filter
def up_to(minutes: int | None) -> str:
    """A bucket's upper bound in minutes as "bis 45 Min." (labels.minutes)."""
    return labels.minutes(minutes)


@register.filter
def change(now: float | None, before: float | None) -> str:
    """The change of a rate against the previous period in percentage points."""
    if now is None or before is None:
        return ""
    points = (now - before) * 100
    sign = "+" if points > 0 else ("−" if points < 0 else "±")
    return _("%(sign)s%(points)s points against the previous period") % {
        "sign": sign,
        "points": number_format(abs(points), 1),
    }


@register.filter
def met(rate: float | None, target: float) -> str:
    """Whether a rate reaches its target, in words (never only a colour)."""
    if rate is None:
        return ""
    return _("target reached") if rate >= target else _("target missed")
