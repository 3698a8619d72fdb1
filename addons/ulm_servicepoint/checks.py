"""Start-up checks of the settings this project relies on (``manage.py check``)."""

from django.conf import settings
from django.core import checks


@checks.register()
def check_helpdesk_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    if getattr(settings, "HELPDESK_TEAMS_MODE_ENABLED", True):
        errors.append(
            checks.Error(
                "HELPDESK_TEAMS_MODE_ENABLED must be False: teams mode is baked into the "
                "helpdesk's migration 0043 and our department model uses queues instead.",
                id="ulm_servicepoint.E001",
            )
        )
    if not getattr(settings, "HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION", False):
        errors.append(
            checks.Error(
                "HELPDESK_ENABLE_PER_QUEUE_STAFF_PERMISSION must be True, or every clerk sees "
                "every department's tickets.",
                id="ulm_servicepoint.E002",
            )
        )
    if not str(settings.LANGUAGE_CODE).startswith("de"):
        errors.append(
            checks.Warning(
                f"LANGUAGE_CODE is {settings.LANGUAGE_CODE!r}; the product is made for German.",
                id="ulm_servicepoint.W001",
            )
        )
    return errors


@checks.register()
def check_servicepoint_settings(app_configs, **kwargs):
    from ulm_servicepoint import conf

    errors: list[checks.CheckMessage] = []
    limit = conf.get("ULM_SERVICEPOINT_MAX_UPLOAD_BYTES")
    if not isinstance(limit, int) or limit <= 0:
        errors.append(
            checks.Error(
                f"ULM_SERVICEPOINT_MAX_UPLOAD_BYTES must be a positive number of bytes, "
                f"not {limit!r}.",
                id="ulm_servicepoint.E003",
            )
        )
    months = conf.get("ULM_CHANNELS_RETENTION_MONTHS")
    if not isinstance(months, int) or months <= 0:
        errors.append(
            checks.Error(
                f"ULM_CHANNELS_RETENTION_MONTHS must be a positive integer, not {months!r}.",
                id="ulm_servicepoint.E004",
            )
        )
    return errors
