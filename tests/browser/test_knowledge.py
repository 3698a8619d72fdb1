"""The knowledge base in a real browser (headless Chromium): the agents' panels in the ticket
and the capture screen (live search while typing, one click fills the reply or the answer
given, the version is recorded), and the citizens' side with axe-core: the service pages and
the suggestions on the forms with "Hat das Ihre Frage beantwortet?"."""

from __future__ import annotations

import re

from django.urls import reverse
from helpdesk.models import Queue, Ticket
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from ulm_knowledge.models import AnswerUse, Service, SuggestionFeedback


def test_agent_searches_in_the_ticket_and_inserts_the_answer(site, demo_knowledge, agent_page):
    ticket = Ticket.objects.create(
        title="Frage",
        description="Guten Tag, ich habe eine Frage.",
        queue=Queue.objects.get(slug="servicecenter"),
    )
    page = agent_page
    page.goto(f"{site.url}/helpdesk/tickets/{ticket.pk}/")

    page.fill("#kb-search", "Perso")
    page.wait_for_selector("#kb-results li strong:has-text('Personalausweis beantragen')")
    page.locator("#kb-results li", has_text="Personalausweis beantragen").get_by_role(
        "button"
    ).click()
    # (no wait_for_function: evaluating a string is what our Content-Security-Policy forbids)
    expect(page.locator("#commentBox")).to_have_value(re.compile("Kosten"))

    reply = page.input_value("#commentBox")
    assert reply.startswith("Personalausweis beantragen")
    assert "Mitzubringen:" in reply
    assert AnswerUse.objects.get(ticket=ticket).version == 1


def test_agent_takes_the_answer_in_the_capture_screen(site, demo_knowledge, agent_page):
    page = agent_page
    page.goto(site.url + reverse("ulm_servicepoint:capture", args=["personalausweis"]))
    linked = page.locator("#kb-capture-results li", has_text="Personalausweis beantragen")
    expect(linked).to_contain_text("passend zur Anliegenart")

    # typing the notes brings other answers, without leaving the screen
    page.get_by_label("Notizen zum Anliegen").fill("Ausweis wurde gestohlen")
    lost = page.locator("#kb-capture-results li", has_text="Verlust oder Diebstahl")
    expect(lost).to_be_visible()
    lost.get_by_role("button", name="Als Antwort übernehmen").click()
    expect(page.locator("#id_answer")).to_have_value(re.compile("Verlust oder Diebstahl"))
    screenshot(page, "erfassen-wissen")

    page.get_by_label("Geburtsdatum").fill("1980-05-01")
    page.get_by_label("Anlass").select_option("Verlust oder Diebstahl")
    page.get_by_role("button", name="Erstauskunft erteilt").click()
    page.wait_for_url("**/helpdesk/tickets/**")

    service = Service.objects.get(name__startswith="Verlust oder Diebstahl")
    use = AnswerUse.objects.get()
    assert (use.kbitem_id, use.version) == (service.kbitem_id, service.version)
    assert use.ticket.kbitem_id == service.kbitem_id


def test_service_pages_have_no_violations(site, demo_knowledge, page):
    page.goto(site.url + reverse("ulm_knowledge:services"))
    assert "Dienstleistungen A–Z" in page.inner_text("h1")
    screenshot(page, "dienstleistungen")
    assert axe_violations(page) == []

    page.get_by_label("Dienstleistung suchen").fill("Perso verloren")
    page.locator("form.service-search button").click()
    result = page.get_by_role("link", name="Verlust oder Diebstahl des Personalausweises melden")
    expect(result.first).to_be_visible()
    assert axe_violations(page) == []

    result.first.click()
    assert page.inner_text("h1") == "Verlust oder Diebstahl des Personalausweises melden"
    screenshot(page, "dienstleistung")
    assert axe_violations(page) == []


def test_contact_form_suggests_while_the_citizen_types(site, demo_knowledge, page):
    page.goto(site.url + reverse("ulm_channels:contact"))
    expect(page.locator("#kb-live")).to_be_hidden()

    page.locator("#id_message").fill(
        "Guten Tag, mir wurde gestern mein Personalausweis gestohlen. Was muss ich tun?"
    )
    suggestion = page.locator("#kb-live li", has_text="Verlust oder Diebstahl")
    expect(suggestion).to_be_visible()
    expect(page.locator("#kb-live-status")).to_contain_text("Gefundene Vorschläge")
    screenshot(page, "kontakt-vorschlaege")
    assert axe_violations(page) == []

    suggestion.get_by_role("button", name="Ja").click()
    expect(suggestion.get_by_role("status")).to_contain_text("nicht absenden")
    assert axe_violations(page) == []
    feedback = SuggestionFeedback.objects.get()
    assert (feedback.feedback, feedback.page) == ("helpful", "kontakt")
    assert feedback.kbitem.title.startswith("Verlust oder Diebstahl")


def test_typed_form_shows_its_services_and_takes_feedback_without_script(
    site, demo_knowledge, browser
):
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    page.goto(site.url + reverse("ulm_channels:typed_request", args=["personalausweis"]))
    section = page.locator("#kb-vorschlaege")
    expect(section).to_contain_text("Personalausweis beantragen")
    screenshot(page, "anliegen-personalausweis-vorschlaege")

    section.get_by_role("button", name="Nein").first.click()
    expect(page.locator("#kb-vorschlaege [role=status]")).to_contain_text("Danke")
    assert SuggestionFeedback.objects.get().feedback == "not_helpful"
    context.close()
    # axe needs the page's script running: the same page, script on
    page = browser.new_context(locale="de-DE").new_page()
    page.goto(site.url + reverse("ulm_channels:typed_request", args=["personalausweis"]))
    assert axe_violations(page) == []
    page.context.close()


def test_service_page_with_lists_and_its_online_form_has_no_violations(site, demo_knowledge, page):
    bulky = Service.objects.get(external_id="dldb:ulm-demo-20")
    # the old address by uuid leads to the readable one
    page.goto(f"{site.url}/dienstleistungen/{bulky.uuid}/")
    assert page.url == site.url + "/dienstleistungen/sperrmuell-abholung-bestellen/"
    assert page.inner_text("h1") == "Sperrmüll-Abholung bestellen"
    expect(page.locator("main ul li", has_text="Liste der Gegenstände")).to_be_visible()
    screenshot(page, "dienstleistung-sperrmuell")
    assert axe_violations(page) == []

    page.get_by_role("link", name="Formular „Sperrmüll-Abholung“ online ausfüllen").click()
    page.wait_for_url("**/anliegen/sperrmuell-abholung/")
    assert page.inner_text("h1") == "Sperrmüll-Abholung"


def test_citizen_finds_the_bulky_waste_form_by_a_sofa(site, demo_knowledge, page):
    page.goto(site.url + reverse("ulm_channels:request_types"))
    page.get_by_label("Anliegen suchen").fill("altes Sofa abholen")
    page.get_by_role("button", name="Suchen").click()
    first = page.locator("main ul.type-list a").first
    expect(first).to_have_text("Sperrmüll-Abholung")
    screenshot(page, "anliegen-suche-sofa")
    assert axe_violations(page) == []
    first.click()
    page.wait_for_url("**/anliegen/sperrmuell-abholung/")
