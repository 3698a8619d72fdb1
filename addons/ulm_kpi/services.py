"""The public surface of ulm_kpi: the verbs views, commands and jobs use.

The figures (``figures``): the worker's rebuild of the daily pre-aggregates and the figures of
a period; who may see which figures (``access``); the monthly report (``report``); quality
sampling (``quality``)."""

from __future__ import annotations

from ulm_kpi.access import (
    KpiAccessDenied,
    ScopeInvalid,
    allowed_departments,
    may_see_kpis,
    scope_for,
)
from ulm_kpi.demo import load_demo_kpi
from ulm_kpi.exports import guard as spreadsheet_safe
from ulm_kpi.figures import (
    BOUNDS,
    CHANNELS,
    Period,
    PeriodInvalid,
    Scope,
    compute,
    last_refresh,
    parse_period,
    preset_period,
    refresh,
    refresh_recent,
    targets,
)
from ulm_kpi.quality import (
    WeekInvalid,
    can_review,
    draw_week,
    parse_week,
    previous_week,
    quality_figures,
    week_label,
)
from ulm_kpi.report import ReportInvalid, reports_visible_to, request_monthly_report

__all__ = [
    "BOUNDS",
    "CHANNELS",
    "KpiAccessDenied",
    "Period",
    "PeriodInvalid",
    "ReportInvalid",
    "Scope",
    "ScopeInvalid",
    "WeekInvalid",
    "allowed_departments",
    "can_review",
    "compute",
    "draw_week",
    "last_refresh",
    "load_demo_kpi",
    "may_see_kpis",
    "parse_period",
    "parse_week",
    "preset_period",
    "previous_week",
    "quality_figures",
    "refresh",
    "refresh_recent",
    "reports_visible_to",
    "request_monthly_report",
    "scope_for",
    "spreadsheet_safe",
    "targets",
    "week_label",
]
