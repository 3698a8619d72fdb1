"""An information call in a real browser (headless Chromium), as the agent makes it: "Mein Perso
läuft ab, was brauche ich?" answered from the knowledge base and closed as "Erstauskunft
erteilt" in three clicks plus the note, from the capture start; the screens on the way checked
with axe-core (WCAG 2.1 AA)."""

from __future__ import annotations

import re

from django.urls import reverse
from helpdesk.models import Ticket
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from ulm_knowledge.models import AnswerUse, Service
from ulm_servicepoint.models import CaseRecord

QUESTION = "Mein Perso läuft ab, was brauche ich?"


def test_information_call_in_three_clicks_plus_the_note(site, demo_knowledge, agent_page):
    page = agent_page
    page.goto(site.url + reverse("ulm_servicepoint:capture_start"))
    assert axe_violations(page, within="#content-wrapper") == []

    clicks = 0
    # 1: "Allgemeine Auskunft" — no type to look for, no field to fill
    page.locator("a#auskunft").click()
    clicks += 1
    page.wait_for_url("**/helpdesk/erfassen/allgemeine-auskunft/")
    # the notes have the focus: the agent types the question as the citizen asks it
    expect(page.locator("#id_message")).to_be_focused()
    page.keyboard.type(QUESTION)
    suggestion = page.locator("#kb-capture-results li", has_text="Personalausweis beantragen")
    expect(suggestion.first).to_be_visible()
    assert axe_violations(page, within="#content-wrapper") == []
    screenshot(page, "auskunft-vorschlag")
    # 2: the suggested answer, composed from the service description
    suggestion.first.get_by_role("button", name="Als Antwort übernehmen").click()
    clicks += 1
    expect(page.locator("#id_answer")).to_have_value(re.compile("Personalausweis beantragen"))
    # 3: closed at first contact
    page.get_by_role("button", name="Erstauskunft erteilt").click()
    clicks += 1
    page.wait_for_url("**/helpdesk/tickets/**")
    assert clicks == 3

    case = CaseRecord.objects.select_related("ticket", "request_type").get(
        request_type__isnull=False
    )
    assert case.request_type.slug == "allgemeine-auskunft"
    assert case.resolved_at_first_contact
    assert case.ticket.status == Ticket.CLOSED_STATUS
    assert QUESTION in case.ticket.description
    assert case.ticket.resolution.startswith("Personalausweis beantragen")
    service = Service.objects.get(name="Personalausweis beantragen")
    use = AnswerUse.objects.get(ticket=case.ticket)
    assert (use.kbitem_id, use.version) == (service.kbitem_id, service.version)
    expect(page.locator("body")).to_contain_text("erfasst")


def test_processing_fields_are_marked_and_do_not_hold_the_answer(site, demo_knowledge, agent_page):
    # the typed way for the same question: the date of birth is left empty
    page = agent_page
    page.goto(site.url + reverse("ulm_servicepoint:capture", args=["personalausweis"]))
    expect(page.get_by_text("Geburtsdatum (Pflichtfeld für die Bearbeitung)")).to_be_visible()
    assert axe_violations(page, within="#content-wrapper") == []
    page.get_by_label("Notizen zum Anliegen").fill(QUESTION)
    page.locator("#kb-capture-results li", has_text="Personalausweis beantragen").first.get_by_role(
        "button", name="Als Antwort übernehmen"
    ).click()
    expect(page.locator("#id_answer")).to_have_value(re.compile("Personalausweis"))
    page.get_by_role("button", name="Erstauskunft erteilt").click()
    page.wait_for_url("**/helpdesk/tickets/**")
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert case.resolved_at_first_contact
    assert "geburtsdatum" not in case.values
