"""In a real browser (headless Chromium): an agent answers a citizen on the helpdesk's ticket
page while the mail server is down, and sees a normal German page — the answer saved, the mail
waiting in the outbox — not a server error."""

from __future__ import annotations

import pytest
from helpdesk.models import FollowUp, Ticket
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from ulm_channels.models import OutboundMail

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_answers_with_smtp_down_and_sees_a_normal_german_page(
    site, agent_page, smtp, host_mail_templates
):
    smtp.stop()  # the mail server is down
    ticket = Ticket.objects.get(submitter_email="maria.mueller@example.org")
    page = agent_page
    page.goto(f"{site.url}/helpdesk/tickets/{ticket.pk}/")
    page.locator("#respond-tab").click()  # the host's "Antworten" tab
    page.fill("#commentBox", "Das Bürgerbüro hat samstags von 9 bis 12 Uhr geöffnet.")
    expect(page.locator("#id_public")).to_be_checked()  # public: the citizen gets a mail
    page.locator("#ticket-respond-form button[type=submit]", has_text="Speichern").click()
    page.wait_for_url(f"**/helpdesk/tickets/{ticket.pk}/")

    # a normal page in German: the answer is in the history, no error
    text = page.inner_text("body")
    assert "Server Error" not in text
    assert "Das Bürgerbüro hat samstags von 9 bis 12 Uhr geöffnet." in text
    assert page.locator("html").get_attribute("lang") == "de"
    panel = page.locator("#mail-panel")
    expect(panel).to_contain_text("E-Mails zu diesem Ticket")
    expect(panel.locator("tr", has_text="maria.mueller@example.org")).to_contain_text(
        "wartet auf Versand"
    )
    assert axe_violations(page, within="#mail-panel") == []
    screenshot(page, "ticket-antwort-smtp-aus")

    # the answer is stored, and its mail waits in the outbox for the server to come back
    assert FollowUp.objects.filter(ticket=ticket, comment__startswith="Das Bürgerbüro").exists()
    mail = OutboundMail.objects.get(ticket=ticket, recipient="maria.mueller@example.org")
    assert (mail.kind, mail.status) == ("notification", "queued")
