"""Settings of ulm_servicepoint, read at call time with their defaults."""

from django.conf import settings

DEFAULTS = {
    "ULM_SERVICEPOINT_CITY_NAME": "Stadt Ulm (Demo)",
    # slug of the one queue open to public submission: the service center (1st level)
    "ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE": "servicecenter",
    # slug of the general information request type ("Allgemeine Auskunft"): what the
    # capture start's and the navigation's one-click entry for an information call opens
    "ULM_SERVICEPOINT_INFORMATION_TYPE": "allgemeine-auskunft",
    # how old the worker's last periodic heartbeat may be before /healthz reports it stale
    "ULM_SERVICEPOINT_WORKER_STALE_SECONDS": 180,
    # largest file a capture field or a letter's scan may have (bytes)
    "ULM_SERVICEPOINT_MAX_UPLOAD_BYTES": 10 * 1024 * 1024,
    # largest request body accepted at all (a form with several files; 413 above it)
    "ULM_SERVICEPOINT_MAX_REQUEST_BYTES": 32 * 1024 * 1024,
    # deepest nesting of a JSON request body (400 above it)
    "ULM_SERVICEPOINT_MAX_JSON_DEPTH": 32,
    # the letters before the year in a ticket's stable reference (SC-2026-000123)
    "ULM_SERVICEPOINT_REFERENCE_PREFIX": "SC",
    # months after a request is closed until its personal data are erased (``retention``), for
    # untyped requests and types without a period of their own; the forms state it (DSGVO
    # Art. 13). Formerly ULM_CHANNELS_RETENTION_MONTHS (still read, deprecated: check W002)
    "ULM_SERVICEPOINT_RETENTION_MONTHS": 6,
    # where packages for the city archive are written (``archive``); empty: no hand-over is
    # possible, so archive-worthy cases are kept and reported as failed exports
    "ULM_SERVICEPOINT_ARCHIVE_DIR": "",
    # days an offer waits for the archive's answer before the case's data are erased anyway
    "ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS": 90,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
