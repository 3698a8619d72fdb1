"""Single sign-on settings (LDAP, OpenID Connect), read from the environment; both optional and
off by default (README "Single sign-on").

``ldap_settings()`` and ``oidc_settings()`` return the settings to add, or nothing while their
first variable is unset: then neither django-auth-ldap nor python-ldap nor mozilla-django-oidc
is imported, and the login stays the local one alone. The roles an external group gives are
``ULM_LDAP_GROUP_ROLE_MAP`` / ``ULM_OIDC_GROUP_ROLE_MAP`` (``parse_group_role_map``), applied at
each login by ``ulm_privacy.sso.mirror_roles``.
"""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_str

LDAP_BACKEND = "ulm_privacy.sso_ldap.LdapBackend"
OIDC_BACKEND = "ulm_privacy.sso_oidc.OidcBackend"
# where the provider sends the browser back after a refused or failed sign-on
OIDC_FAILURE_URL = "/helpdesk/login/?sso=fehlgeschlagen"


def parse_group_role_map(raw: str, variable: str) -> dict[str, tuple[str, ...]]:
    """``{"external group": "role group" | ["role group", …]}`` as JSON, keys lower-cased (an
    LDAP group's DN or cn, an OIDC groups-claim value; compared without regard to case).

    >>> parse_group_role_map('{"CN=SC,OU=Groups,DC=ulm": "Servicecenter"}', "X")
    {'cn=sc,ou=groups,dc=ulm': ('Servicecenter',)}
    """
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{variable} is no JSON object ({exc}); expected e.g. "
            '{"cn=servicecenter,ou=groups,dc=ulm,dc=de": "Servicecenter"}.'
        ) from None
    if not isinstance(data, dict):
        raise ImproperlyConfigured(f"{variable} must be a JSON object: external group → role.")
    mapping: dict[str, tuple[str, ...]] = {}
    for key, value in data.items():
        roles = [value] if isinstance(value, str) else value
        if (
            not key.strip()
            or not isinstance(roles, list)
            or not roles
            or not all(isinstance(role, str) and role.strip() for role in roles)
        ):
            raise ImproperlyConfigured(
                f"{variable}: {key!r} must map to a role group's name or a list of names."
            )
        mapping[key.strip().lower()] = tuple(role.strip() for role in roles)
    return mapping


def _required(name: str, because: str) -> str:
    value = env_str(name).strip()
    if not value:
        raise ImproperlyConfigured(f"{name} is not set, but {because} needs it.")
    return value


def ldap_settings() -> dict[str, Any]:
    """django-auth-ldap's settings when ``ULM_LDAP_URI`` is set; otherwise nothing."""
    uri = env_str("ULM_LDAP_URI").strip()
    if not uri:
        return {}
    import ldap
    from django_auth_ldap.config import (
        GroupOfNamesType,
        GroupOfUniqueNamesType,
        LDAPSearch,
        NestedActiveDirectoryGroupType,
        PosixGroupType,
    )

    group_types = {
        "groupofnames": GroupOfNamesType,
        "groupofuniquenames": GroupOfUniqueNamesType,
        "posixgroup": PosixGroupType,
        "activedirectory": NestedActiveDirectoryGroupType,
    }
    group_type = env_str("ULM_LDAP_GROUP_TYPE", "groupOfNames").strip().lower()
    if group_type not in group_types:
        raise ImproperlyConfigured(
            f"ULM_LDAP_GROUP_TYPE={group_type!r}: expected one of groupOfNames, "
            "groupOfUniqueNames, posixGroup, activeDirectory."
        )
    result: dict[str, Any] = {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env_str("ULM_LDAP_BIND_DN"),
        "AUTH_LDAP_BIND_PASSWORD": env_str("ULM_LDAP_BIND_PASSWORD"),
        "AUTH_LDAP_START_TLS": env_bool("ULM_LDAP_START_TLS", False),
        "AUTH_LDAP_USER_ATTR_MAP": {"first_name": "givenName", "last_name": "sn", "email": "mail"},
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        # groups are read anew at every login (no cache): a change shows at the next login
        "AUTH_LDAP_CACHE_TIMEOUT": 0,
        "AUTH_LDAP_FIND_GROUP_PERMS": False,
        "AUTH_LDAP_MIRROR_GROUPS": False,  # ulm_privacy.sso mirrors the mapped roles alone
        "AUTH_LDAP_GROUP_SEARCH": LDAPSearch(
            _required("ULM_LDAP_GROUP_SEARCH_BASE", "ULM_LDAP_URI"),
            ldap.SCOPE_SUBTREE,
            env_str("ULM_LDAP_GROUP_FILTER", "(objectClass=*)"),
        ),
        "AUTH_LDAP_GROUP_TYPE": group_types[group_type](),
        "ULM_LDAP_GROUP_ROLE_MAP": parse_group_role_map(
            env_str("ULM_LDAP_GROUP_ROLE_MAP"), "ULM_LDAP_GROUP_ROLE_MAP"
        ),
    }
    options: dict[int, Any] = {
        ldap.OPT_NETWORK_TIMEOUT: env_int("ULM_LDAP_TIMEOUT", 10),
        ldap.OPT_TIMEOUT: env_int("ULM_LDAP_TIMEOUT", 10),
        ldap.OPT_REFERRALS: 0,
    }
    cafile = env_str("ULM_LDAP_CA_FILE").strip()
    if cafile:
        options[ldap.OPT_X_TLS_CACERTFILE] = cafile
        options[ldap.OPT_X_TLS_REQUIRE_CERT] = ldap.OPT_X_TLS_DEMAND
        options[ldap.OPT_X_TLS_NEWCTX] = 0  # last: applies the TLS options above
    result["AUTH_LDAP_CONNECTION_OPTIONS"] = options
    template = env_str("ULM_LDAP_USER_DN_TEMPLATE").strip()
    if template:
        result["AUTH_LDAP_USER_DN_TEMPLATE"] = template
    else:
        result["AUTH_LDAP_USER_SEARCH"] = LDAPSearch(
            _required("ULM_LDAP_USER_SEARCH_BASE", "ULM_LDAP_URI without a DN template"),
            ldap.SCOPE_SUBTREE,
            env_str("ULM_LDAP_USER_FILTER", "(uid=%(user)s)"),
        )
    return result


def oidc_settings() -> dict[str, Any]:
    """mozilla-django-oidc's settings when ``ULM_OIDC_CLIENT_ID`` is set; otherwise nothing."""
    client_id = env_str("ULM_OIDC_CLIENT_ID").strip()
    if not client_id:
        return {}
    because = "ULM_OIDC_CLIENT_ID"
    cafile = env_str("ULM_OIDC_CA_FILE").strip()
    return {
        "ULM_OIDC_ENABLED": True,
        "OIDC_RP_CLIENT_ID": client_id,
        "OIDC_RP_CLIENT_SECRET": _required("ULM_OIDC_CLIENT_SECRET", because),
        "OIDC_OP_AUTHORIZATION_ENDPOINT": _required("ULM_OIDC_AUTHORIZATION_ENDPOINT", because),
        "OIDC_OP_TOKEN_ENDPOINT": _required("ULM_OIDC_TOKEN_ENDPOINT", because),
        "OIDC_OP_USER_ENDPOINT": _required("ULM_OIDC_USERINFO_ENDPOINT", because),
        "OIDC_OP_JWKS_ENDPOINT": _required("ULM_OIDC_JWKS_ENDPOINT", because),
        "OIDC_RP_SIGN_ALGO": env_str("ULM_OIDC_SIGN_ALGO", "RS256"),
        "OIDC_RP_SCOPES": env_str("ULM_OIDC_SCOPES", "openid email profile groups"),
        "OIDC_USE_PKCE": True,
        "OIDC_TIMEOUT": env_int("ULM_OIDC_TIMEOUT", 10),
        # requests checks the provider's certificate against this CA bundle (default: the system's)
        "OIDC_VERIFY_SSL": cafile or True,
        "LOGIN_REDIRECT_URL_FAILURE": OIDC_FAILURE_URL,
        "ULM_OIDC_USERNAME_CLAIM": env_str("ULM_OIDC_USERNAME_CLAIM", "preferred_username"),
        "ULM_OIDC_GROUPS_CLAIM": env_str("ULM_OIDC_GROUPS_CLAIM", "groups"),
        "ULM_OIDC_GROUP_ROLE_MAP": parse_group_role_map(
            env_str("ULM_OIDC_GROUP_ROLE_MAP"), "ULM_OIDC_GROUP_ROLE_MAP"
        ),
    }
