"""German words and number formats shared by the charts, the exports and the monthly report:
one place says how a channel, an age band, a rate or a bucketed duration reads."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# CaseRecord.Channel's codes, in the order every chart and table shows them
CHANNELS: list[tuple[str, Any]] = [
    ("email", gettext_lazy("E-mail")),
    ("phone", gettext_lazy("Phone")),
    ("web_form", gettext_lazy("Contact form")),
    ("counter", gettext_lazy("Counter")),
    ("letter", gettext_lazy("Letter")),
    ("other", gettext_lazy("Other")),
]

AGE_BANDS: list[tuple[str, Any]] = [
    ("under_1_day", gettext_lazy("under 1 day")),
    ("1_to_3_days", gettext_lazy("1–3 days")),
    ("3_to_7_days", gettext_lazy("3–7 days")),
    ("7_to_30_days", gettext_lazy("7–30 days")),
    ("over_30_days", gettext_lazy("over 30 days")),
]

HANDOFF_PARTS: list[tuple[str, Any]] = [
    ("on_time", gettext_lazy("feedback on time")),
    ("late", gettext_lazy("feedback late")),
    ("open_overdue", gettext_lazy("open and overdue")),
]

QUALITY_CRITERIA: list[tuple[str, Any]] = [
    ("correct", gettext_lazy("information correct and complete")),
    ("knowledge_item", gettext_lazy("right knowledge item")),
    ("department", gettext_lazy("right department")),
    ("tone", gettext_lazy("tone")),
    ("privacy", gettext_lazy("data protection respected")),
]


def channel_label(code: str) -> str:
    return str(dict(CHANNELS).get(code, code))


def no_data() -> str:
    return _("no data")


def number(value: Any) -> str:
    """An integer (or float) in German notation: 1.234 / 4,3; None reads "keine Daten"."""
    if value is None:
        return no_data()
    if isinstance(value, float) and not value.is_integer():
        return formats.number_format(value, 1, use_l10n=True, force_grouping=True)
    return formats.number_format(int(value), 0, use_l10n=True, force_grouping=True)


def percent(rate: float | None) -> str:
    """A rate 0..1 as "68 %" or "91,5 %"; None reads "keine Daten"."""
    if rate is None:
        return no_data()
    value = round(float(rate) * 100, 1)
    places = 0 if value.is_integer() else 1
    return formats.number_format(value, places, use_l10n=True) + "\u00a0%"


def minutes(value: int | None) -> str:
    """A bucketed duration (an upper bound in minutes) as "bis 45 Min.", "bis 8 Std." or
    "bis 2 Tage"; None reads "keine Daten"."""
    if value is None:
        return no_data()
    value = int(value)
    if value < 60:
        return _("up to %(count)s min.") % {"count": value}
    if value % 1440 == 0:
        days = value // 1440
        if days == 1:
            return _("up to 1 day")
        return _("up to %(count)s days") % {"count": days}
    hours = value / 60
    return _("up to %(count)s h") % {
        "count": number(hours if not hours.is_integer() else int(hours))
    }


def parse_day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except (TypeError, ValueError):
        return None


def day(value: Any, year: bool = True) -> str:
    """An ISO day as "01.11.2026" (or "01.11." without the year)."""
    parsed = parse_day(value)
    if parsed is None:
        return str(value or "")
    return parsed.strftime("%d.%m.%Y" if year else "%d.%m.")


def moment(value: Any) -> str:
    """An ISO timestamp as "02.12.2026 19:40" (local time); other text as it is."""
    try:
        parsed = datetime.fromisoformat(str(value))
    except (TypeError, ValueError):
        return str(value or "")
    if timezone.is_aware(parsed):
        parsed = timezone.localtime(parsed)
    return parsed.strftime("%d.%m.%Y %H:%M")


def month(value: date) -> str:
    """ "November 2026" in the active language."""
    return formats.date_format(value, "F Y")


def period(figures: dict) -> str:
    """ "01.11.2026 – 30.11.2026" for the figures' period."""
    span = figures.get("period") or {}
    return f"{day(span.get('from'))} – {day(span.get('to'))}"
