"""The monthly report: one month's key figures as a PDF for the city's management.

A person (report_views) or the monthly job asks for it with ``request_monthly_report``: the row
and the worker's job are written in one transaction (procrastinate's Django connector writes
through Django's connection), so there is never a report without its job or a job without its
report. The worker calls ``run_monthly_report``, which computes the figures, renders the PDF
(``render_pdf``) and keeps it in the private file storage; a failure is written on the report
("failed", with the error), never lost.

The PDF is fpdf2: a title page with the key figures against their targets, the charts (the
same SVG as the dashboard, with the patterns drawn into the bars, since fpdf2 has no SVG
patterns), a table per section and page numbers. German text needs a Unicode font: DejaVu Sans
from ``ULM_KPI_REPORT_FONT_DIR`` (Debian's fonts-dejavu-core, in the Makefile's packages); without
it the core font Helvetica is used and the text is narrowed to Latin-1 („“ become "", – becomes -).
"""

from __future__ import annotations

import importlib
import io
import logging
import re
import xml.etree.ElementTree as ET  # nosec B405  # parses our own SVG only
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ulm_kpi import charts, exports, labels
from ulm_kpi.models import MonthlyReport

log = logging.getLogger(__name__)
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)  # fpdf2's font subsetting
SVG_TEXT = re.compile(r"<(title|desc)\b[^>]*>.*?</\1>", re.S)

EARLIEST_MONTH = date(2000, 1, 1)
DEFAULT_FONT_DIR = "/usr/share/fonts/truetype/dejavu"
FONT = "DejaVu Sans"  # the family the charts' SVG names, so fpdf2 finds it for their text
MONTHLY_LOCK = 7_141_500_115  # pg_advisory_xact_lock key of the monthly job


class ReportInvalid(ValueError):
    """A request for a report that cannot be made; the message is German and for the user."""


# --- Asking for a report --------------------------------------------------------------------------
def month_start(value: date) -> date:
    return value.replace(day=1)


def month_end(value: date) -> date:
    following = (value.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def parse_month(text: str) -> date:
    """ "2026-11" (an ``<input type="month">``) as the first day of that month."""
    text = (text or "").strip()[:20]
    try:
        year, number = text.split("-")
        if len(year) != 4 or not 1 <= len(number) <= 2:
            raise ValueError(text)
        return date(int(year), int(number), 1)
    except ValueError:
        with translation.override("de"):
            raise ReportInvalid(
                _("Please enter the month as year and month, for example 2026-11.")
            ) from None


def check_month(month: date, today: date | None = None) -> date:
    """The first day of ``month``, if a report can be made for it: not before 2000 and not
    after the current month (the current month gives the figures so far)."""
    month = month_start(month)
    today = today or timezone.localdate()
    with translation.override("de"):
        if month < EARLIEST_MONTH:
            raise ReportInvalid(_("There are no figures before January 2000."))
        if month > month_start(today):
            raise ReportInvalid(_("A report for a month in the future cannot be made yet."))
    return month


@transaction.atomic
def request_monthly_report(month: date, department: Any = None, by: Any = None) -> MonthlyReport:
    """Records a report of ``month`` (for ``department``, a helpdesk Queue, or the whole city
    when None) and asks the worker to make it, in one transaction. Raises ReportInvalid for a
    month in the future or before 2000."""
    month = check_month(month)
    user = by if getattr(by, "is_authenticated", False) else None
    report = MonthlyReport.objects.create(month=month, department=department, created_by=user)
    from procrastinate.contrib.django import app

    app.configure_task("ulm_kpi.build_monthly_report", allow_unknown=False).defer(
        report_id=report.pk
    )
    return report


def request_last_months_report(today: date | None = None) -> MonthlyReport:
    """The monthly job: last month's report for the whole city, once. Asking again (the job
    retried, run by hand) returns the report already requested or made; only a failed one is
    requested anew."""
    today = today or timezone.localdate()
    month = month_start(month_start(today) - timedelta(days=1))
    with transaction.atomic():
        # one monthly job at a time decides (two workers may both run the periodic job)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [MONTHLY_LOCK])
        existing = (
            MonthlyReport.objects.filter(month=month, department=None, created_by=None)
            .exclude(state=MonthlyReport.State.FAILED)
            .first()
        )
        if existing is not None:
            return existing
        return request_monthly_report(month)


def reports_visible_to(user: Any) -> QuerySet[MonthlyReport]:
    """The reports ``user`` may see and download: all of them for holders of
    ``ulm_kpi.view_kpis``, their departments' for a department's head, none for anyone else
    (access.allowed_departments, the dashboard's rule)."""
    from ulm_kpi.access import allowed_departments

    reports = MonthlyReport.objects.select_related("department", "created_by")
    allowed = allowed_departments(user)
    if allowed is None:
        return reports.all()
    return reports.filter(department__in=allowed)


# --- Making it (the worker) -----------------------------------------------------------------------
def run_monthly_report(
    report_id: int, figures_for: Callable[[MonthlyReport], dict] | None = None
) -> None:
    """The worker's job: makes the report, or records why it could not. Never raises (the
    error is on the report, the user sees it in the list). ``figures_for(report)`` gives the
    figures (default: ``compute_figures``, i.e. figures.compute)."""
    report = MonthlyReport.objects.select_related("department").filter(pk=report_id).first()
    if report is None or report.state == MonthlyReport.State.DONE:
        return
    try:
        build_monthly_report(report, (figures_for or compute_figures)(report))
    except Exception as error:
        log.exception("monthly report %s failed", report_id)
        MonthlyReport.objects.filter(pk=report_id).update(
            state=MonthlyReport.State.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
            updated_at=timezone.now(),
        )


def compute_figures(report: MonthlyReport) -> dict:
    """The figures of the report's month (up to today while it runs) for its department or the
    whole city: the one call into figures.py (``compute(Period, Scope)``)."""
    # imported by name: figures.py is the lead's module and this one must not need it to load
    kpi_figures = importlib.import_module("ulm_kpi.figures")
    first = month_start(report.month)
    last = min(month_end(report.month), max(timezone.localdate(), first))
    period = kpi_figures.Period(first, last)
    scope = kpi_figures.Scope(department=report.department)
    return kpi_figures.compute(period, scope)


def build_monthly_report(report: MonthlyReport, figures: dict | None = None) -> MonthlyReport:
    """Renders the report's PDF from ``figures`` (computed when None), stores it and marks the
    report done."""
    if figures is None:
        figures = compute_figures(report)
    with translation.override("de"):
        scope = report.department.title if report.department else _("the whole city")
        pdf = render_pdf(figures, report.month, scope)
    old = report.file.name if report.file else ""
    slug = report.department.slug if report.department else "stadt"
    report.file.save(
        f"kennzahlen-{report.month:%Y-%m}-{slug}-{report.pk}.pdf", ContentFile(pdf), save=False
    )
    if old and old != report.file.name:
        report.file.storage.delete(old)
    report.state = MonthlyReport.State.DONE
    report.error = ""
    report.finished_at = timezone.now()
    report.save()
    return report


def download_name(report: MonthlyReport) -> str:
    slug = report.department.slug if report.department else "stadt"
    return f"kennzahlen-{report.month:%Y-%m}-{slug}.pdf"


# --- The PDF -------------------------------------------------------------------------------------
LATIN1 = str.maketrans(
    {
        "„": '"',
        "“": '"',
        "”": '"',
        "‚": "'",
        "‘": "'",
        "’": "'",
        "–": "-",
        "—": "-",
        "…": "...",
        "\u2009": " ",
        "\u202f": " ",
        "≥": ">=",
        "≤": "<=",
    }
)


def _latin1(text: str) -> str:
    return text.translate(LATIN1).encode("latin-1", "replace").decode("latin-1")


def _font_dir() -> Path | None:
    folder = Path(getattr(settings, "ULM_KPI_REPORT_FONT_DIR", DEFAULT_FONT_DIR))
    if (folder / "DejaVuSans.ttf").is_file() and (folder / "DejaVuSans-Bold.ttf").is_file():
        return folder
    return None


def _svg_desc(svg: str) -> str:
    desc = ET.fromstring(svg).find("{http://www.w3.org/2000/svg}desc")  # noqa: S314  # nosec B314  # ours
    return (desc.text or "") if desc is not None else ""


def render_pdf(figures: dict, month: date, scope: str) -> bytes:
    """The report as PDF bytes (German: call it with German active)."""
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    folder = _font_dir()
    clean = (lambda text: text) if folder else _latin1
    heading = _("Key figures of the citizens' service – %(month)s") % {"month": labels.month(month)}

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.set_text_color(70, 70, 70)
            self.cell(0, 6, clean(heading), align="L")
            self.set_x(self.l_margin)
            self.cell(
                0,
                6,
                clean(_("Page %(page)s of %(pages)s") % {"page": self.page_no(), "pages": "{nb}"}),
                align="R",
            )

    pdf = Report(orientation="P", unit="mm", format="A4")
    if folder:
        pdf.add_font(FONT, "", str(folder / "DejaVuSans.ttf"))
        pdf.add_font(FONT, "B", str(folder / "DejaVuSans-Bold.ttf"))
        family = FONT
    else:
        family = "helvetica"
    pdf.set_lang("de")
    pdf.set_title(clean(heading))
    pdf.set_author(clean(_("City of Ulm, citizens' service")))
    pdf.set_creator("ulm-servicepoint")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.set_margins(15, 15, 15)
    pdf.set_text_color(26, 26, 26)
    width = pdf.epw

    # title page
    pdf.add_page()
    pdf.set_font(family, "B", 20)
    pdf.multi_cell(width, 10, clean(heading), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(family, "", 11)
    period = figures.get("period") or {}
    previous = figures.get("previous_period") or {}
    lines = [
        _("For: %(scope)s") % {"scope": scope},
        _("Period: %(period)s") % {"period": labels.period(figures)},
        _("Compared with: %(period)s") % {"period": labels.period({"period": previous})},
        _("Made on %(date)s") % {"date": timezone.localtime().strftime("%d.%m.%Y %H:%M")},
    ]
    if not period:
        lines.pop(1)
    for line in lines:
        pdf.multi_cell(width, 6, clean(line), align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(family, "B", 13)
    pdf.cell(
        width, 8, clean(_("The key figures against their targets")), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.set_font(family, "", 9)
    with pdf.table(
        col_widths=(62, 28, 28, 28, 34),
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=5.5,
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "LEFT"),
    ) as table:
        for row in _key_rows(figures):
            cells = table.row()
            for value in row:
                cells.cell(clean(value))

    # the charts
    for name, render in charts.ALL:
        svg = str(render(figures, pdf=True))
        root = ET.fromstring(svg)  # noqa: S314  # nosec B314  # our own SVG
        title = root.find("{http://www.w3.org/2000/svg}title")
        height = width * float(root.get("height", "100")) / float(root.get("width", "720"))
        if pdf.get_y() + height + 12 > pdf.page_break_trigger:
            pdf.add_page()
        else:
            pdf.ln(4)
        pdf.set_font(family, "B", 12)
        pdf.cell(
            width,
            7,
            clean(title.text or name if title is not None else name),
            new_x="LMARGIN",
            new_y="NEXT",
        )
        # fpdf2 knows neither <title> nor <desc> (and logs each): the description is the alt text
        source = SVG_TEXT.sub("", svg if folder else _latin1(svg))
        pdf.image(io.BytesIO(source.encode("utf-8")), w=width, alt_text=clean(_svg_desc(svg)))

    # a table per section
    for table_data in exports.tables(figures):
        pdf.add_page() if pdf.get_y() > pdf.page_break_trigger - 40 else pdf.ln(6)
        pdf.set_font(family, "B", 12)
        pdf.cell(width, 7, clean(table_data.title), new_x="LMARGIN", new_y="NEXT")
        if not table_data.rows:
            pdf.set_font(family, "", 9)
            pdf.cell(width, 6, clean(_("No data")), new_x="LMARGIN", new_y="NEXT")
            continue
        columns = len(table_data.headers)
        textual = [_is_text_column(table_data.rows, i) for i in range(columns)]
        pdf.set_font(family, "", 8 if columns > 5 else 9)
        with pdf.table(
            col_widths=tuple(2.0 if text else 1.0 for text in textual),
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            line_height=4.8,
            text_align=tuple("LEFT" if text else "RIGHT" for text in textual),
        ) as table:
            cells = table.row()
            for header in table_data.headers:
                cells.cell(clean(header))
            for row in table_data.rows:
                cells = table.row()
                for value in row:
                    cells.cell(clean(exports.text(value)))
    return bytes(pdf.output())


def _is_text_column(rows: list[list[Any]], index: int) -> bool:
    """Whether most filled cells of a column are words (left-aligned, wider) or numbers."""
    cells = [row[index] for row in rows if index < len(row) and row[index] not in ("", None)]
    words = sum(1 for cell in cells if isinstance(cell, str))
    return words * 2 > len(cells)


def _key_rows(figures: dict) -> list[list[str]]:
    """The title page's table: figure, value, target, previous period, verdict."""
    fcr = figures.get("first_contact_resolution") or {}
    reach = figures.get("reachability") or {}
    handoffs = figures.get("handoffs") or {}
    callbacks = figures.get("callbacks") or {}
    first = figures.get("first_response") or {}
    resolution = figures.get("resolution") or {}
    satisfaction = figures.get("satisfaction") or {}
    contacts = figures.get("contacts") or {}

    def verdict(value: float | None, target: float | None) -> str:
        if value is None or target is None:
            return "–"
        return _("reached") if value >= target - 1e-9 else _("not reached")

    rows = [[_("Figure"), _("Value"), _("Target"), _("Previous period"), _("Assessment")]]
    for name, part, key, previous in (
        (_("First-contact resolution"), fcr, "rate", "previous_rate"),
        (_("Reachability (calls answered in time)"), reach, "rate", "previous_rate"),
        (_("Handoffs with feedback on time"), handoffs, "on_time_rate", "previous_on_time_rate"),
    ):
        target = part.get("target")
        rows.append(
            [
                name,
                labels.percent(part.get(key)),
                labels.percent(target) if target is not None else "–",
                labels.percent(part.get(previous)),
                verdict(part.get(key), target),
            ]
        )
    rows.append(
        [_("Callbacks on time"), labels.percent(callbacks.get("on_time_rate")), "–", "–", "–"]
    )
    rows.append(
        [
            _("Contacts"),
            labels.number(contacts.get("total") or 0),
            "–",
            labels.number(contacts.get("previous_total")),
            "–",
        ]
    )
    for name, part in (
        (_("Time to first response (median)"), first),
        (_("Time to resolution (median)"), resolution),
    ):
        rows.append(
            [
                name,
                labels.minutes(part.get("median_minutes")),
                "–",
                labels.minutes(part.get("previous_median_minutes")),
                "–",
            ]
        )
    rows.append(
        [
            _("Satisfaction (average of 1–5)"),
            labels.number(satisfaction.get("average")),
            "–",
            labels.number(satisfaction.get("previous_average")),
            "–",
        ]
    )
    return rows


def month_of_timestamp(timestamp: int) -> date:
    """The local day of a periodic job's timestamp."""
    return timezone.localtime(datetime.fromtimestamp(timestamp, tz=UTC)).date()
