"""Figures as people read them: rates in per cent, durations as "bis 45 Min.", changes."""

from __future__ import annotations

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """0.683 → "68,3 %"; None → "keine Daten"."""
    if rate is None:
        return _("no data")
    return f"{number_format(rate * 100, 1)} %"


@register.filter
def up_to(minutes: int | None) -> str:
    """A bucket's upper bound in minutes as "up to 45 min", "up to 8 h", "up to 2 days"."""
    if minutes is None:
        return _("no data")
    if minutes < 60:
        return _("up to %(n)s min") % {"n": minutes}
    if minutes < 1440:
        return _("up to %(n)s h") % {
            "n": number_format(minutes / 60, 0 if minutes % 60 == 0 else 1)
        }
    days = minutes / 1440
    return _("up to %(n)s days") % {"n": number_format(days, 0 if minutes % 1440 == 0 else 1)}


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
