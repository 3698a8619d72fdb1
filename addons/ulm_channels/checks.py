"""Start-up checks of the ulm_channels settings: web forms, phone, e-mail (``manage.py check``)."""

from django.core import checks

from ulm_channels import conf

POSITIVE_INTEGERS = [
    "ULM_CHANNELS_MAX_FORM_AGE",
    "ULM_CHANNELS_RATE_LIMIT_PER_EMAIL",
    "ULM_CHANNELS_RATE_LIMIT_PER_IP",
    "ULM_CHANNELS_RATING_RATE_LIMIT_PER_IP",
    "ULM_CHANNELS_RATE_LIMIT_WINDOW",
    "ULM_CHANNELS_UPLOAD_MAX_BYTES",
    "ULM_CHANNELS_PHONE_ANSWER_SECONDS",
]


@checks.register()
def check_channel_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    for name in POSITIVE_INTEGERS:
        value = conf.get(name)
        if not isinstance(value, int) or value <= 0:
            errors.append(
                checks.Error(
                    f"{name} must be a positive integer, not {value!r}.", id="ulm_channels.E001"
                )
            )
    minimum = conf.get("ULM_CHANNELS_MIN_FILL_SECONDS")
    if not isinstance(minimum, int | float) or minimum < 0:
        errors.append(
            checks.Error(
                f"ULM_CHANNELS_MIN_FILL_SECONDS must be zero or more, not {minimum!r}.",
                id="ulm_channels.E002",
            )
        )
    for origin in conf.get("ULM_CHANNELS_EMBED_ORIGINS"):
        if not str(origin).startswith(("https://", "http://")) or str(origin).count("/") != 2:
            errors.append(
                checks.Error(
                    f"ULM_CHANNELS_EMBED_ORIGINS: {origin!r} is not an origin like "
                    "https://www.ulm.de (scheme and host, no path).",
                    id="ulm_channels.E003",
                )
            )
    token = conf.get("ULM_CHANNELS_PHONE_TOKEN")
    if token and len(token) < 24:
        errors.append(
            checks.Error(
                "ULM_CHANNELS_PHONE_TOKEN is too short: use at least 24 random characters.",
                id="ulm_channels.E004",
            )
        )
    lookup = conf.get("ULM_CHANNELS_CALLER_LOOKUP")
    if lookup:
        from django.utils.module_loading import import_string

        try:
            import_string(lookup)
        except ImportError:
            errors.append(
                checks.Error(
                    f"ULM_CHANNELS_CALLER_LOOKUP: {lookup!r} cannot be imported.",
                    id="ulm_channels.E005",
                )
            )
    capture = conf.get("ULM_CHANNELS_CAPTURE_URL")
    if capture:
        try:
            capture.format(number="", call="")
        except (KeyError, IndexError, ValueError):
            errors.append(
                checks.Error(
                    "ULM_CHANNELS_CAPTURE_URL may only use the placeholders {number} and {call}.",
                    id="ulm_channels.E006",
                )
            )
    return errors


OUTBOX_BACKEND = "ulm_channels.mail.backend.OutboxBackend"
OUTBOX_POSITIVE = [
    "ULM_CHANNELS_OUTBOX_RETRY_SECONDS",
    "ULM_CHANNELS_OUTBOX_RETRY_MAX_SECONDS",
    "ULM_CHANNELS_OUTBOX_MAX_ATTEMPTS",
    "ULM_CHANNELS_OUTBOX_MAX_ATTACHMENT_BYTES",
]


@checks.register()
def check_outbox_settings(app_configs, **kwargs):
    from django.conf import settings

    errors: list[checks.CheckMessage] = [
        checks.Error(
            f"{name} must be a positive integer, not {conf.get(name)!r}.", id="ulm_channels.E201"
        )
        for name in OUTBOX_POSITIVE
        if not isinstance(conf.get(name), int) or conf.get(name) <= 0
    ]
    if settings.EMAIL_BACKEND != OUTBOX_BACKEND:
        errors.append(
            checks.Warning(
                f"EMAIL_BACKEND is {settings.EMAIL_BACKEND!r}: the host's mails and every "
                "send_mail bypass the outbox (sent inside the request, not retried).",
                hint=f"Set EMAIL_BACKEND = {OUTBOX_BACKEND!r}.",
                id="ulm_channels.W201",
            )
        )
    return errors


@checks.register()
def check_mail_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    if conf.get("ULM_CHANNELS_MAIL_CLOSED_REPLY") not in ("reopen", "new"):
        errors.append(
            checks.Error(
                "ULM_CHANNELS_MAIL_CLOSED_REPLY must be 'reopen' or 'new'.",
                id="ulm_channels.E101",
            )
        )
    days = conf.get("ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS")
    if not isinstance(days, int) or days < 1:
        errors.append(
            checks.Error(
                "ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS must be a whole number of days (>= 1).",
                id="ulm_channels.E102",
            )
        )
    boxes = conf.get("ULM_CHANNELS_MAIL_MAILBOXES")
    if not isinstance(boxes, list | tuple) or not all(
        isinstance(box, dict) and box.get("name") and box.get("host") and box.get("username")
        for box in boxes
    ):
        errors.append(
            checks.Error(
                "ULM_CHANNELS_MAIL_MAILBOXES must be a list of dicts with at least "
                "'name', 'host' and 'username'.",
                id="ulm_channels.E103",
            )
        )
    return errors
