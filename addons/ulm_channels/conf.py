"""Settings of ulm_channels, read at call time with their defaults (checked in checks.py)."""

from django.conf import settings

DEFAULTS = {
    # the retention periods the forms state are the platform's (ULM_SERVICEPOINT_RETENTION_MONTHS
    # and each request type's), read through ulm_servicepoint.services.retention_months_of
    "ULM_CHANNELS_PRIVACY_URL": "",
    # spam protection: a form sent faster than this is asked to be sent again (time trap) …
    "ULM_CHANNELS_MIN_FILL_SECONDS": 3,
    # … and a form older than this (seconds) too: the page was open for too long
    "ULM_CHANNELS_MAX_FORM_AGE": 24 * 60 * 60,
    # submissions per e-mail address and per IP address within the window before further ones
    # are kept aside for review (never dropped)
    "ULM_CHANNELS_RATE_LIMIT_PER_EMAIL": 5,
    "ULM_CHANNELS_RATE_LIMIT_PER_IP": 20,
    "ULM_CHANNELS_RATE_LIMIT_WINDOW": 60 * 60,
    # satisfaction ratings (their POSTs, valid or not) per IP address within the same window;
    # more are refused with 429
    "ULM_CHANNELS_RATING_RATE_LIMIT_PER_IP": 10,
    # uploads on the public forms
    "ULM_CHANNELS_UPLOAD_MAX_BYTES": 10 * 1024 * 1024,
    "ULM_CHANNELS_UPLOAD_EXTENSIONS": ["pdf", "jpg", "jpeg", "png", "txt"],
    # origins (https://www.ulm.de) whose pages may embed the form in an iframe
    "ULM_CHANNELS_EMBED_ORIGINS": [],
    # the PBX's bearer token for /telefon/ereignis/ (from the environment); empty: endpoint off
    "ULM_CHANNELS_PHONE_TOKEN": "",
    # the reachability promise: answered within this many seconds (115 standard: 30)
    "ULM_CHANNELS_PHONE_ANSWER_SECONDS": 30,
    # the agent's capture screen for a call, with {number} and {call}; empty: the host's form
    "ULM_CHANNELS_CAPTURE_URL": "",
    # dotted path to f(normalised number) -> ticket ids of the citizen register; empty: none
    "ULM_CHANNELS_CALLER_LOOKUP": "",
    # e-mail gateway
    "ULM_CHANNELS_MAIL_CLOSED_REPLY": "reopen",  # or "new": a linked new ticket
    "ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS": 180,  # raw copies of received mail
    "ULM_CHANNELS_MAIL_DOMAIN": "",  # right side of our Message-IDs; empty: DEFAULT_FROM_EMAIL's
    "ULM_CHANNELS_MAIL_SEND_ACKNOWLEDGEMENT": True,
    "ULM_CHANNELS_MAIL_MAILBOXES": [],  # dicts like Mailbox's fields, in addition to the DB's
    "ULM_CHANNELS_MAIL_IMAP_TIMEOUT": 30,  # seconds
    "ULM_CHANNELS_MAIL_CAFILE": "",  # CA bundle for the IMAP servers; empty: the system's
    # the outbox: first wait after a failed attempt (doubled per failure, up to the maximum),
    # attempts before giving up, and the largest attachment a mail may carry
    "ULM_CHANNELS_OUTBOX_RETRY_SECONDS": 60,
    "ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS": 60 * 60,
    "ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS": 50,
    "ULM_CHANNELS_OUTBOX_MAX_ATTACHMENT_BYTES": 10 * 1024 * 1024,
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
