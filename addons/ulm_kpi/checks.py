"""System checks of ulm_kpi's settings (``manage.py check``)."""

from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError

from ulm_kpi import quality
from ulm_kpi.figures import DEFAULT_TARGETS

register(quality.check_quality_settings)


@register
def check_kpi_settings(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The targets are shares of the figures the dashboard knows; the rebuild goes back 1 to
    3660 days."""
    errors: list[CheckMessage] = []
    targets = getattr(settings, "ULM_KPI_TARGETS", {})
    if not isinstance(targets, dict):
        return [CheckError("ULM_KPI_TARGETS must be a dict.", id="ulm_kpi.E001")]
    for name, value in targets.items():
        if name not in DEFAULT_TARGETS:
            errors.append(
                CheckError(
                    f"ULM_KPI_TARGETS names {name!r}; known are {sorted(DEFAULT_TARGETS)}.",
                    id="ulm_kpi.E002",
                )
            )
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
            errors.append(
                CheckError(
                    f"ULM_KPI_TARGETS[{name!r}] must be a share from 0 to 1, e.g. 0.65.",
                    id="ulm_kpi.E003",
                )
            )
    days = getattr(settings, "ULM_KPI_REFRESH_DAYS", 62)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3660:
        errors.append(
            CheckError(
                "ULM_KPI_REFRESH_DAYS must be a whole number from 1 to 3660.", id="ulm_kpi.E004"
            )
        )
    return errors
