"""The login page's single sign-on button: shown only while OpenID Connect is configured."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def oidc_sign_on_enabled() -> bool:
    return bool(getattr(settings, "ULM_OIDC_ENABLED", False))
