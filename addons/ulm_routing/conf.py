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
    # escalation of overdue handoffs and callbacks: open hours after the due time at which
    # step 1 (the clerk), step 2 (the department's heads), step 3 (the service-center lead) run
    "ULM_ROUTING_ESCALATION_HOURS": (0, 4, 8),
    # the group of the service-center lead (escalation step 3)
    "ULM_ROUTING_LEAD_GROUP": "Servicecenter-Leitung",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
