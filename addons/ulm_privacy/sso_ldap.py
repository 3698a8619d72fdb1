"""Sign-on against the city's directory (LDAP, django-auth-ldap): in AUTHENTICATION_BACKENDS
only while ``ULM_LDAP_URI`` is set (``config.sso``), so python-ldap is imported only then.

The login form stays the same: the local accounts are tried first (Django's ModelBackend), then
the directory. Roles follow the directory's groups at every login (``ulm_privacy.sso``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.dispatch import receiver
from django_auth_ldap.backend import LDAPBackend, populate_user

from ulm_privacy import sso


def external_groups(ldap_user: Any) -> set[str]:
    """The user's groups in the directory, each by its DN and by its name (cn)."""
    return set(ldap_user.group_dns) | set(ldap_user.group_names)


@receiver(populate_user)
def bound_names(sender: Any, user: Any, ldap_user: Any, **kwargs: Any) -> None:
    """The directory's names and address, cut to what the account's fields hold (a longer
    value would fail the save, and with it the login)."""
    for field in ("first_name", "last_name", "email"):
        limit = user._meta.get_field(field).max_length
        setattr(user, field, str(getattr(user, field) or "")[:limit])


class LdapBackend(LDAPBackend):
    """django-auth-ldap's backend with our roles: no account for a person without a mapped role,
    no take-over of a local account, the mapped role groups mirrored at every login."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[Any, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and sso.is_local_account(user):
            raise ldap_user.AuthenticationFailed("a local account of this name exists")
        mapping = settings.ULM_LDAP_GROUP_ROLE_MAP
        if built and not sso.roles_for(external_groups(ldap_user), mapping):
            raise ldap_user.AuthenticationFailed("no role is mapped to the user's groups")
        return user, built

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        mapping = settings.ULM_LDAP_GROUP_ROLE_MAP
        granted = sso.mirror_roles(user, external_groups(ldap_user), mapping, source="ldap")
        return user if granted else None  # without a role: no longer staff, and refused
