"""The key figures in Chromium as the service-center lead reads them: the dashboard with its
charts and tables (axe-core), the period presets and a filter, the CSV download; the head of a
department sees their own department only."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from ulm_kpi import services as kpi
from ulm_kpi.tests import data
from ulm_servicepoint.services import DEMO_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, site, username):
    page.goto(f"{site.url}/helpdesk/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form button[type=submit], form input[type=submit]").first.click()
    page.wait_for_load_state()


def test_the_lead_reads_filters_and_downloads_the_figures(site, page, django_user_model):
    lead = django_user_model.objects.create_user(
        "lea.kennzahlen", password=DEMO_PASSWORD, is_staff=True
    )
    lead.user_permissions.add(Permission.objects.get(codename="view_kpis"))
    office = data.queue("kpi-amt", "KPI-Amt")
    kind = data.request_type("kpi-a", "KPI-Anliegen A", office)
    for n, channel in enumerate(["email", "phone", "phone", "web_form", "letter"]):
        data.case(
            f"2026-03-0{2 + n} {8 + n:02d}:15",
            office,
            channel,
            kind,
            first_contact=channel == "phone",
            first_answer=f"2026-03-0{2 + n} {8 + n:02d}:45",
            closed=f"2026-03-0{2 + n} 1{n}:15",
        )
    data.visit("2026-03-03 10:00", kind)
    data.call("b1", "2026-03-02 09:00", 12, 100)
    data.call("b2", "2026-03-02 09:10", None, 40)
    kpi.refresh()

    log_in(page, site, "lea.kennzahlen")
    page.get_by_role("link", name="Kennzahlen").first.click()
    expect(page.locator("h1")).to_have_text("Kennzahlen des Bürgerservice")
    page.fill("#kpi-von", "2026-03-01")
    page.fill("#kpi-bis", "2026-03-31")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#kpi-contacts-total")).to_contain_text("6 Kontakte im Zeitraum")
    expect(page.locator("#kpi-fcr")).to_contain_text("50\u00a0%")  # 2 calls + 1 visit of 6
    expect(page.locator("#kpi-reachability")).to_contain_text("Ziel verfehlt")
    assert axe_violations(page, "#kpi-page") == []
    screenshot(page, "kpi-dashboard")

    # one channel: the figures follow the filter
    page.select_option("#kpi-kanal", "phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Anzeigen").click()
    expect(page.locator("#kpi-contacts-total")).to_contain_text("2 Kontakte im Zeitraum")

    with page.expect_download() as download:
        page.get_by_role("link", name="Als CSV exportieren").click()
    body = download.value.path().read_bytes().decode("utf-8-sig")
    assert "Kontakte" in body


def test_a_head_of_department_sees_their_department(site, page):
    from ulm_routing import services as routing

    routing.load_demo_routing()
    routing.load_demo_loop()
    log_in(page, site, "kfz-zulassung.leitung")
    page.goto(f"{site.url}/helpdesk/kennzahlen/")
    expect(page.locator("#kpi-abteilung option")).to_have_count(1)
    expect(page.locator("#kpi-abteilung")).to_have_value("kfz-zulassung")
    assert axe_violations(page, "#kpi-page") == []
