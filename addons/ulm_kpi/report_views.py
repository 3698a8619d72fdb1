"""Pages of the monthly reports: the list with the form to ask for one, and the download.
Only holders of ``ulm_kpi.view_kpis`` (report.reports_visible_to decides which reports);
asking is a POST, every bad input a German 400."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from ulm_kpi import labels
from ulm_kpi import report as reports
from ulm_kpi.access import allowed_departments, may_see_kpis
from ulm_kpi.models import MonthlyReport
from ulm_servicepoint import services as platform
from ulm_servicepoint.refusals import refuse

LISTED = 120  # ten years of monthly reports


def _may_see_reports(user) -> bool:
    return may_see_kpis(user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def report_list(request: HttpRequest) -> HttpResponse:
    """The reports made and being made; the form asks for another."""
    if not _may_see_reports(request.user):
        raise PermissionDenied
    if request.method == "POST":
        return _request_report(request)
    today = timezone.localdate()
    last_month = reports.month_start(reports.month_start(today) - timedelta(days=1))
    rows = [
        {"report": r, "month": labels.month(r.month)}
        for r in reports.reports_visible_to(request.user)[:LISTED]
    ]
    return render(
        request,
        "ulm_kpi/report_list.html",
        {
            "rows": rows,
            "departments": _departments(request.user),
            "whole_city": allowed_departments(request.user) is None,
            "default_month": f"{last_month:%Y-%m}",
            "max_month": f"{today:%Y-%m}",
            "min_month": f"{reports.EARLIEST_MONTH:%Y-%m}",
        },
    )


def _departments(user) -> list:
    allowed = allowed_departments(user)
    return list(platform.departments()) if allowed is None else allowed


def _request_report(request: HttpRequest) -> HttpResponse:
    try:
        month = reports.parse_month(request.POST.get("monat", ""))
        slug = request.POST.get("abteilung", "").strip()[:100]
        department = None
        if slug:
            department = platform.departments().filter(slug=slug).first()
            if department is None:
                raise reports.ReportInvalid(_("This department does not exist."))
        allowed = allowed_departments(request.user)
        if allowed is not None and department not in allowed:
            # a department's head asks for their department's report only
            return refuse(
                request, _("You may only see the key figures of your department."), status=403
            )
        report = reports.request_monthly_report(month, department, by=request.user)
    except reports.ReportInvalid as invalid:
        return refuse(request, str(invalid), status=400)
    messages.success(
        request,
        _("The report for %(month)s is being prepared; it appears here when it is ready.")
        % {"month": labels.month(report.month)},
    )
    return redirect("ulm_kpi:reports")


@login_required
@require_GET
def report_download(request: HttpRequest, report_id: int) -> HttpResponseBase:
    """The PDF of one report that is ready."""
    if not _may_see_reports(request.user):
        raise PermissionDenied
    report = get_object_or_404(reports.reports_visible_to(request.user), pk=report_id)
    if report.state != MonthlyReport.State.DONE or not report.file:
        return refuse(request, _("This report is not ready (yet)."), status=404)
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=reports.download_name(report),
        content_type="application/pdf",
    )
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
