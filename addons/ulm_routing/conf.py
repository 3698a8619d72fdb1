"""Settings of ulm_routing, read at call time with their defaults (checked in checks.py)."""

from django.conf import settings

DEFAULTS = {
    # the zone business calendars count in
    "ULM_ROUTING_TIME_ZONE": "Europe/Berlin",
    # how far a due time may lie in the future before the calendar is taken to be broken
    "ULM_ROUTING_MAX_DUE_DAYS": 3 * 366,
    # the longest replay the what-if simulation accepts
    "ULM_ROUTING_WHATIF_MAX_DAYS": 366,
    # the largest YAML rules file an import accepts (bytes)
    "ULM_ROUTING_MAX_RULES_FILE_BYTES": 2 * 1024 * 1024,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
