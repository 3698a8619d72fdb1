"""The data-protection officer's audit log: the filtered page and its CSV export. Thin: the
filters and the CSV come from audit_log; reading and exporting are recorded themselves (before
anything is shown: a reading that cannot be recorded is refused)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ulm_privacy import audit, audit_log
from ulm_privacy.middleware import not_recorded
from ulm_servicepoint.refusals import refuse

PERMISSION = "ulm_privacy.view_audit_log"


def _refused(request: HttpRequest) -> HttpResponse:
    return refuse(request, _("Only the data-protection officer may read the audit log."), 403)


def _recorded(request: HttpRequest, action: str, chosen: audit_log.AuditFilter) -> bool:
    try:
        audit.record_request(request, (action, "ulm_privacy.auditevent", "", chosen.as_params()))
    except Exception:
        audit.logger.exception("audit: could not record reading the audit log")
        return False
    return True


def _choices() -> dict:
    return {
        "actions": [(key, str(label)) for key, label in audit.ACTIONS.items()],
        "object_types": [(key, str(label)) for key, label in audit.OBJECT_TYPES.items()],
    }


@login_required
@require_GET
def audit_log_page(request: HttpRequest) -> HttpResponse:
    """Who viewed, searched, exported, changed or deleted personal data: filtered, 50 a page."""
    if not request.user.has_perm(PERMISSION):
        return _refused(request)
    context = {"values": request.GET, "retention": audit.retention_months(), **_choices()}
    try:
        chosen = audit_log.parse_filter(request.GET)
        number = audit_log.parse_page(request.GET)
    except audit_log.FilterInvalid as invalid:
        context["error"] = str(invalid)
        return render(request, "ulm_privacy/audit/log.html", context, status=400)
    if not _recorded(request, "view", chosen):
        return not_recorded(request)
    page = Paginator(audit_log.events(chosen), audit_log.PAGE_SIZE).get_page(number)
    context.update(
        shown=True,
        page=page,
        rows=[
            {
                "event": event,
                "action": audit_log.action_label(event.action),
                "object_type": audit_log.object_type_label(event.object_type),
                "detail": audit_log.detail_text(event.detail),
            }
            for event in page
        ],
        query=request.GET.urlencode(),
        paging=_without_page(request),
    )
    return render(request, "ulm_privacy/audit/log.html", context)


def _without_page(request: HttpRequest) -> str:
    kept = request.GET.copy()
    kept.pop("seite", None)
    return kept.urlencode()


@login_required
@require_GET
def audit_log_export(request: HttpRequest) -> HttpResponseBase:
    """The filtered events as CSV (at most MAX_EXPORT; more: narrow the filter)."""
    if not request.user.has_perm(PERMISSION):
        return _refused(request)
    try:
        chosen = audit_log.parse_filter(request.GET)
    except audit_log.FilterInvalid as invalid:
        return refuse(request, str(invalid), 400)
    selected = audit_log.events(chosen)
    if selected[: audit_log.MAX_EXPORT + 1].count() > audit_log.MAX_EXPORT:
        return refuse(
            request,
            _(
                "At most %(limit)s events can be exported at once. Please narrow the filter, "
                "for example to a shorter period."
            )
            % {"limit": "100.000"},
            400,
        )
    if not _recorded(request, "export", chosen):
        return not_recorded(request)
    response = StreamingHttpResponse(
        audit_log.csv_lines(selected), content_type="text/csv; charset=utf-8"
    )
    name = f"zugriffsprotokoll-{timezone.localdate().isoformat()}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "private, no-store"
    return response
