"""Fixtures of ulm_privacy's tests: a real OpenLDAP directory on loopback (``ldap_directory``,
one per run) and the project signed on to it (``ldap_sso``); a real OpenID Connect provider
(``oidc_provider``) and the project signed on to it (``oidc_sso``); the audit log's tickets and
officer (``audit_fixtures``)."""

from __future__ import annotations

import pytest

from tests.support.ldap import BIND_DN, BIND_PASSWORD, GROUPS, PEOPLE, LdapServer, group_dn
from tests.support.oidc import TEST_CLIENT_CALLBACK, configure_oidc, start_oidc_provider
from tests.support.routing import berta, city  # noqa: F401 - fixtures
from ulm_privacy.tests.audit_fixtures import dpo, kfz_ticket, waste_ticket  # noqa: F401 - fixtures

# people of the test directory: uid → (password, given name, family name, groups)
LDAP_PEOPLE = {
    "lena.ldap": ("Lena-Passwort-1", "Lena", "Lindner", ["servicecenter"]),
    "fritz.ldap": ("Fritz-Passwort-1", "Fritz", "Fischer", ["kfz", "leitungen"]),
    "otto.ldap": ("Otto-Passwort-1", "Otto", "Ohnerolle", ["kantine"]),
    "gerd.ldap": ("Gerd-Passwort-1", "Gerd", "Gruber", ["servicecenter"]),
    "sperre.ldap": ("Sperre-Passwort-1", "Susi", "Sperre", ["servicecenter"]),
    "lang.ldap": ("Lang-Passwort-1", "Maximiliane-" * 20, "Lang", ["servicecenter"]),
    # the directory's "admin" is somebody else than the local admin
    "admin": ("Directory-Admin-1", "Anton", "Anders", ["administration"]),
}
GROUP_ROLES = {
    group_dn("servicecenter"): "Servicecenter",
    "kfz": "Kfz-Zulassung",  # by cn: the department's group
    group_dn("leitungen").upper(): ["Fachbereichsleitung", "Verwaltungsleitung"],
    "administration": "Administration",
    "datenschutz": "Datenschutz",
}


@pytest.fixture(scope="session")
def ldap_directory():
    """OpenLDAP (slapd) on a loopback port with the people and groups above (ldapadd)."""
    server = LdapServer().start()
    members: dict[str, list[str]] = {}
    for uid, (password, given, family, groups) in LDAP_PEOPLE.items():
        server.add_person(uid, password, given, family)
        for group in groups:
            members.setdefault(group, []).append(uid)
    for group in ("servicecenter", "kfz", "leitungen", "kantine", "administration", "datenschutz"):
        server.add_group(group, *members.get(group, []))
    yield server
    server.cleanup()


@pytest.fixture
def ldap_sso(ldap_directory, settings, monkeypatch):
    """The project configured from the environment as a city would (``config.sso``), against
    the test directory, with STARTTLS and its self-signed certificate trusted."""
    import json

    from config import sso

    monkeypatch.setenv("ULM_LDAP_URI", ldap_directory.uri)
    monkeypatch.setenv("ULM_LDAP_BIND_DN", BIND_DN)
    monkeypatch.setenv("ULM_LDAP_BIND_PASSWORD", BIND_PASSWORD)
    monkeypatch.setenv("ULM_LDAP_START_TLS", "true")
    monkeypatch.setenv("ULM_LDAP_CA_FILE", ldap_directory.cafile)
    monkeypatch.setenv("ULM_LDAP_USER_SEARCH_BASE", PEOPLE)
    monkeypatch.setenv("ULM_LDAP_GROUP_SEARCH_BASE", GROUPS)
    monkeypatch.setenv("ULM_LDAP_GROUP_ROLE_MAP", json.dumps(GROUP_ROLES))
    for name, value in sso.ldap_settings().items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, sso.LDAP_BACKEND]
    return ldap_directory


@pytest.fixture(scope="session")
def oidc_provider():
    """panva's oidc-provider (Node.js) on a loopback port, for Django's test client."""
    provider = start_oidc_provider(TEST_CLIENT_CALLBACK)
    yield provider
    provider.cleanup()


@pytest.fixture
def oidc_sso(oidc_provider, settings, monkeypatch):
    """The project signed on to the test provider, configured from the environment."""
    configure_oidc(oidc_provider, settings, monkeypatch)
    return oidc_provider
