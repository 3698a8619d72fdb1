"""Start-up checks of ulm_routing's settings (``manage.py check``)."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core import checks

from ulm_routing import conf


@checks.register()
def check_routing_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    try:
        ZoneInfo(str(conf.get("ULM_ROUTING_TIME_ZONE")))
    except (ZoneInfoNotFoundError, ValueError):
        errors.append(
            checks.Error(
                "ULM_ROUTING_TIME_ZONE must name a time zone, e.g. Europe/Berlin.",
                id="ulm_routing.E001",
            )
        )
    for name in (
        "ULM_ROUTING_MAX_DUE_DAYS",
        "ULM_ROUTING_WHATIF_MAX_DAYS",
        "ULM_ROUTING_MAX_RULES_FILE_BYTES",
    ):
        value = conf.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            errors.append(
                checks.Error(f"{name} must be a positive whole number.", id="ulm_routing.E002")
            )
    hours = conf.get("ULM_ROUTING_ESCALATION_HOURS")
    if (
        not isinstance(hours, (list, tuple))
        or len(hours) != 3
        or any(not isinstance(h, (int, float)) or isinstance(h, bool) or h < 0 for h in hours)
        or list(hours) != sorted(hours)
    ):
        errors.append(
            checks.Error(
                "ULM_ROUTING_ESCALATION_HOURS must be three ascending non-negative numbers "
                "(open hours after the due time of steps 1, 2 and 3).",
                id="ulm_routing.E003",
            )
        )
    return errors
