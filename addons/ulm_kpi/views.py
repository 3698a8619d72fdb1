"""The key-figure pages: the dashboard and its exports. Thin: the figures come from
services.compute, who may see which from services.scope_for."""

from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from ulm_kpi import charts, labels, services
from ulm_servicepoint import services as platform
from ulm_servicepoint.refusals import refuse

CHANNEL_NAMES = dict(labels.CHANNELS)
PRESETS = (
    ("7", gettext_lazy("Last 7 days")),
    ("30", gettext_lazy("Last 30 days")),
    ("monat", gettext_lazy("This month")),
    ("vormonat", gettext_lazy("Last month")),
    ("jahr", gettext_lazy("This year")),
    ("365", gettext_lazy("Last 12 months")),
)


def _request(request: HttpRequest) -> tuple[services.Period, services.Scope, dict]:
    """The period and filters of a query string; raises PeriodInvalid, ScopeInvalid or
    KpiAccessDenied."""
    today = timezone.localdate()
    query = request.GET
    start, end = query.get("von", ""), query.get("bis", "")
    if not start and not end:
        first, last = services.preset_period(query.get("zeitraum", "30"), today)
        start, end = first.isoformat(), last.isoformat()
    values = {
        "von": start[:20],
        "bis": end[:20],
        "abteilung": query.get("abteilung", "")[:100],
        "kanal": query.get("kanal", "")[:20],
        "anliegenart": query.get("anliegenart", "")[:100],
    }
    scope = services.scope_for(
        request.user, values["abteilung"], values["kanal"], values["anliegenart"]
    )
    if scope.department is not None:
        values["abteilung"] = scope.department.slug
    return services.parse_period(values["von"], values["bis"], today), scope, values


def _choices(user) -> dict:
    allowed = services.allowed_departments(user)
    if allowed is None:
        departments = [platform.service_center_queue(), *platform.departments()]
    else:
        departments = allowed
    return {
        "departments": [(q.slug, q.title) for q in departments],
        "all_departments": allowed is None,
        "channels": list(CHANNEL_NAMES.items()),
        "request_types": list(
            platform.RequestType.objects.filter(active=True)
            .order_by("name")
            .values_list("slug", "name")
        ),
        "presets": PRESETS,
    }


@staff_member_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """The 115 key figures of a period, filtered, compared with the previous period."""
    if not services.may_see_kpis(request.user):
        return refuse(request, _("You may not see the key figures."), status=403)
    context = {"channel_names": CHANNEL_NAMES, **_choices(request.user)}
    try:
        period, scope, values = _request(request)
    except services.KpiAccessDenied as denied:
        return refuse(request, str(denied), status=403)
    except (services.PeriodInvalid, services.ScopeInvalid) as invalid:
        context.update(error=str(invalid), values=request.GET)
        return render(request, "ulm_kpi/dashboard.html", context, status=400)
    figures = services.compute(period, scope)
    context.update(
        figures=figures,
        period=period,
        refreshed=services.last_refresh(),
        charts=charts.all_charts(figures),
        values=values,
        query=request.GET.urlencode(),
        channel_rows=[
            (CHANNEL_NAMES[code], count)
            for code, count in figures["contacts"]["by_channel"].items()
        ],
        satisfaction_rows=[
            (level, figures["satisfaction"]["by_level"].get(str(level), 0))
            for level in range(5, 0, -1)
        ],
        day_rows=[
            (day["day"], [day["by_channel"].get(code, 0) for code in CHANNEL_NAMES], day["total"])
            for day in figures["contacts"]["by_day"]
        ],
    )
    return render(request, "ulm_kpi/dashboard.html", context)


EXPORTS = {
    "csv": ("text/csv; charset=utf-8", "to_csv"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "to_xlsx"),
}


@staff_member_required
@require_GET
def export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's figures (same period and filters) as CSV or XLSX."""
    if fmt not in EXPORTS:
        return refuse(request, _("Exports are available as CSV or XLSX."), status=404)
    if not services.may_see_kpis(request.user):
        return refuse(request, _("You may not see the key figures."), status=403)
    try:
        period, scope, _values = _request(request)
    except services.KpiAccessDenied as denied:
        return refuse(request, str(denied), status=403)
    except (services.PeriodInvalid, services.ScopeInvalid) as invalid:
        return refuse(request, str(invalid), status=400)
    from ulm_kpi import exports

    content_type, writer = EXPORTS[fmt]
    body = getattr(exports, writer)(services.compute(period, scope))
    response = HttpResponse(body, content_type=content_type)
    name = f"kennzahlen-{period.start.isoformat()}-{period.end.isoformat()}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
