"""The key figures as CSV and XLSX, and the tables the monthly report prints: every figure of
the figures dict (FIGURES.md) as rows, with German headers and labels.

``tables(figures)`` is the one list of tables; ``to_csv`` and ``to_xlsx`` (and the PDF in
report.py) only format it. CSV is what German Excel opens with a double click: UTF-8 with a byte
order mark, ``;`` between fields, decimal commas. XLSX has one sheet per section, real numbers
with number formats, a bold header row.

Names from data (departments, request types, knowledge items, teams) could start with ``=``,
``+``, ``-`` or ``@`` and would run as a formula in a spreadsheet ("CSV injection"): such a text
gets a leading apostrophe in both formats.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _

from ulm_kpi import labels

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class Rate(float):
    """A share 0..1: "68 %" in CSV and PDF, a percentage cell in XLSX."""


class Minutes(int):
    """A bucketed duration (upper bound, minutes): "bis 45 Min."; minutes in XLSX."""


class Average(float):
    """A mean (e.g. satisfaction 1–5), one decimal."""


@dataclass
class Table:
    key: str  # the sheet's name (at most 31 characters)
    title: str
    headers: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    id: str = ""  # stable name: overview, by_day, by_hour, handoffs, request_types, knowledge,
    # satisfaction, quality, backlog

    def text_rows(self) -> list[list[str]]:
        """The rows as German text, for an HTML table (templates/ulm_kpi/report_table.html)."""
        return [[text(cell, guarded=False) for cell in row] for row in self.rows]


def guard(text: str) -> str:
    """A text that a spreadsheet would take as a formula gets a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text(value: Any, guarded: bool = True, spreadsheet: bool = False) -> str:
    """A cell as German text (CSV and PDF; ``guarded``: defused for spreadsheets;
    ``spreadsheet``: a rate as "91,5%", which German Excel reads as a number)."""
    if value is None:
        return labels.no_data()
    if isinstance(value, Rate):
        shown = labels.percent(value)
        return shown.replace("\u00a0", "") if spreadsheet else shown
    if isinstance(value, Minutes):
        return labels.minutes(value)
    if isinstance(value, float):
        return formats.number_format(value, 1, use_l10n=True)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return guard(str(value)) if guarded else str(value)


def _rate(value: Any) -> Rate | None:
    return None if value is None else Rate(value)


def _minutes(value: Any) -> Minutes | None:
    return None if value is None else Minutes(value)


def _average(value: Any) -> Average | None:
    return None if value is None else Average(value)


# --- The tables --------------------------------------------------------------------------------
def _overview(figures: dict) -> Table:
    """Every single figure: section, figure, value, the previous period's value, target."""
    table = Table(
        _("Key figures"),
        _("Key figures"),
        [_("Section"), _("Figure"), _("Value"), _("Previous period"), _("Target")],
        id="overview",
    )

    def add(section: str, figure: str, value: Any, previous: Any = "", target: Any = "") -> None:
        table.rows.append([section, figure, value, previous, target])

    period, previous = figures.get("period") or {}, figures.get("previous_period") or {}
    filters = figures.get("filters") or {}
    section = _("Period")
    add(section, _("From (day)"), labels.day(period.get("from")))
    add(section, _("To (day)"), labels.day(period.get("to")))
    add(section, _("Days"), period.get("days"), previous.get("days"))
    add(section, _("Previous period"), labels.period({"period": previous}))
    add(section, _("Department"), filters.get("department") or _("all"))
    channel = filters.get("channel")
    add(section, _("Channel"), labels.channel_label(channel) if channel else _("all"))
    add(section, _("Request type"), filters.get("request_type") or _("all"))
    add(section, _("Figures as of"), labels.moment(figures.get("refreshed_at")) or _("now"))

    contacts = figures.get("contacts") or {}
    section = _("Contacts")
    add(section, _("Contacts in total"), contacts.get("total"), contacts.get("previous_total"))
    add(section, _("of which counter visits"), contacts.get("counter_visits"))
    by_channel = contacts.get("by_channel") or {}
    for code, name in labels.CHANNELS:
        add(section, _("Channel: %(channel)s") % {"channel": name}, by_channel.get(code))

    fcr = figures.get("first_contact_resolution") or {}
    section = _("First-contact resolution")
    add(
        section,
        _("Rate"),
        _rate(fcr.get("rate")),
        _rate(fcr.get("previous_rate")),
        _rate(fcr.get("target")),
    )
    add(section, _("Resolved at first contact"), fcr.get("resolved"))
    add(section, _("Requests"), fcr.get("total"))

    reach = figures.get("reachability") or {}
    section = _("Reachability")
    add(
        section,
        _("Calls answered within %(seconds)s seconds") % {"seconds": reach.get("seconds", 30)},
        _rate(reach.get("rate")),
        _rate(reach.get("previous_rate")),
        _rate(reach.get("target")),
    )
    add(section, _("Calls"), reach.get("calls"))
    add(section, _("Answered"), reach.get("answered"))
    add(section, _("Answered in time"), reach.get("answered_in_time"))
    callbacks = figures.get("callbacks") or {}
    add(section, _("Callbacks"), callbacks.get("total"))
    add(section, _("Callbacks on time"), callbacks.get("on_time"))
    add(section, _("Callbacks on time (rate)"), _rate(callbacks.get("on_time_rate")))

    handoffs = figures.get("handoffs") or {}
    section = _("Handoffs")
    add(section, _("Handoffs"), handoffs.get("total"))
    add(section, _("Feedback on time"), handoffs.get("on_time"))
    add(section, _("Feedback late"), handoffs.get("late"))
    add(section, _("Open and overdue"), handoffs.get("open_overdue"))
    add(
        section,
        _("Feedback on time (rate)"),
        _rate(handoffs.get("on_time_rate")),
        _rate(handoffs.get("previous_on_time_rate")),
        _rate(handoffs.get("target")),
    )
    add(section, _("Returned as not responsible"), handoffs.get("not_responsible"))

    for key, section in (
        ("first_response", _("Time to first response")),
        ("resolution", _("Time to resolution")),
    ):
        part = figures.get(key) or {}
        add(
            section,
            _("Median"),
            _minutes(part.get("median_minutes")),
            _minutes(part.get("previous_median_minutes")),
        )
        add(section, _("90th percentile"), _minutes(part.get("p90_minutes")))
        add(section, _("Requests counted"), part.get("count"))

    knowledge = figures.get("knowledge") or {}
    answers = knowledge.get("citizen_answers") or {}
    section = _("Knowledge base")
    add(section, _("Answered with a knowledge item"), knowledge.get("answered_with_item"))
    add(section, _("Share answered with a knowledge item"), _rate(knowledge.get("share")))
    add(section, _("“Did this answer your question?”: yes"), answers.get("helpful"))
    add(section, _("“Did this answer your question?”: no"), answers.get("not_helpful"))
    add(section, _("Open knowledge gaps"), knowledge.get("open_gaps"))

    satisfaction = figures.get("satisfaction") or {}
    section = _("Satisfaction")
    add(section, _("Ratings"), satisfaction.get("count"))
    add(
        section,
        _("Average (1–5)"),
        _average(satisfaction.get("average")),
        _average(satisfaction.get("previous_average")),
    )
    add(section, _("Comments"), satisfaction.get("comments"))

    quality = figures.get("quality") or {}
    add(_("Quality"), _("Reviews"), quality.get("reviews"))
    backlog = figures.get("backlog") or {}
    add(_("Backlog"), _("Open requests"), backlog.get("total"))
    return table


def tables_by_id(figures: dict) -> dict[str, Table]:
    """The tables by their stable id, for a page that shows each beside its chart."""
    return {table.id: table for table in tables(figures)}


def tables(figures: dict) -> list[Table]:
    """Every figure of ``figures`` as German tables: the overview, then one per breakdown."""
    result = [_overview(figures)]
    contacts = figures.get("contacts") or {}

    by_day = Table(
        _("Contacts per day"),
        _("Contacts per day"),
        [_("Day"), _("Contacts"), *[str(name) for _code, name in labels.CHANNELS]],
        id="by_day",
    )
    for day in contacts.get("by_day") or []:
        channels = day.get("by_channel") or {}
        by_day.rows.append(
            [
                labels.day(day.get("day")),
                day.get("total"),
                *[channels.get(code, 0) for code, _name in labels.CHANNELS],
            ]
        )
    result.append(by_day)

    by_hour = Table(
        _("Contacts per hour"),
        _("Contacts by hour of the day"),
        [_("Hour"), _("Contacts")],
        id="by_hour",
    )
    for hour, count in enumerate((contacts.get("by_hour") or [])[:24]):
        by_hour.rows.append([f"{hour:02d}–{hour + 1:02d} " + _("o'clock"), count])
    result.append(by_hour)

    handoffs = Table(
        _("Handoffs"),
        _("Handoffs by department"),
        [
            _("Department"),
            _("Handoffs"),
            _("Feedback on time"),
            _("Feedback late"),
            _("Open and overdue"),
            _("Feedback on time (rate)"),
            _("Not responsible"),
        ],
        id="handoffs",
    )
    for row in (figures.get("handoffs") or {}).get("by_department") or []:
        handoffs.rows.append(
            [
                row.get("department"),
                row.get("total"),
                row.get("on_time"),
                row.get("late"),
                row.get("open_overdue"),
                _rate(row.get("on_time_rate")),
                row.get("not_responsible"),
            ]
        )
    result.append(handoffs)

    types = Table(
        _("Request types"),
        _("Most frequent request types"),
        [_("Request type"), _("Requests"), _("Share")],
        id="request_types",
    )
    for row in figures.get("top_request_types") or []:
        types.rows.append(
            [
                row.get("request_type") or _("without request type"),
                row.get("count"),
                _rate(row.get("share")),
            ]
        )
    result.append(types)

    knowledge = Table(
        _("Knowledge base"),
        _("Knowledge items that helped most"),
        [_("Knowledge item"), _("Uses")],
        id="knowledge",
    )
    for row in (figures.get("knowledge") or {}).get("top_items") or []:
        knowledge.rows.append([row.get("title"), row.get("uses")])
    result.append(knowledge)

    satisfaction = Table(
        _("Satisfaction"),
        _("Satisfaction by rating"),
        [_("Rating"), _("Ratings")],
        id="satisfaction",
    )
    by_level = (figures.get("satisfaction") or {}).get("by_level") or {}
    for level in range(1, 6):
        satisfaction.rows.append([str(level), by_level.get(str(level), 0)])
    result.append(satisfaction)

    quality = Table(
        _("Quality"),
        _("Quality reviews by team"),
        [_("Team"), _("Reviews"), *[str(name) for _key, name in labels.QUALITY_CRITERIA]],
        id="quality",
    )
    for row in (figures.get("quality") or {}).get("by_team") or []:
        criteria = row.get("criteria") or {}
        quality.rows.append(
            [
                row.get("team"),
                row.get("reviews"),
                *[_rate(criteria.get(key)) for key, _name in labels.QUALITY_CRITERIA],
            ]
        )
    result.append(quality)

    backlog = Table(
        _("Backlog"),
        _("Backlog by department and age"),
        [
            _("Department"),
            _("Open"),
            *[str(name) for _key, name in labels.AGE_BANDS],
            _("Oldest (days)"),
        ],
        id="backlog",
    )
    for row in (figures.get("backlog") or {}).get("by_department") or []:
        age = row.get("age") or {}
        backlog.rows.append(
            [
                row.get("department"),
                row.get("open"),
                *[age.get(key, 0) for key, _name in labels.AGE_BANDS],
                row.get("oldest_days"),
            ]
        )
    result.append(backlog)
    return result


# --- CSV -----------------------------------------------------------------------------------------
def to_csv(figures: dict) -> str:
    """All tables in one CSV text (``;``, decimal commas, starting with a byte order mark):
    each table under its title, an empty line between tables."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    for index, table in enumerate(tables(figures)):
        if index:
            writer.writerow([])
        if index:
            writer.writerow([guard(table.title)])
        writer.writerow([guard(h) for h in table.headers])
        for row in table.rows:
            writer.writerow([text(cell, spreadsheet=True) for cell in row])
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------
def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join(" " if c in "[]:*?/\\" else c for c in name).strip()[:31] or "Tabelle"
    candidate, number = clean, 2
    while candidate.lower() in used:
        suffix = f" ({number})"
        candidate, number = clean[: 31 - len(suffix)] + suffix, number + 1
    used.add(candidate.lower())
    return candidate


def to_xlsx(figures: dict) -> bytes:
    """A workbook with one sheet per table; the header row bold and frozen."""
    import xlsxwriter

    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    bold = book.add_format({"bold": True})
    styles = {
        Rate: book.add_format({"num_format": "0.0%"}),
        Minutes: book.add_format({"num_format": '"bis "0" Min."'}),
        Average: book.add_format({"num_format": "0.0"}),
    }
    used: set[str] = set()
    for table in tables(figures):
        sheet = book.add_worksheet(_sheet_name(table.key, used))
        widths = [len(h) for h in table.headers]
        for col, header in enumerate(table.headers):
            sheet.write_string(0, col, guard(header), bold)
        for row_index, row in enumerate(table.rows, start=1):
            for col, cell in enumerate(row):
                if cell is None:
                    sheet.write_string(row_index, col, labels.no_data())
                    shown = labels.no_data()
                elif isinstance(cell, bool):
                    sheet.write_string(row_index, col, str(cell))
                    shown = str(cell)
                elif isinstance(cell, int | float):
                    style = next((s for kind, s in styles.items() if isinstance(cell, kind)), None)
                    sheet.write_number(row_index, col, float(cell), style)
                    shown = text(cell)
                else:
                    shown = guard(str(cell))
                    sheet.write_string(row_index, col, shown)
                widths[col] = max(widths[col], len(shown))
        for col, width in enumerate(widths):
            sheet.set_column(col, col, min(max(width + 2, 8), 60))
        sheet.freeze_panes(1, 0)
    book.close()
    return out.getvalue()


# --- Download responses (for the dashboard's and the report's views) ------------------------------
def response(figures: dict, kind: str, filename: str) -> HttpResponse:
    """An attachment with the figures as ``kind`` ("csv" or "xlsx"), named ``filename`` plus
    the extension. Raises ValueError for any other kind."""
    if kind == "csv":
        body: bytes = to_csv(figures).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    elif kind == "xlsx":
        body = to_xlsx(figures)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise ValueError(kind)
    answer = HttpResponse(body, content_type=content_type)
    answer["Content-Disposition"] = f'attachment; filename="{filename}.{kind}"'
    answer["Cache-Control"] = "private, no-store"
    return answer
