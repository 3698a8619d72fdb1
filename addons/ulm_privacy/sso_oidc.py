"""Sign-on at the city's identity provider (OpenID Connect, mozilla-django-oidc; authorization
code flow with PKCE): in AUTHENTICATION_BACKENDS, and its URLs under /sso/oidc/, only while
``ULM_OIDC_CLIENT_ID`` is set (``config.sso``).

The account is found by the username claim (``ULM_OIDC_USERNAME_CLAIM``, never by e-mail:
an address is no proof of identity here), its roles follow the groups claim
(``ULM_OIDC_GROUPS_CLAIM``) at every sign-on (``ulm_privacy.sso``)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from ulm_privacy import sso

# what Django's own username validator allows, within the field's length
USERNAME = re.compile(r"^[\w.@+-]{1,150}$")


def claimed_groups(claims: dict[str, Any]) -> list[str]:
    """The groups claim as a list of names (a single name is taken as one group)."""
    value = claims.get(settings.ULM_OIDC_GROUPS_CLAIM) or []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [str(item)[:500] for item in value[:1000] if isinstance(item, str | int)]


class OidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with our roles: the account is the username claim's, a
    local account of that name is never taken over, a person without a mapped role gets no
    account (and an existing one loses its roles and is refused)."""

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        username = claims.get(settings.ULM_OIDC_USERNAME_CLAIM)
        if not isinstance(username, str) or not USERNAME.match(username):
            raise SuspiciousOperation("the username claim is missing or not a valid username")
        mapping = settings.ULM_OIDC_GROUP_ROLE_MAP
        groups = claimed_groups(claims)
        model = get_user_model()
        user = model.objects.filter(username__iexact=username).first()
        if user is not None and sso.is_local_account(user):
            raise SuspiciousOperation("a local account of this name exists")
        if user is None:
            if not sso.roles_for(groups, mapping):
                raise SuspiciousOperation("no role is mapped to the user's groups")
            user = model(username=username.lower())
            user.set_unusable_password()
        for field, claim in (
            ("email", "email"),
            ("first_name", "given_name"),
            ("last_name", "family_name"),
        ):
            value = claims.get(claim)
            if isinstance(value, str):
                setattr(user, field, value[:150])
        user.save()
        if not sso.mirror_roles(user, groups, mapping, source="oidc"):
            raise SuspiciousOperation("the user no longer has a mapped role")
        return user
