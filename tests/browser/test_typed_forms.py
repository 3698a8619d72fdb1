"""The typed public forms (/anliegen/) in a real browser: zero WCAG 2.1 A/AA violations
(axe-core) on the list, a form, the form with errors and the confirmation; one form filled and
sent with the keyboard alone; reflow at 320 px."""

from __future__ import annotations

from django.urls import reverse

from tests.browser.conftest import axe_violations, screenshot

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
LIST = reverse("ulm_channels:request_types")
STREET = reverse("ulm_channels:typed_request", args=["strassenschaden"])
NOISE = reverse("ulm_channels:typed_request", args=["laermbeschwerde"])


def tab_to(page, element_id: str, limit: int = 25) -> None:
    """Tab until ``element_id`` has the focus, which must be visible."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == element_id:
            outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert outline != "none", f"no visible focus on {element_id}"
            return
    raise AssertionError(f"Tab never reached #{element_id}")


def test_list_and_its_search_have_no_violations(site, page):
    page.goto(site.url + LIST)
    assert "Abfall und Umwelt" in page.inner_text("main")
    screenshot(page, "anliegen")
    assert axe_violations(page) == []
    page.get_by_label("Anliegen suchen").fill("laterne")
    page.get_by_role("button", name="Suchen").click()
    assert page.get_by_role("link", name="Straßenschaden oder defekte Laterne melden").is_visible()
    assert "1 Anliegen passt" in page.inner_text("main")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Straßenschaden oder defekte Laterne melden").click()
    assert page.inner_text("h1") == "Straßenschaden oder defekte Laterne melden"


def test_typed_form_with_errors_and_its_confirmation_have_no_violations(site, page):
    from ulm_servicepoint.models import CaseRecord

    page.goto(site.url + NOISE)
    screenshot(page, "anliegen-laerm")
    assert axe_violations(page) == []
    # sent empty: the summary names every missing field and links to it
    page.get_by_role("button", name="Anliegen absenden").click()
    summary = page.locator(".error-summary")
    assert "Bitte korrigieren Sie 5 Angaben" in summary.inner_text()
    assert "Lärmquelle" in summary.inner_text()
    assert "Datum" in summary.inner_text()
    screenshot(page, "anliegen-laerm-fehler")
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Ort", exact=False).first.click()
    assert page.evaluate("document.activeElement.id") == "id_f-ort"
    # corrected and sent
    page.get_by_label("Lärmquelle").select_option("Baustelle")
    page.locator("#id_f-ort").fill("Neue Straße 1")
    page.get_by_label("Datum").fill("2026-11-20")
    page.get_by_label("Samstag").check()
    page.get_by_label("Ihre E-Mail-Adresse").fill("ruhe@example.org")
    page.get_by_label("Ich habe den Datenschutzhinweis gelesen.", exact=False).check()
    page.get_by_role("button", name="Anliegen absenden").click()
    page.wait_for_url("**/bestaetigung/**")
    assert "Vielen Dank" in page.inner_text("h1")
    screenshot(page, "anliegen-bestaetigung")
    assert axe_violations(page) == []
    case = CaseRecord.objects.get(channel="web_form", request_type__slug="laermbeschwerde")
    assert case.values["wochentage"] == ["Samstag"]
    assert case.values["datum"] == "2026-11-20"


def test_typed_form_can_be_filled_and_sent_with_the_keyboard_alone(site, page):
    from ulm_servicepoint.models import CaseRecord

    page.goto(site.url + STREET)
    tab_to(page, "id_f-art")
    page.keyboard.type("Straßenl")  # a closed select chooses by typing
    tab_to(page, "id_f-ort")
    page.keyboard.type("Olgastraße 12")
    tab_to(page, "id_f-gefahr_0")
    page.keyboard.press("ArrowDown")  # radio group: "Nein"
    tab_to(page, "id_name")
    page.keyboard.type("Karl Tastatur")
    tab_to(page, "id_email")
    page.keyboard.type("karl@example.org")
    tab_to(page, "id_privacy")
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.type") == "submit"
    page.keyboard.press("Enter")
    page.wait_for_url("**/bestaetigung/**")
    case = CaseRecord.objects.get(channel="web_form", request_type__slug="strassenschaden")
    assert case.values["art"] == "Straßenlaterne"
    assert case.values["ort"] == "Olgastraße 12"
    assert case.values["gefahr"] is False
    assert case.citizen.email == "karl@example.org"


def test_typed_pages_reflow_at_320_px(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 640}, locale="de-DE")
    page = context.new_page()
    try:
        for name, url in [("anliegen", LIST), ("strassenschaden", STREET)]:
            page.goto(site.url + url)
            if name == "strassenschaden":  # with the error messages, the longest texts
                page.get_by_role("button", name="Anliegen absenden").click()
            width = page.evaluate("document.documentElement.scrollWidth")
            screenshot(page, f"{name}-320px")
            assert width <= 320, f"{name}: {width} px wide at 320 px, horizontal scrolling"
    finally:
        context.close()
