"""The citizen's satisfaction rating in a real browser: the rating page (from the mail's link,
with its level chosen), its error state, the thank-you page and the status page's form have
no WCAG 2.1 A/AA violations (axe-core), work with the keyboard and without JavaScript."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.browser.conftest import axe_violations, screenshot
from ulm_channels.models import SatisfactionRating


@pytest.fixture
def answered(site):
    """A web request with an answer (resolved), as its citizen's links reach it."""
    from ulm_channels import services

    ticket = services.submit_web_request(
        services.WebRequest(subject="Laterne defekt", message="Vor Haus 12.", email="m@example.org")
    )
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    return ticket


def test_rating_page_and_thanks_have_no_violations(site, page, answered):
    token = answered.citizen_link.token
    # the mail's link "4 – zufrieden"
    page.goto(site.url + reverse("ulm_channels:rating", args=[token]) + "?stufe=4")
    group = page.get_by_role("group", name="Wie zufrieden sind Sie mit der Antwort", exact=False)
    assert group.get_by_label("4 – zufrieden").is_checked()
    screenshot(page, "rating")
    assert axe_violations(page) == []
    # the citizen changes their mind with the keyboard and adds a comment
    group.get_by_label("4 – zufrieden").focus()
    page.keyboard.press("ArrowUp")
    assert group.get_by_label("5 – sehr zufrieden").is_checked()
    page.get_by_label("Ihr Kommentar").fill("Sehr hilfreich.")
    page.get_by_role("button", name="Bewertung senden").click()
    page.wait_for_url("**/bewertung/danke/")
    assert "Vielen Dank für Ihre Bewertung" in page.inner_text("h1")
    screenshot(page, "rating-thanks")
    assert axe_violations(page) == []
    rating = SatisfactionRating.objects.get(ticket=answered)
    assert (rating.level, rating.comment) == (5, "Sehr hilfreich.")
    # the link again: already rated, kindly
    page.goto(site.url + reverse("ulm_channels:rating", args=[token]) + "?stufe=1")
    assert "Sie haben dieses Anliegen bereits bewertet." in page.inner_text("main")
    assert axe_violations(page) == []


def test_status_page_rating_form_and_its_errors_have_no_violations(site, page, answered):
    page.goto(site.url + reverse("ulm_channels:status", args=[answered.citizen_link.token]))
    assert "Ihre Bewertung" in page.inner_text("main")
    assert axe_violations(page) == []
    # sent without a choice: the error summary names the field
    page.get_by_role("button", name="Bewertung senden").click()
    assert "Bitte wählen Sie, wie zufrieden Sie sind." in page.inner_text(".error-summary")
    screenshot(page, "rating-errors")
    assert axe_violations(page) == []


def test_rating_works_without_javascript(site, browser, answered):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    try:
        page.goto(site.url + reverse("ulm_channels:status", args=[answered.citizen_link.token]))
        page.get_by_role("button", name="Bewertung senden").click()
        assert "Bitte wählen Sie" in page.inner_text(".error-summary")
        page.get_by_label("2 – unzufrieden").check()
        page.get_by_role("button", name="Bewertung senden").click()
        assert "Vielen Dank für Ihre Bewertung" in page.inner_text("h1")
    finally:
        context.close()
    assert SatisfactionRating.objects.get(ticket=answered).level == 2
