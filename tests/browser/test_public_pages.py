"""Citizens' pages in a real browser: zero WCAG 2.1 A/AA violations (axe-core), keyboard alone,
without JavaScript, and reflow at 320 px."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from tests.browser.conftest import axe_violations, screenshot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def fill_form(page, email="maria@example.org", subject="Laterne defekt"):
    page.get_by_label("Ihr Name").fill("Maria Müller")
    page.get_by_label("Ihre E-Mail-Adresse").fill(email)
    page.get_by_label("Betreff").fill(subject)
    page.get_by_label("Ihr Anliegen", exact=False).last.fill("Die Laterne vor Haus 12 ist aus.")
    page.get_by_label("Ich habe den Datenschutzhinweis gelesen.", exact=False).check()


@pytest.fixture
def status_url(site, agent):
    """A request with a public answer and a file, as its citizen's link shows it."""
    from django.core.files.base import ContentFile

    from ulm_channels import services

    ticket = services.submit_web_request(
        services.WebRequest(subject="Laterne defekt", message="Vor Haus 12.", email="m@example.org")
    )
    reply = FollowUp.objects.create(
        ticket=ticket,
        title="Antwort",
        comment="Wir haben den Bauhof informiert.",
        public=True,
        user=agent,
    )
    attachment = FollowUpAttachment(followup=reply, filename="plan.pdf", size=len(PDF))
    attachment.file.save("plan.pdf", ContentFile(PDF), save=True)
    return site.url + reverse("ulm_channels:status", args=[ticket.citizen_link.token])


def test_contact_form_has_no_violations(site, page):
    page.goto(site.url + reverse("ulm_channels:contact"))
    assert page.title().startswith("Anliegen an das Servicecenter")
    screenshot(page, "contact")
    assert axe_violations(page) == []


def test_form_with_errors_has_no_violations_and_a_linked_summary(site, page):
    page.goto(site.url + reverse("ulm_channels:contact"))
    page.get_by_label("Ihre E-Mail-Adresse").fill("kein-at")
    page.get_by_role("button", name="Anliegen absenden").click()
    summary = page.locator(".error-summary")
    assert summary.is_visible()
    assert "E-Mail-Adresse" in summary.inner_text()
    screenshot(page, "contact-errors")
    assert axe_violations(page) == []
    # the summary's link takes the citizen to the field
    summary.get_by_role("link", name="Betreff", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_subject"


def test_confirmation_page_has_no_violations(site, page):
    page.goto(site.url + reverse("ulm_channels:contact"))
    fill_form(page)
    page.get_by_role("button", name="Anliegen absenden").click()
    page.wait_for_url("**/bestaetigung/**")
    assert "Vielen Dank" in page.inner_text("h1")
    screenshot(page, "confirmation")
    assert axe_violations(page) == []


def test_status_page_has_no_violations(site, page, status_url):
    page.goto(status_url)
    assert "Wir haben den Bauhof informiert." in page.inner_text("main")
    screenshot(page, "status")
    assert axe_violations(page) == []
    # the citizen adds a message with a file, with errors first
    page.get_by_role("button", name="Nachricht senden").click()
    assert "Bitte schreiben Sie eine Nachricht" in page.inner_text(".error-summary")
    assert axe_violations(page) == []
    page.get_by_label("Ihre Nachricht").fill("Danke, noch eine Frage.")
    page.get_by_label("Anhang").set_input_files(
        files=[{"name": "foto.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Nachricht senden").click()
    assert "wurde Ihrem Anliegen hinzugefügt" in page.inner_text("main")
    assert "foto.pdf" in page.inner_text("main")
    assert axe_violations(page) == []


def test_held_and_expired_pages_have_no_violations(site, page):
    # a submission kept aside for review (the hidden field filled in, as a bot would)
    page.goto(site.url + reverse("ulm_channels:contact"))
    fill_form(page, subject="Zurückgehalten")
    page.evaluate("document.getElementById('id_homepage').value = 'http://spam.example'")
    page.get_by_role("button", name="Anliegen absenden").click()
    assert "von Hand" in page.inner_text("main")
    screenshot(page, "held")
    assert axe_violations(page) == []
    # an old confirmation link
    page.goto(site.url + reverse("ulm_channels:confirmation", args=["abgelaufen"]))
    assert "nicht mehr verfügbar" in page.inner_text("h1")
    assert axe_violations(page) == []


@pytest.mark.parametrize("name", ["ulm_channels:accessibility", "ulm_channels:contact_embedded"])
def test_statement_and_embedded_form_have_no_violations(site, page, name):
    page.goto(site.url + reverse(name))
    screenshot(page, name.split(":")[1])
    assert axe_violations(page) == []


def test_form_can_be_filled_and_sent_with_the_keyboard_alone(site, page):
    page.goto(site.url + reverse("ulm_channels:contact"))

    def tab_to(element_id: str, limit: int = 15) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.id") == element_id:
                # focus is visible: an outline a sighted keyboard user can see
                outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
                assert outline != "none", f"no visible focus on {element_id}"
                return
        raise AssertionError(f"Tab never reached #{element_id}")

    tab_to("id_name")
    page.keyboard.type("Karl Tastatur")
    tab_to("id_email")
    page.keyboard.type("karl@example.org")
    tab_to("id_subject")
    page.keyboard.type("Nur mit Tastatur")
    tab_to("id_message")
    page.keyboard.type("Ich bediene alles mit der Tastatur.")
    tab_to("id_privacy")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/bestaetigung/**")
    assert Ticket.objects.filter(title="Nur mit Tastatur").exists()


def test_form_works_without_javascript(site, browser):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(site.url + reverse("ulm_channels:contact"))
        page.get_by_role("button", name="Anliegen absenden").click()
        assert "Bitte korrigieren Sie" in page.inner_text(".error-summary")
        fill_form(page, subject="Ohne JavaScript")
        page.get_by_role("button", name="Anliegen absenden").click()
        assert "Vielen Dank" in page.inner_text("h1")
    finally:
        context.close()
    assert Ticket.objects.filter(title="Ohne JavaScript").exists()


def test_pages_reflow_at_320_px(site, browser, status_url):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="de-DE")
    page = context.new_page()
    try:
        for name, url in [
            ("contact", site.url + reverse("ulm_channels:contact")),
            ("status", status_url),
            ("accessibility", site.url + reverse("ulm_channels:accessibility")),
        ]:
            page.goto(url)
            if name == "contact":  # the longest texts: the error messages
                page.get_by_role("button", name="Anliegen absenden").click()
            width = page.evaluate("document.documentElement.scrollWidth")
            screenshot(page, f"{name}-320px")
            assert width <= 320, f"{name}: {width} px wide at 320 px, horizontal scrolling"
    finally:
        context.close()


def test_the_browser_is_debians_chromium(browser):
    """No browser was downloaded: the one driven is the Debian package's."""
    import subprocess

    reported = subprocess.run(
        ["/usr/bin/chromium", "--version"], capture_output=True, text=True, check=True
    ).stdout
    assert browser.version in reported
    assert "Debian" in reported
