"""Charts of the key figures as SVG, rendered on the server: no script, no library, nothing
from another server (the CSP allows neither).

Each function takes the figures dict (FIGURES.md) and returns a ``SafeString`` holding one
``<svg role="img">``, named by its ``<title>`` and described by a ``<desc>`` that states the
figures in German words (screen readers read it; the page shows a table beside it as well).
Series differ by pattern (plain, hatching, dots, cross-hatching, stripes) and not only by
colour; every colour has a contrast of at least 3:1 against white (WCAG 1.4.11), and the
legend is text. Every id is unique per chart, so several charts can share one page.

Every label comes from data (department, request-type names) and is escaped. Colours and
sizes are SVG presentation attributes, never ``style=``. Empty figures give a small chart
saying "Keine Daten" (nothing is divided by zero).
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from ulm_kpi import labels

TEXT = "#1a1a1a"
GRID = "#767676"  # 4.5:1 against white
FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"'
# (colour, pattern): each colour at least 3:1 against white, each series a different pattern
SERIES_STYLES: list[tuple[str, str]] = [
    ("#1f5f99", "solid"),
    ("#b04a00", "diagonal"),
    ("#2e7031", "dots"),
    ("#6b3fa0", "cross"),
    ("#a4262c", "horizontal"),
    ("#4d5b66", "vertical"),
]
WIDTH = 720


@dataclass
class Series:
    label: str
    values: list[float]


@dataclass
class _Chart:
    """One SVG being written: its unique id prefix and its parts."""

    name: str
    title: str
    desc: str
    inline: bool = False  # patterns drawn into each shape (for fpdf2, which has no <pattern>)
    uid: str = field(default_factory=lambda: "")
    parts: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.uid = f"kpi-{self.name}-{secrets.token_hex(4)}"

    def fill(self, index: int) -> str:
        return f"url(#{self.uid}-p{index % len(SERIES_STYLES)})"

    def shape(self, x: float, y: float, width: float, height: float, index: int, name: str) -> str:
        """A bar (or legend swatch) of series ``index``, with its pattern and its tooltip."""
        colour = SERIES_STYLES[index % len(SERIES_STYLES)][0]
        tip = f"<title>{escape(name)}</title>" if name else ""
        if not self.inline:
            return (
                f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
                f'fill="{self.fill(index)}" stroke="#ffffff" stroke-width="0.5">{tip}</rect>'
            )
        return (
            f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
            f'fill="{colour}" stroke="#ffffff" stroke-width="0.5"/>'
            + _marks(SERIES_STYLES[index % len(SERIES_STYLES)][1], x, y, x + width, y + height)
        )

    def render(self, height: float, series_count: int = 0) -> SafeString:
        uid = self.uid
        count = 0 if self.inline else min(series_count, len(SERIES_STYLES))
        defs = "".join(_pattern(uid, i) for i in range(count))
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="kpi-chart mw-100 h-auto" role="img" '
            f'aria-labelledby="{uid}-title {uid}-desc" width="{WIDTH}" height="{_n(height)}" '
            f'viewBox="0 0 {WIDTH} {_n(height)}" preserveAspectRatio="xMinYMin meet">'
            f'<title id="{uid}-title">{escape(self.title)}</title>'
            f'<desc id="{uid}-desc">{escape(self.desc)}</desc>'
            + (f"<defs>{defs}</defs>" if defs else "")
            + "".join(self.parts)
            + "</svg>"
        )
        # every piece of text above went through escape(); the rest is our own markup
        return mark_safe(svg)  # noqa: S308  # nosec B308 B703


def _n(value: float) -> str:
    """A coordinate: at most one decimal, no exponent."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _pattern(uid: str, index: int) -> str:
    """The fill of series ``index``: its colour with white marks of its own kind."""
    colour, kind = SERIES_STYLES[index]
    marks = {
        "solid": "",
        "diagonal": '<path d="M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4" stroke="#ffffff" '
        'stroke-width="1.6"/>',
        "dots": '<circle cx="2" cy="2" r="1.3" fill="#ffffff"/>'
        '<circle cx="6" cy="6" r="1.3" fill="#ffffff"/>',
        "cross": '<path d="M0,0 L8,8 M8,0 L0,8" stroke="#ffffff" stroke-width="1.2"/>',
        "horizontal": '<path d="M0,2 H8 M0,6 H8" stroke="#ffffff" stroke-width="1.4"/>',
        "vertical": '<path d="M2,0 V8 M6,0 V8" stroke="#ffffff" stroke-width="1.4"/>',
    }[kind]
    return (
        f'<pattern id="{uid}-p{index}" patternUnits="userSpaceOnUse" width="8" height="8">'
        f'<rect width="8" height="8" fill="{colour}"/>{marks}</pattern>'
    )


def _clip(
    x0: float, y0: float, x1: float, y1: float, box: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    """The part of the segment (x0, y0)–(x1, y1) inside ``box`` (Liang–Barsky)."""
    left, top, right, bottom = box
    dx, dy = x1 - x0, y1 - y0
    low, high = 0.0, 1.0
    for p, q in ((-dx, x0 - left), (dx, right - x0), (-dy, y0 - top), (dy, bottom - y0)):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            low = max(low, t)
        else:
            high = min(high, t)
    if low >= high:
        return None
    return x0 + low * dx, y0 + low * dy, x0 + high * dx, y0 + high * dy


def _marks(kind: str, left: float, top: float, right: float, bottom: float) -> str:
    """A pattern's white marks drawn into one rectangle (the same 8-unit grid as ``_pattern``)."""
    box = (left, top, right, bottom)
    segments: list[tuple[float, float, float, float]] = []
    dots: list[tuple[float, float]] = []
    start = lambda low: math.floor(low / 8) * 8  # noqa: E731
    if kind in ("diagonal", "cross"):  # "/" lines: x + y = c
        c = start(left + top)
        while c <= right + bottom:
            segments.append((c - bottom, bottom, c - top, top))
            c += 8
    if kind == "cross":  # "\" lines: x - y = c
        c = start(left - bottom)
        while c <= right - top:
            segments.append((c + top, top, c + bottom, bottom))
            c += 8
    if kind == "horizontal":
        y = start(top) + 2
        while y <= bottom:
            segments.append((left, y, right, y))
            y += 4
    if kind == "vertical":
        x = start(left) + 2
        while x <= right:
            segments.append((x, top, x, bottom))
            x += 4
    if kind == "dots":
        for y in range(int(start(top)) + 2, int(bottom), 4):
            for x in range(int(start(left)) + (2 if y % 8 == 2 else 6), int(right), 8):
                if left + 1 <= x <= right - 1 and top + 1 <= y <= bottom - 1:
                    dots.append((x, y))
    out = []
    path = []
    for segment in segments:
        clipped = _clip(*segment, box)
        if clipped:
            a, b, c2, d = clipped
            path.append(f"M{_n(a)},{_n(b)} L{_n(c2)},{_n(d)}")
    if path:
        out.append(f'<path d="{" ".join(path)}" stroke="#ffffff" stroke-width="1.4" fill="none"/>')
    out += [f'<circle cx="{x}" cy="{y}" r="1.3" fill="#ffffff"/>' for x, y in dots]
    return "".join(out)


def _text(x: float, y: float, content: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{_n(x)}" y="{_n(y)}" {FONT} font-size="{size}" fill="{TEXT}" '
        f'text-anchor="{anchor}">{escape(content)}</text>'
    )


def _short(label: str, length: int = 28) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


def _scale(maximum: float) -> tuple[float, list[float]]:
    """A round upper end for the axis and its ticks (1, 2 or 5 times a power of ten)."""
    if maximum <= 0:
        return 1.0, [0.0, 1.0]
    raw = maximum / 4
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    step = max(step, 1.0)
    top = math.ceil(maximum / step) * step
    ticks = [i * step for i in range(round(top / step) + 1)]
    return float(top), ticks


def _legend(chart: _Chart, names: Sequence[str], y: float) -> float:
    """The legend as text with a swatch per series; returns the height it takes."""
    if len(names) < 2:
        return 0.0
    x, row = 10.0, 0
    for index, name in enumerate(names):
        width = 26 + 7.2 * len(name) + 18
        if x + width > WIDTH and x > 10:
            x, row = 10.0, row + 1
        top = y + row * 22
        chart.parts.append(chart.shape(x, top, 16, 16, index, ""))
        chart.parts.append(_text(x + 22, top + 13, name))
        x += width
    return (row + 1) * 22 + 6


def _empty(name: str, title: str, pdf: bool = False) -> SafeString:
    chart = _Chart(name, title, _("No data for this period."), pdf)
    chart.parts.append(_text(10, 24, _("No data")))
    return chart.render(36)


def _columns(
    chart: _Chart,
    categories: Sequence[str],
    series: Sequence[Series],
    every: int = 1,
) -> SafeString:
    """Vertical bars, stacked when there are several series."""
    left, right, top, plot_h = 56.0, 10.0, 12.0, 200.0
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    maximum, ticks = _scale(max(totals, default=0))
    plot_w = WIDTH - left - right
    bottom = top + plot_h
    for tick in ticks:
        y = bottom - tick / maximum * plot_h
        chart.parts.append(
            f'<line x1="{_n(left)}" x2="{_n(WIDTH - right)}" y1="{_n(y)}" y2="{_n(y)}" '
            f'stroke="{GRID}" stroke-width="{1 if tick == 0 else 0.5}"/>'
        )
        chart.parts.append(_text(left - 6, y + 4, labels.number(int(tick)), "end", 11))
    band = plot_w / max(len(categories), 1)
    width = max(band * 0.7, 1.0)
    for i, category in enumerate(categories):
        x = left + i * band + (band - width) / 2
        y = bottom
        for index, one in enumerate(series):
            value = one.values[i] or 0
            if value <= 0:
                continue
            height = value / maximum * plot_h
            y -= height
            name = f"{one.label}, {category}" if len(series) > 1 else category
            chart.parts.append(
                chart.shape(x, y, width, height, index, f"{name}: {labels.number(value)}")
            )
        if i % every == 0:
            chart.parts.append(_text(x + width / 2, bottom + 16, category, "middle", 11))
    height = bottom + 28
    height += _legend(chart, [s.label for s in series], height)
    return chart.render(height, len(series))


def _bars(
    chart: _Chart,
    categories: Sequence[str],
    series: Sequence[Series],
    maximum: float | None = None,
    value_text: Sequence[str] | None = None,
    targets: Sequence[float | None] | None = None,
    share: bool = False,
) -> SafeString:
    """Horizontal bars, stacked when there are several series; a label at the left, the
    value at the bar's end, and an optional target mark per row."""
    left, right, top, row_h = 230.0, 90.0, 8.0, 26.0
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(categories))]
    if maximum is None:
        maximum = _scale(max(totals, default=0))[0]
    plot_w = WIDTH - left - right
    for i, category in enumerate(categories):
        y = top + i * row_h
        chart.parts.append(_text(left - 8, y + 16, _short(category, 32), "end"))
        x = left
        for index, one in enumerate(series):
            value = one.values[i] or 0
            if value <= 0:
                continue
            width = min(value / maximum, 1.0) * plot_w
            name = f"{category}, {one.label}" if len(series) > 1 else category
            shown = labels.percent(value) if share else labels.number(value)
            chart.parts.append(chart.shape(x, y + 3, width, row_h - 8, index, f"{name}: {shown}"))
            x += width
        if targets and targets[i] is not None:
            tx = left + min(float(targets[i] or 0) / maximum, 1.0) * plot_w
            chart.parts.append(
                f'<line x1="{_n(tx)}" x2="{_n(tx)}" y1="{_n(y)}" y2="{_n(y + row_h - 2)}" '
                f'stroke="{TEXT}" stroke-width="2.5" stroke-dasharray="4 2"/>'
            )
            x = max(x, tx)
        text = value_text[i] if value_text else labels.number(totals[i])
        chart.parts.append(_text(x + 6, y + 16, text))
    axis_y = top + len(categories) * row_h
    chart.parts.append(
        f'<line x1="{_n(left)}" x2="{_n(left)}" y1="{_n(top)}" y2="{_n(axis_y)}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    )
    height = axis_y + 10
    names = [s.label for s in series]
    height += _legend(chart, names, height)
    if targets and any(t is not None for t in targets):
        chart.parts.append(
            f'<line x1="10" x2="26" y1="{_n(height + 8)}" y2="{_n(height + 8)}" stroke="{TEXT}" '
            f'stroke-width="2.5" stroke-dasharray="4 2"/>'
        )
        chart.parts.append(_text(32, height + 12, _("target")))
        height += 24
    return chart.render(height, len(series))


def _sentence(pairs: Sequence[tuple[str, str]]) -> str:
    return "; ".join(f"{name}: {value}" for name, value in pairs)


# --- The charts --------------------------------------------------------------------------------
def contacts_by_day(figures: dict, *, pdf: bool = False) -> SafeString:
    """Contacts per day, stacked by channel."""
    title = _("Contacts per day by channel")
    days = (figures.get("contacts") or {}).get("by_day") or []
    if not any(d.get("total") for d in days):
        return _empty("contacts-by-day", title, pdf)
    series = [
        Series(str(name), [float((d.get("by_channel") or {}).get(code) or 0) for d in days])
        for code, name in labels.CHANNELS
    ]
    used = [s for s in series if any(s.values)]
    per_channel = _sentence([(s.label, labels.number(int(sum(s.values)))) for s in used])
    if len(days) <= 31:
        per_day = _sentence(
            [(labels.day(d.get("day")), labels.number(d.get("total"))) for d in days]
        )
        desc = _("Contacts per day: %(days)s. In total per channel: %(channels)s.") % {
            "days": per_day,
            "channels": per_channel,
        }
    else:  # a long period: the extremes here, every day in the table beside the chart
        busiest = max(days, key=lambda d: d.get("total") or 0)
        quietest = min(days, key=lambda d: d.get("total") or 0)
        desc = _(
            "Contacts per day over %(count)s days: the most on %(busiest)s (%(most)s), the "
            "fewest on %(quietest)s (%(fewest)s). In total per channel: %(channels)s."
        ) % {
            "count": len(days),
            "busiest": labels.day(busiest.get("day")),
            "most": labels.number(busiest.get("total") or 0),
            "quietest": labels.day(quietest.get("day")),
            "fewest": labels.number(quietest.get("total") or 0),
            "channels": per_channel,
        }
    chart = _Chart("contacts-by-day", title, desc, pdf)
    categories = [labels.day(d.get("day"), year=False) for d in days]
    every = max(1, math.ceil(len(days) / 16))
    return _columns(chart, categories, used, every)


def contacts_by_hour(figures: dict, *, pdf: bool = False) -> SafeString:
    """Contacts per hour of the day (0–23, local time)."""
    title = _("Contacts by hour of the day")
    hours = list((figures.get("contacts") or {}).get("by_hour") or [])[:24]
    hours += [0] * (24 - len(hours))
    if not any(hours):
        return _empty("contacts-by-hour", title, pdf)
    desc = _("Contacts by hour of the day: %(hours)s.") % {
        "hours": _sentence(
            [(_("%(hour)s o'clock") % {"hour": h}, labels.number(v)) for h, v in enumerate(hours)]
        )
    }
    chart = _Chart("contacts-by-hour", title, desc, pdf)
    return _columns(chart, [str(h) for h in range(24)], [Series(_("Contacts"), hours)])


def channels(figures: dict, *, pdf: bool = False) -> SafeString:
    """Contacts per channel."""
    title = _("Contacts by channel")
    by_channel = (figures.get("contacts") or {}).get("by_channel") or {}
    rows = [(str(name), by_channel.get(code) or 0) for code, name in labels.CHANNELS]
    total = sum(v for _name, v in rows)
    if not total:
        return _empty("channels", title, pdf)
    desc = _("Contacts by channel: %(channels)s (in total %(total)s).") % {
        "channels": _sentence([(n, labels.number(v)) for n, v in rows]),
        "total": labels.number(total),
    }
    chart = _Chart("channels", title, desc, pdf)
    texts = [f"{labels.number(v)} ({labels.percent(v / total)})" for _name, v in rows]
    return _bars(
        chart, [n for n, _value in rows], [Series("", [v for _name, v in rows])], None, texts
    )


def top_request_types(figures: dict, *, pdf: bool = False) -> SafeString:
    """The most frequent request types."""
    title = _("Most frequent request types")
    rows = [r for r in figures.get("top_request_types") or [] if r.get("count")]
    if not rows:
        return _empty("top-request-types", title, pdf)
    names = [str(r.get("request_type") or _("without request type")) for r in rows]
    desc = _("Most frequent request types: %(types)s.") % {
        "types": _sentence(
            [
                (n, f"{labels.number(r['count'])} ({labels.percent(r.get('share'))})")
                for n, r in zip(names, rows, strict=True)
            ]
        )
    }
    chart = _Chart("top-request-types", title, desc, pdf)
    texts = [labels.number(r["count"]) for r in rows]
    return _bars(chart, names, [Series("", [float(r["count"]) for r in rows])], None, texts)


def handoffs_by_department(figures: dict, *, pdf: bool = False) -> SafeString:
    """Handoffs per department: feedback on time, late, and still open past their time."""
    title = _("Handoffs by department: feedback within the deadline")
    rows = [
        r
        for r in (figures.get("handoffs") or {}).get("by_department") or []
        if any(r.get(key) for key, _label in labels.HANDOFF_PARTS)
    ]
    if not rows:
        return _empty("handoffs", title, pdf)
    names = [str(r.get("department") or "") for r in rows]
    series = [
        Series(str(label), [float(r.get(key) or 0) for r in rows])
        for key, label in labels.HANDOFF_PARTS
    ]
    desc = _("Handoffs by department: %(departments)s.") % {
        "departments": "; ".join(
            _(
                "%(department)s: %(total)s in total, %(on_time)s with feedback on time, "
                "%(late)s late, %(open)s open and overdue, on-time rate %(rate)s"
            )
            % {
                "department": name,
                "total": labels.number(r.get("total") or 0),
                "on_time": labels.number(r.get("on_time") or 0),
                "late": labels.number(r.get("late") or 0),
                "open": labels.number(r.get("open_overdue") or 0),
                "rate": labels.percent(r.get("on_time_rate")),
            }
            for name, r in zip(names, rows, strict=True)
        )
    }
    chart = _Chart("handoffs", title, desc, pdf)
    texts = [
        f"{labels.number(r.get('total') or 0)} ({labels.percent(r.get('on_time_rate'))})"
        for r in rows
    ]
    return _bars(chart, names, series, None, texts)


def backlog_by_age(figures: dict, *, pdf: bool = False) -> SafeString:
    """Open requests per department, stacked by their age."""
    title = _("Backlog by department and age")
    rows = [r for r in (figures.get("backlog") or {}).get("by_department") or [] if r.get("open")]
    if not rows:
        return _empty("backlog", title, pdf)
    names = [str(r.get("department") or "") for r in rows]
    series = [
        Series(str(label), [float((r.get("age") or {}).get(key) or 0) for r in rows])
        for key, label in labels.AGE_BANDS
    ]
    desc = _("Open requests by department: %(departments)s.") % {
        "departments": "; ".join(
            _("%(department)s: %(open)s open (%(ages)s), the oldest %(oldest)s days old")
            % {
                "department": name,
                "open": labels.number(r.get("open") or 0),
                "ages": ", ".join(
                    f"{label} {labels.number((r.get('age') or {}).get(key) or 0)}"
                    for key, label in labels.AGE_BANDS
                ),
                "oldest": labels.number(r.get("oldest_days")),
            }
            for name, r in zip(names, rows, strict=True)
        )
    }
    chart = _Chart("backlog", title, desc, pdf)
    return _bars(chart, names, series)


def targets(figures: dict, *, pdf: bool = False) -> SafeString:
    """The 115 rates against their targets (dashed mark): first-contact resolution,
    reachability, feedback on handoffs, callbacks on time."""
    title = _("Key figures against their targets")
    fcr = figures.get("first_contact_resolution") or {}
    reach = figures.get("reachability") or {}
    handoffs = figures.get("handoffs") or {}
    callbacks = figures.get("callbacks") or {}
    rows = [
        (_("First-contact resolution"), fcr.get("rate"), fcr.get("target")),
        (_("Reachability (calls answered in time)"), reach.get("rate"), reach.get("target")),
        (_("Handoffs with feedback on time"), handoffs.get("on_time_rate"), handoffs.get("target")),
        (_("Callbacks on time"), callbacks.get("on_time_rate"), None),
    ]
    if all(rate is None for _name, rate, _t in rows):
        return _empty("targets", title, pdf)
    parts = []
    for name, rate, target in rows:
        text = labels.percent(rate)
        if target is not None:
            text = _("%(value)s (target %(target)s)") % {
                "value": text,
                "target": labels.percent(target),
            }
        parts.append((name, text))
    desc = _sentence(parts) + "."
    chart = _Chart("targets", title, desc, pdf)
    texts = [labels.percent(rate) for _name, rate, _t in rows]
    return _bars(
        chart,
        [n for n, _rate, _t in rows],
        [Series("", [float(rate or 0) for _name, rate, _t in rows])],
        maximum=1.0,
        value_text=texts,
        targets=[t for _name, _rate, t in rows],
        share=True,
    )


ALL = [
    ("targets", targets),
    ("channels", channels),
    ("contacts_by_day", contacts_by_day),
    ("contacts_by_hour", contacts_by_hour),
    ("top_request_types", top_request_types),
    ("handoffs_by_department", handoffs_by_department),
    ("backlog_by_age", backlog_by_age),
]


# the short names the dashboard's template uses
ALIASES = {
    "by_day": "contacts_by_day",
    "by_hour": "contacts_by_hour",
    "top_types": "top_request_types",
    "handoffs": "handoffs_by_department",
    "backlog": "backlog_by_age",
}


def all_charts(figures: dict, *, pdf: bool = False) -> dict[str, SafeString]:
    """Every chart by name, for a template: ``{{ charts.channels }}``. ``pdf``: the patterns
    drawn into each bar (fpdf2's SVG support knows no ``<pattern>``)."""
    rendered = {name: render(figures, pdf=pdf) for name, render in ALL}
    for alias, name in ALIASES.items():
        rendered[alias] = rendered[name]
    return rendered
