"""The e-mail gateway's settings are checked at start-up."""

from ulm_channels.checks import check_mail_settings


def test_wrong_settings_are_reported(settings):
    settings.ULM_CHANNELS_MAIL_CLOSED_REPLY = "ignore"
    settings.ULM_CHANNELS_MAIL_RAW_RETENTION_DAYS = 0
    settings.ULM_CHANNELS_MAIL_MAILBOXES = [{"host": "imap.example"}]
    ids = {error.id for error in check_mail_settings(None)}
    assert ids == {"ulm_channels.E101", "ulm_channels.E102", "ulm_channels.E103"}


def test_defaults_pass():
    assert check_mail_settings(None) == []
