"""The admin's editors as an admin meets them at 1,280 px: a service's LeiKa keys, forms and
contact points as rows of inputs that save (and refuse bad entries in German), and a request
type's page with its capture fields no wider than the screen."""

from __future__ import annotations

from django.urls import reverse

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_german_pages import log_in
from ulm_knowledge.models import Service
from ulm_servicepoint.models import RequestType


def save(page) -> None:
    """Submits the change form and waits for the answer (errors or the saved form): reading
    the page right after the click raced the navigation."""
    with page.expect_navigation():
        page.get_by_role("button", name="Sichern und weiter bearbeiten").click()
    page.wait_for_load_state()


def page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_request_type_page_fits_1280_px(site, page, client, admin_user):
    request_type = RequestType.objects.get(slug="sperrmuell-abholung")
    assert request_type.fields.count() >= 5
    log_in(page, site, client, admin_user)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(
        site.url + reverse("admin:ulm_servicepoint_requesttype_change", args=[request_type.pk])
    )
    assert page.get_by_role("heading", name="Erfassungsfelder").is_visible()
    screenshot(page, "admin-request-type")
    assert page_width(page) <= 1280


def test_service_lists_are_edited_as_rows_and_saved(site, page, client, admin_user, demo_knowledge):
    service = Service.objects.exclude(contact_points=[]).exclude(forms=[]).first()
    contact = service.contact_points[0]
    log_in(page, site, client, admin_user)
    change = site.url + reverse("admin:ulm_knowledge_service_change", args=[service.pk])
    page.goto(change)
    assert page_width(page) <= 1280
    leika = page.locator(".field-leika_keys")
    assert leika.get_by_label("LeiKa-Schlüssel").first.input_value() == service.leika_keys[0]
    contacts = page.locator(".field-contact_points")
    assert contacts.get_by_label("Name").first.input_value() == contact["name"]
    assert page.locator("textarea[name=forms], textarea[name=contact_points]").count() == 0
    screenshot(page, "admin-service-lists")
    assert axe_violations(page, ".field-leika_keys") == []
    assert axe_violations(page, ".field-forms") == []
    assert axe_violations(page, ".field-contact_points") == []

    # a bad key and a bad address: German messages naming the row and column, nothing saved
    empty_key = leika.get_by_label("LeiKa-Schlüssel").nth(len(service.leika_keys))
    empty_key.fill("12345")
    forms = page.locator(".field-forms")
    new_form = len(service.forms)
    forms.get_by_label("Titel").nth(new_form).fill("Antrag als PDF")
    forms.get_by_label("Webadresse").nth(new_form).fill("javascript:alert(1)")
    save(page)
    errors = page.locator(".errorlist").all_inner_texts()
    assert any("Zeile" in e and "LeiKa" in e and "99" in e for e in errors), errors
    assert any("Webadresse" in e for e in errors), errors
    service.refresh_from_db()
    assert "12345" not in service.leika_keys

    # corrected: a new key, a new form, a changed contact point; saved as lists again
    leika.get_by_label("LeiKa-Schlüssel").nth(len(service.leika_keys)).fill("99123456789012")
    forms.get_by_label("Webadresse").nth(new_form).fill("https://www.ulm.example/antrag.pdf")
    forms.get_by_label("Art").nth(new_form).select_option(label="Formular")
    contacts.get_by_label("Öffnungszeiten").first.fill("Mo–Fr 8:00–12:00 Uhr")
    save(page)
    assert page.locator(".errorlist").count() == 0
    service.refresh_from_db()
    assert service.leika_keys[-1] == "99123456789012"
    assert service.forms[-1] == {
        "kind": "form",
        "title": "Antrag als PDF",
        "url": "https://www.ulm.example/antrag.pdf",
    }
    assert service.contact_points[0]["opening_hours"] == "Mo–Fr 8:00–12:00 Uhr"
    assert service.contact_points[0]["id"] == contact["id"]  # kept, though not shown

    # an emptied row removes its entry
    page.locator(".field-forms").get_by_label("Titel").nth(new_form).fill("")
    page.locator(".field-forms").get_by_label("Webadresse").nth(new_form).fill("")
    save(page)
    service.refresh_from_db()
    assert all(entry.get("title") != "Antrag als PDF" for entry in service.forms)
