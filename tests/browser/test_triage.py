"""The triage of a mail ticket in a real browser: the citizen's e-mail goes through the mail
intake, the agent finds it in the triage list, picks the suggested request type, takes the
citizen from the sender and a field from the text, and the ticket page then shows the typed
case. Both triage pages (and the form with an error) have no WCAG 2.1 A/AA violations; the
mail's hostile subject stays text (no script runs)."""

from __future__ import annotations

from email.message import EmailMessage

from django.urls import reverse

from tests.browser.conftest import axe_violations, screenshot

HOSTILE = "<img src=x onerror=alert(1)> Sperrmüll"


def sofa_mail() -> bytes:
    message = EmailMessage()
    message["From"] = "Maria Huber <maria.huber@example.org>"
    message["To"] = "servicecenter@ulm.example"
    message["Subject"] = HOSTILE
    message["Message-ID"] = "<browser-triage@example.org>"
    message.set_content("Guten Tag,\n\nbitte holen Sie ein altes Sofa ab.\n\nMaria Huber")
    return message.as_bytes()


def test_agent_types_a_mail_ticket_in_the_triage(agent_page, site, demo_knowledge):
    from helpdesk.models import Ticket

    from ulm_channels import services as channels
    from ulm_servicepoint.models import CaseRecord

    result = channels.ingest_message(sofa_mail(), source="browser")
    ticket = Ticket.objects.get(pk=result.ticket)
    page = agent_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto(site.url + reverse("ulm_servicepoint:triage"))
    assert page.inner_text("h1") == "Sichtung"
    row = page.locator("#sichtung tbody tr", has_text="Sperrmüll").first
    assert HOSTILE in row.inner_text()
    screenshot(page, "sichtung")
    assert axe_violations(page, within="#sichtung-seite") == []

    row.get_by_role("link", name=HOSTILE).click()
    page.wait_for_url(f"**/helpdesk/sichtung/{ticket.pk}/")
    assert page.inner_text("#betreff") == HOSTILE
    assert "bitte holen Sie ein altes Sofa ab" in page.inner_text("#ticket-text")
    screenshot(page, "sichtung-ticket")
    assert axe_violations(page, within="#sichtung-seite") == []

    page.locator("#vorschlaege").get_by_role("link", name="Sperrmüll-Abholung").click()
    assert page.inner_text("#gewaehlt") == "Sperrmüll-Abholung"
    assert page.get_by_label("Name", exact=True).input_value() == "Maria Huber"
    address = page.get_by_label("E-Mail-Adresse", exact=True)
    assert address.input_value() == "maria.huber@example.org"
    page.get_by_label("Menge in Kubikmetern (ca.)").fill("viel")
    page.get_by_role("button", name="Anliegenart festlegen").click()
    assert "Bitte korrigieren Sie" in page.inner_text("#fehler")
    screenshot(page, "sichtung-fehler")
    assert axe_violations(page, within="#sichtung-seite") == []

    page.get_by_label("Menge in Kubikmetern (ca.)").fill("2")
    page.get_by_label("Welche Gegenstände?").fill("1 Sofa")
    page.get_by_role("button", name="Anliegenart festlegen").click()
    page.wait_for_url(f"**/helpdesk/tickets/{ticket.pk}/")
    panel = page.locator("section[aria-labelledby=fallakte-titel]")
    assert "Fallakte: Sperrmüll-Abholung" in panel.inner_text()
    assert "1 Sofa" in panel.inner_text()
    assert "Maria Huber" in page.locator("section[aria-labelledby=buerger-titel]").inner_text()
    assert dialogs == []
    case = CaseRecord.objects.get(ticket=ticket)
    assert case.request_type.slug == "sperrmuell-abholung"
    assert case.values["gegenstaende"] == "1 Sofa"
    assert case.citizen.email == "maria.huber@example.org"
