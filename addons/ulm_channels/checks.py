"""Start-up checks of the e-mail gateway's settings (``manage.py check``)."""

from django.core import checks

from ulm_channels import conf


@checks.register()
def check_mail_settings(app_configs, **kwargs):
    errors: list[checks.CheckMessage] = []
    if conf.get("ULM_CHANNELS_MAIL_CLOSED_REPLY") not in ("reopen", "new"):
        errors.append(
            checks.Error(
                "ULM_CHANNELS_MAIL_CLOSED_REPLY must be 'reopen' or 'new'.",
                id="ulm_channels.E001",
            )
        )
    days = conf.get("ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS")
    if not isinstance(days, int) or days < 1:
        errors.append(
            checks.Error(
                "ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS must be a whole number of days (>= 1).",
                id="ulm_channels.E002",
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
                id="ulm_channels.E003",
            )
        )
    return errors
