"""Sign-on at a real OpenID Connect provider (panva's oidc-provider on loopback): the login
page's button, the provider's login form, back to our callback, logged in with the roles of the
groups claim. Our side is Django's test client; the provider's side a real HTTP client (requests)
following its redirects; the token and userinfo requests of our backend go to the provider."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
import requests
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.support.html import visible_text
from tests.support.oidc import OIDC_ACCOUNTS, TEST_CLIENT_CALLBACK


@pytest.fixture
def roles(demo):
    for name in ("Wissensredaktion", "Datenschutz", "Administration"):
        Group.objects.get_or_create(name=name)


def sign_on(client, provider, login: str, password: str | None = None):
    """Clicks "Mit Single Sign-on anmelden", logs in at the provider, follows it back; the
    answer of our callback."""
    page = client.get("/helpdesk/login/")
    button = re.search(r'id="sso-oidc" href="([^"]+)"', page.content.decode())
    assert button, "no single sign-on button on the login page"
    to_provider = client.get(button.group(1).replace("&amp;", "&"))
    assert to_provider.status_code == 302
    location = to_provider["Location"]
    assert location.startswith(provider.issuer + "/auth?")

    browser = requests.Session()
    form = browser.get(location, timeout=10)
    assert form.status_code == 200
    action = re.search(r'action="(/interaction/[^"]+/login)"', form.text).group(1)
    password = password if password is not None else OIDC_ACCOUNTS[login]["password"]
    answer = browser.post(
        provider.issuer + action,
        data={"login": login, "password": password},
        allow_redirects=False,
        timeout=10,
    )
    for _ in range(10):  # the provider's own redirects: resume, consent, resume
        if answer.status_code not in (302, 303):
            return answer  # the provider refused, with its own page
        location = answer.headers["Location"]
        if location.startswith("/"):
            location = provider.issuer + location
        if location.startswith(TEST_CLIENT_CALLBACK):
            break
        answer = browser.get(location, allow_redirects=False, timeout=10)
    assert location.startswith(TEST_CLIENT_CALLBACK), location
    parts = urlsplit(location)
    return client.get(f"{parts.path}?{parts.query}")


def test_the_login_page_offers_single_sign_on_only_when_configured(client, demo, settings):
    page = client.get("/helpdesk/login/")
    assert "Mit Single Sign-on anmelden" not in visible_text(page)


def test_a_person_signs_on_at_the_provider_and_gets_the_roles_of_the_groups_claim(
    client, oidc_sso, roles, django_user_model
):
    page = client.get("/helpdesk/login/")
    assert "Mit Single Sign-on anmelden" in visible_text(page)

    back = sign_on(client, oidc_sso, "olga")
    assert back.status_code == 302
    assert back["Location"] == reverse("ulm_servicepoint:worklist")
    user = django_user_model.objects.get(username="olga.oidc")
    assert client.session["_auth_user_id"] == str(user.pk)
    assert (user.email, user.first_name, user.last_name) == (
        "olga.oidc@ulm.example",
        "Olga",
        "Ostermann",
    )
    assert user.is_staff
    assert not user.is_superuser
    assert not user.has_usable_password()
    assert set(user.groups.values_list("name", flat=True)) == {"Servicecenter"}
    assert client.get(reverse("ulm_servicepoint:worklist")).status_code == 200

    # logging out ends the session here
    assert client.post("/helpdesk/logout/").status_code in (200, 302)
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("ulm_servicepoint:worklist")).status_code == 302


def test_a_wrong_password_at_the_provider_signs_nobody_on(
    client, oidc_sso, roles, django_user_model
):
    refused = sign_on(client, oidc_sso, "olga", "falsch")
    assert refused.status_code == 200
    assert "Kennung oder Passwort falsch" in refused.text
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(username="olga.oidc").exists()


def test_a_person_without_a_mapped_group_is_refused_in_german(
    client, oidc_sso, roles, django_user_model
):
    back = sign_on(client, oidc_sso, "paul")
    assert back.status_code == 302
    assert "_auth_user_id" not in client.session
    assert not django_user_model.objects.filter(username="paul.oidc").exists()
    page = client.get(back["Location"])
    assert "Die Anmeldung mit Single Sign-on ist nicht gelungen" in visible_text(page)


def test_group_changes_at_the_provider_show_at_the_next_sign_on(
    client, oidc_sso, roles, django_user_model
):
    assert sign_on(client, oidc_sso, "rita").status_code == 302
    user = django_user_model.objects.get(username="rita.oidc")
    assert set(user.groups.values_list("name", flat=True)) == {"Wissensredaktion"}
    client.logout()
    try:
        oidc_sso.set_groups("rita", ["datenschutz"])
        assert sign_on(client, oidc_sso, "rita").status_code == 302
        assert set(user.groups.values_list("name", flat=True)) == {"Datenschutz"}
        client.logout()

        oidc_sso.set_groups("rita", [])
        sign_on(client, oidc_sso, "rita")
        assert "_auth_user_id" not in client.session
        user.refresh_from_db()
        assert not user.is_staff
        assert not user.groups.exists()
    finally:
        oidc_sso.set_groups("rita", ["wissen"])


def test_a_local_account_is_not_taken_over_by_the_provider(client, oidc_sso, roles, admin_user):
    from ulm_servicepoint.demo import DEMO_PASSWORD

    groups_before = set(admin_user.groups.all())
    sign_on(client, oidc_sso, "fremd-admin")  # the provider says "admin"
    assert "_auth_user_id" not in client.session
    admin_user.refresh_from_db()
    assert admin_user.is_superuser
    assert admin_user.has_usable_password()
    assert set(admin_user.groups.all()) == groups_before
    # and the local admin still logs in with the form
    response = client.post("/helpdesk/login/", {"username": "admin", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_without_ulm_oidc_client_id_nothing_of_oidc_is_configured(monkeypatch):
    from config import sso

    monkeypatch.delenv("ULM_OIDC_CLIENT_ID", raising=False)
    assert sso.oidc_settings() == {}
