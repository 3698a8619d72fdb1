"""Settings of ulm_channels, read at call time with their defaults."""

from django.conf import settings

DEFAULTS = {
    # stated to citizens on every form (DSGVO Art. 13)
    "ULM_CHANNELS_RETENTION_MONTHS": 6,
    "ULM_CHANNELS_PRIVACY_URL": "",
    # e-mail gateway
    "ULM_CHANNELS_MAIL_CLOSED_REPLY": "reopen",  # or "new": a linked new ticket
    "ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS": 180,  # raw copies of received mail
    "ULM_CHANNELS_MAIL_DOMAIN": "",  # right side of our Message-IDs; empty: DEFAULT_FROM_EMAIL's
    "ULM_CHANNELS_MAIL_SEND_ACKNOWLEDGEMENT": True,
    "ULM_CHANNELS_MAIL_MAILBOXES": [],  # dicts like Mailbox's fields, in addition to the DB's
    "ULM_CHANNELS_MAIL_IMAP_TIMEOUT": 30,  # seconds
    "ULM_CHANNELS_MAIL_CAFILE": "",  # CA bundle for the IMAP servers; empty: the system's
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
