"""Settings of ulm_channels, read at call time with their defaults."""

from django.conf import settings

DEFAULTS = {
    # stated to citizens on every form (DSGVO Art. 13)
    "ULM_CHANNELS_RETENTION_MONTHS": 6,
    "ULM_CHANNELS_PRIVACY_URL": "",
}


def get(name: str):
    return getattr(settings, name, DEFAULTS[name])
