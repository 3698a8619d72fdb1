"""Single sign-on over OpenID Connect in Chromium, as an agent does it: the login page's button,
the city's identity provider (panva's oidc-provider on loopback) with its own login form, back to
the work list, logged in with the role of the groups claim; then logging out."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.support.oidc import OIDC_ACCOUNTS, configure_oidc, start_oidc_provider

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def provider(site):
    provider = start_oidc_provider(f"{site.url}/sso/oidc/callback/")
    yield provider
    provider.cleanup()


def test_an_agent_signs_on_at_the_city_provider_and_out_again(
    site, page, provider, settings, monkeypatch, django_user_model
):
    configure_oidc(provider, settings, monkeypatch)
    page.goto(f"{site.url}/helpdesk/login/")
    button = page.get_by_role("link", name="Mit Single Sign-on anmelden")
    expect(button).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "sso-login")
    button.click()

    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.fill("#login", "olga")
    page.fill("#password", OIDC_ACCOUNTS["olga"]["password"])
    page.get_by_role("button", name="Anmelden").click()

    page.wait_for_url(f"{site.url}/helpdesk/arbeitsliste/**")
    user = django_user_model.objects.get(username="olga.oidc")
    assert user.is_staff
    assert set(user.groups.values_list("name", flat=True)) == {"Servicecenter"}

    expect(page.locator("#userDropdown")).to_contain_text("Olga")
    page.click("#userDropdown")  # the user menu: "Abmelden"
    page.locator("form[action='/helpdesk/logout/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    page.goto(f"{site.url}/helpdesk/arbeitsliste/")
    assert "login/?next=/helpdesk/arbeitsliste/" in page.url  # logged out: to a login page
