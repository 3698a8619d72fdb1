"""The routing pages of the admin in a real browser, checked with axe-core: the dry run of the
rules for a ticket and the what-if replay, with their German results."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.browser.conftest import axe_violations, screenshot


@pytest.fixture
def admin_page(site, city, page, admin_user, client):
    client.force_login(admin_user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": site.url}]
    )
    return page


def test_dry_run_page_is_german_and_accessible(site, admin_page):
    ticket = Ticket.objects.get(title__startswith="Gelbe Tonne")
    page = admin_page
    page.goto(site.url + reverse("admin:ulm_routing_dry_run"))
    page.get_by_label("Ticketnummer").fill(str(ticket.pk))
    page.get_by_role("button", name="Zeigen, was die Regeln tun würden").click()
    page.wait_for_selector("text=Regel für Regel")
    screenshot(page, "routing_dry_run")
    content = page.locator("#content")  # not the admin's sidebar of models
    row = content.get_by_role("row").filter(has_text="Akute Gefahr im Straßenraum")
    assert "trifft nicht zu" in row.inner_text()
    decision = content.get_by_role("row").filter(has_text="Abteilung").first.inner_text()
    assert "keine – bleibt im Servicecenter" in decision
    assert axe_violations(page) == []


def test_whatif_page_is_german_and_accessible(site, admin_page):
    page = admin_page
    page.goto(site.url + reverse("admin:ulm_routing_whatif"))
    page.get_by_label("Die letzten … Tage nachspielen").fill("30")
    page.get_by_role("button", name="Nachspielen").click()
    page.wait_for_selector("text=Je Abteilung")
    screenshot(page, "routing_whatif")
    assert axe_violations(page) == []
