"""The public surface of ulm_kpi: the verbs views, commands and jobs use.

The figures (``figures``): the worker's rebuild of the daily pre-aggregates and the figures of
a period; who may see which figures (``access``)."""

from __future__ import annotations

from ulm_kpi.access import (
    KpiAccessDenied,
    ScopeInvalid,
    allowed_departments,
    may_see_kpis,
    scope_for,
)
from ulm_kpi.demo import load_demo_kpi
from ulm_kpi.figures import (
    BOUNDS,
    CHANNELS,
    Period,
    PeriodInvalid,
    Scope,
    compute,
    last_refresh,
    parse_period,
    refresh,
    refresh_recent,
    targets,
)

__all__ = [
    "BOUNDS",
    "CHANNELS",
    "KpiAccessDenied",
    "Period",
    "PeriodInvalid",
    "Scope",
    "ScopeInvalid",
    "allowed_departments",
    "compute",
    "last_refresh",
    "load_demo_kpi",
    "may_see_kpis",
    "parse_period",
    "refresh",
    "refresh_recent",
    "scope_for",
    "targets",
]
