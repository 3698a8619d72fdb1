"""Single sign-on's configuration from the environment: off by default, on with its variables
(settings, backends, URLs), a mistake in one sentence at start-up; a directory that cannot be
reached refuses its people in German and leaves the local login working."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.sso import parse_group_role_map
from tests.support.html import visible_text
from tests.support.net import free_port

BASE_DIR = Path(__file__).resolve().parents[3]
SHOW = (
    "from django.conf import settings; from django.urls import reverse; "
    "print(settings.AUTHENTICATION_BACKENDS); print(reverse('oidc_authentication_init')); "
    "print(sorted(settings.ULM_LDAP_GROUP_ROLE_MAP.items()))"
)


def manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ULM_LDAP_", "ULM_OIDC_")) and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings", SECRET_KEY="test-only", **env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_mapping_reads_dns_names_and_lists_without_regard_to_case():
    mapping = parse_group_role_map(
        '{"CN=SC,OU=Groups,DC=ulm": "Servicecenter", " Leitungen ": ["Fachbereichsleitung", '
        '"Verwaltungsleitung"]}',
        "ULM_LDAP_GROUP_ROLE_MAP",
    )
    assert mapping == {
        "cn=sc,ou=groups,dc=ulm": ("Servicecenter",),
        "leitungen": ("Fachbereichsleitung", "Verwaltungsleitung"),
    }
    assert parse_group_role_map("", "X") == {}


@pytest.mark.parametrize(
    "raw", ["{kein json", '["Servicecenter"]', '{"sc": ""}', '{"sc": []}', '{"sc": [1]}']
)
def test_a_broken_mapping_is_refused(raw):
    with pytest.raises(ImproperlyConfigured, match="ULM_OIDC_GROUP_ROLE_MAP"):
        parse_group_role_map(raw, "ULM_OIDC_GROUP_ROLE_MAP")


def test_with_its_variables_set_both_sign_ons_load():
    result = manage(
        "shell",
        "-c",
        SHOW,
        ULM_LDAP_URI="ldap://127.0.0.1:1",
        ULM_LDAP_USER_SEARCH_BASE="ou=people,dc=ulm,dc=de",
        ULM_LDAP_GROUP_SEARCH_BASE="ou=groups,dc=ulm,dc=de",
        ULM_LDAP_GROUP_ROLE_MAP=json.dumps({"SC": "Servicecenter"}),
        ULM_OIDC_CLIENT_ID="servicepoint",
        ULM_OIDC_CLIENT_SECRET="x",
        ULM_OIDC_AUTHORIZATION_ENDPOINT="https://idp.example/auth",
        ULM_OIDC_TOKEN_ENDPOINT="https://idp.example/token",
        ULM_OIDC_USERINFO_ENDPOINT="https://idp.example/me",
        ULM_OIDC_JWKS_ENDPOINT="https://idp.example/jwks",
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert "ulm_privacy.sso_ldap.LdapBackend" in result.stdout
    assert "ulm_privacy.sso_oidc.OidcBackend" in result.stdout
    assert "/sso/oidc/authenticate/" in result.stdout
    assert "('sc', ('Servicecenter',))" in result.stdout


def test_without_them_nothing_of_single_sign_on_is_loaded():
    result = manage(
        "shell",
        "-c",
        "import sys; from django.conf import settings; from django.urls import reverse; "
        "print(settings.AUTHENTICATION_BACKENDS); "
        "print([m for m in ('ldap', 'django_auth_ldap', 'mozilla_django_oidc') "
        "if m in sys.modules]); "
        "print(reverse('helpdesk:login'))",
    )
    assert result.returncode == 0, result.stderr[-1500:]
    assert "sso_" not in result.stdout
    assert "[]" in result.stdout


@pytest.mark.parametrize(
    ("env", "words"),
    [
        (
            {"ULM_LDAP_URI": "ldap://x", "ULM_LDAP_USER_SEARCH_BASE": "o=x"},
            ["ULM_LDAP_GROUP_SEARCH_BASE"],
        ),
        ({"ULM_OIDC_CLIENT_ID": "x"}, ["ULM_OIDC_CLIENT_SECRET"]),
        (
            {
                "ULM_OIDC_CLIENT_ID": "x",
                "ULM_OIDC_CLIENT_SECRET": "y",
                "ULM_OIDC_GROUP_ROLE_MAP": "{",
            },
            [],
        ),
    ],
)
def test_a_configuration_mistake_is_one_sentence(env, words):
    result = manage("check", **env)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def test_an_unreachable_directory_refuses_its_people_and_keeps_the_local_login(
    client, ldap_sso, admin_user, settings, monkeypatch
):
    from config import sso
    from ulm_servicepoint.demo import DEMO_PASSWORD

    monkeypatch.setenv("ULM_LDAP_URI", f"ldap://127.0.0.1:{free_port()}")  # nothing listens
    for name, value in sso.ldap_settings().items():
        setattr(settings, name, value)
    refused = client.post("/helpdesk/login/", {"username": "lena.ldap", "password": "x"})
    assert refused.status_code == 200
    assert "Der Benutzername und das Passwort stimmen nicht überein" in visible_text(refused)
    local = client.post("/helpdesk/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert local.status_code == 302
