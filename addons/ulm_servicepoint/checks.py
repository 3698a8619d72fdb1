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
    errors += _retention_checks()
    return errors


def _positive_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _retention_checks() -> list[checks.CheckMessage]:
    import os
    from pathlib import Path

    from ulm_servicepoint import conf

    errors: list[checks.CheckMessage] = []
    for name in ("ULM_SERVICEPOINT_RETENTION_MONTHS", "ULM_CHANNELS_RETENTION_MONTHS"):
        if name == "ULM_CHANNELS_RETENTION_MONTHS" and not hasattr(settings, name):
            continue
        months = conf.get(name) if name in conf.DEFAULTS else getattr(settings, name)
        if not _positive_int(months):
            errors.append(
                checks.Error(
                    f"{name} must be a positive whole number of months, not {months!r}.",
                    id="ulm_servicepoint.E004",
                )
            )
    if hasattr(settings, "ULM_CHANNELS_RETENTION_MONTHS"):
        errors.append(
            checks.Warning(
                "ULM_CHANNELS_RETENTION_MONTHS is deprecated: name the retention period "
                "ULM_SERVICEPOINT_RETENTION_MONTHS (read only while that is not set).",
                id="ulm_servicepoint.W002",
            )
        )
    wait = conf.get("ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS")
    if not _positive_int(wait):
        errors.append(
            checks.Error(
                f"ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS must be a positive whole number of days, "
                f"not {wait!r}.",
                id="ulm_servicepoint.E005",
            )
        )
    folder = conf.get("ULM_SERVICEPOINT_ARCHIVE_DIR")
    if folder:
        path = Path(str(folder))
        if not path.is_absolute() or not path.is_dir() or not os.access(path, os.W_OK | os.X_OK):
            errors.append(
                checks.Error(
                    f"ULM_SERVICEPOINT_ARCHIVE_DIR {str(folder)!r} must be an absolute path to an "
                    "existing directory this process may write: packages for the city archive "
                    "are written there.",
                    id="ulm_servicepoint.E006",
                )
            )
    return errors
