"""System checks of ulm_privacy's settings (``manage.py check``)."""

from django.conf import settings
from django.core.checks import CheckMessage, register
from django.core.checks import Error as CheckError


@register
def check_audit_retention(app_configs=None, **kwargs) -> list[CheckMessage]:
    """The audit log's own retention: a positive whole number of months (0 or less would
    delete the log as it is written)."""
    months = getattr(settings, "ULM_PRIVACY_AUDIT_RETENTION_MONTHS", 24)
    if isinstance(months, bool) or not isinstance(months, int) or months < 1:
        return [
            CheckError(
                "ULM_PRIVACY_AUDIT_RETENTION_MONTHS must be a positive whole number of months "
                f"(got {months!r}).",
                id="ulm_privacy.E001",
            )
        ]
    return []
