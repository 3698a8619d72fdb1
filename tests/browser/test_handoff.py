"""The whole loop in a real browser, across three logins: the agent forwards a request from the
ticket page (the rules propose the department), the department's clerk finds it in her work
list and answers, the agent sees the answer on the ticket, and the citizen gets the interim
notice and the answer by mail (real SMTP on loopback, delivered from the outbox). The new pages
are checked with axe-core."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.support.outbox import deliver_outbox
from ulm_routing.models import Handoff
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.services import DEMO_PASSWORD, CitizenData, capture_request, reference_of

pytestmark = pytest.mark.django_db(transaction=True)

ANSWER = "Ihre Sperrmüll-Abholung ist am Dienstag, 15. Dezember, ab 7 Uhr."


def login(browser, site, username):
    context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(f"{site.url}/helpdesk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/login/" not in page.url, page.inner_text("body")[:300]
    return context, page


def test_forward_answer_and_the_citizen_gets_it(site, city, browser, smtp, agent):
    ticket = capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        {
            "abholadresse": {
                "street": "Frauenstraße",
                "house_number": "12",
                "postcode": "89073",
                "city": "Ulm",
            },
            "gegenstaende": "1 Sofa, 1 Schrank",
            "menge": "3",
            "elektro": False,
        },
        channel="phone",
        citizen=CitizenData(name="Jonas Schneider", email="jonas.schneider@example.org"),
        captured_by=agent,
        acknowledge=False,
    ).ticket
    reference = reference_of(ticket)

    # 1. the agent forwards from the ticket page, as the rules propose
    context, page = login(browser, site, "anna.agentin")
    page.goto(f"{site.url}/helpdesk/tickets/{ticket.pk}/")
    panel = page.locator("#weiterleitung")
    expect(panel).to_contain_text("Die Regeln schlagen vor: Abfallwirtschaft")
    expect(panel).to_contain_text(reference)
    assert axe_violations(page, within="#weiterleitung") == []
    panel.get_by_role("button", name="Weiterleiten").click()
    page.wait_for_load_state()
    expect(panel).to_contain_text("Bei der Fachabteilung")
    expect(panel).to_contain_text("verbleibend")
    context.close()

    # 2. the clerk finds it in her department's work list and answers
    context, page = login(browser, site, "berta.abfall")
    page.goto(f"{site.url}/helpdesk/abteilung/")
    row = page.locator("tr.handoff-row", has_text=reference)
    expect(row).to_contain_text("verbleibend")
    assert axe_violations(page, within="#routing-page") == []
    screenshot(page, "arbeitsliste-abfallwirtschaft")
    row.get_by_role("link", name=reference).click()
    page.wait_for_load_state()
    page.fill("#antwort-text", ANSWER)
    page.locator("#weiterleitung").get_by_role("button", name="Antwort senden").click()
    page.wait_for_load_state()
    expect(page.locator("#weiterleitung")).to_contain_text("Beantwortet")
    context.close()

    # 3. the agent sees the answer on the ticket
    context, page = login(browser, site, "anna.agentin")
    page.goto(f"{site.url}/helpdesk/tickets/{ticket.pk}/")
    panel = page.locator("#weiterleitung")
    expect(panel).to_contain_text("Beantwortet")
    expect(panel).to_contain_text(ANSWER)
    screenshot(page, "weiterleitung-beantwortet")
    page.goto(f"{site.url}/helpdesk/weiterleitungen/")
    assert axe_violations(page, within="#routing-page") == []
    page.goto(f"{site.url}/helpdesk/rueckrufe/neu/")
    assert axe_violations(page, within="#routing-page") == []
    context.close()

    # the citizen: the interim notice and the answer, one thread, the stable reference
    assert Handoff.objects.get(ticket=ticket).state == "answered"
    assert deliver_outbox().get("sent", 0) >= 2
    mails = smtp.to("jonas.schneider@example.org")
    subjects = [str(m["Subject"]) for m in mails]
    assert any("weitergeleitet" in s and reference in s for s in subjects), subjects
    [answer] = [m for m in mails if "Antwort auf Ihr Anliegen" in str(m["Subject"])]
    assert reference in str(answer["Subject"])
    assert ANSWER in answer.get_body(preferencelist=("plain",)).get_content()
    interim = next(m for m in mails if "weitergeleitet" in str(m["Subject"]))
    assert interim["Message-ID"] in str(answer["References"])
