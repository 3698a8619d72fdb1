"""The work list in Chromium as the agent uses it: the landing page after login, filters,
search, the keyboard (j/k, x, Enter, /), a bulk assignment and a saved view; axe-core on it."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.services import DEMO_PASSWORD, CitizenData, capture_request, reference_of

pytestmark = pytest.mark.django_db(transaction=True)


def kfz(agent, plate, name, channel="phone"):
    return capture_request(
        RequestType.objects.get(slug="kfz-zulassung"),
        {"vorgang": "Wunschkennzeichen", "kennzeichen": plate},
        channel=channel,
        citizen=CitizenData(name=name, email=f"{name.split()[0].lower()}@example.org"),
        captured_by=agent,
        acknowledge=False,
    ).ticket


def test_filter_search_keyboard_and_bulk(site, page, agent):
    first = kfz(agent, "UL-KB 1", "Klara Kennzeichen")
    second = kfz(agent, "UL-KB 2", "Bernd Brief", channel="email")
    page.goto(f"{site.url}/helpdesk/login/")
    page.fill("input[name=username]", "anna.agentin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/helpdesk/arbeitsliste/" in page.url  # the landing page
    expect(page.locator("h1")).to_have_text("Arbeitsliste")
    assert axe_violations(page, "#worklist-page") == []
    screenshot(page, "worklist")

    # filter by channel: only the e-mail
    page.select_option("#wl-kanal", "email")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    rows = page.locator("tr.worklist-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(reference_of(second))

    # "/" jumps to the search; a plate finds its request
    with page.expect_navigation():
        page.get_by_role("link", name="Zurücksetzen").click()
    page.locator("body").press("/")
    expect(page.locator("#wl-q")).to_be_focused()
    page.keyboard.type("UL-KB 1")
    page.keyboard.press("Enter")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(reference_of(first))
    expect(rows.first).to_contain_text("Klara Kennzeichen")

    # j moves to the first request, x selects it, the bulk action assigns it
    with page.expect_navigation():
        page.get_by_role("link", name="Zurücksetzen").click()
    page.locator("body").press("j")
    focused = page.locator("tr.worklist-row:focus")
    expect(focused).to_have_count(1)
    page.keyboard.press("x")
    checked = page.locator("tr.worklist-row input[type=checkbox]:checked")
    expect(checked).to_have_count(1)
    chosen = checked.get_attribute("value")
    page.select_option("#wl-bearbeiter", label="Anna Agentin")
    with page.expect_navigation():
        page.get_by_role("button", name="Zuweisen", exact=True).click()
    expect(page.locator(".alert-success, .alert-info").first).to_contain_text(
        "1 Anliegen zugewiesen"
    )
    page.select_option("#wl-bearbeitung", "ich")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    expect(rows).to_have_count(1)
    assert rows.first.locator("input[type=checkbox]").get_attribute("value") == chosen

    # save this view, it is offered from then on
    page.locator("summary", has_text="Diese Ansicht speichern").click()
    page.fill("#wl-view-name", "Meine Fälle")
    with page.expect_navigation():
        page.get_by_role("button", name="Speichern", exact=True).click()
    expect(page.get_by_role("link", name="Meine Fälle")).to_be_visible()

    # k/j and Enter open the focused request
    with page.expect_navigation():
        page.get_by_role("link", name="Zurücksetzen").click()
    page.locator("body").press("j")
    page.keyboard.press("j")
    page.keyboard.press("k")
    target = page.locator("tr.worklist-row:focus").get_attribute("data-href")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{target}")
