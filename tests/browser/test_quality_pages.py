"""The quality sampling's staff pages in Chromium: the lead's week, a review with a half-done
checklist, the agent's own reviews — accessible (axe-core, WCAG 2.1 AA) and German."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_german_pages import english_seen, log_in
from ulm_kpi import quality
from ulm_kpi.tests.test_quality import ALL_YES, closed, in_week

pytestmark = pytest.mark.browser


def test_the_quality_pages_are_accessible_and_german(site, page, client, agent, django_user_model):
    lead = django_user_model.objects.create_user(
        username="lea.leitung", first_name="Lea", last_name="Leitner", is_staff=True
    )
    lead.groups.set(Group.objects.filter(name__in=["Servicecenter", "Servicecenter-Leitung"]))
    week = quality.previous_week()
    closed(agent, in_week(week, 1), title="Personalausweis verloren")
    closed(agent, in_week(week, 2), forward=True, title="Sperrmüll anmelden")
    drawn, _created = quality.draw_week(week)
    first, second = drawn.samples.order_by("pk")
    quality.save_review(lead, first.pk, {**ALL_YES, "note": "Freundlich und vollständig."})

    log_in(page, site, client, lead)
    page.goto(f"{site.url}/helpdesk/qualitaet/")
    assert page.locator("tr.stichprobe").count() == 1
    found = {"overview": (axe_violations(page), english_seen(page))}
    screenshot(page, "quality-overview")
    page.goto(f"{site.url}/helpdesk/qualitaet/{second.pk}/")
    page.locator("#id_correct_0").check()
    page.get_by_role("button", name="Prüfung speichern").click()
    assert page.locator("#fehler").is_visible()
    found["half-done review"] = (axe_violations(page), english_seen(page))
    screenshot(page, "quality-review")

    log_in(page, site, client, agent)
    page.goto(f"{site.url}/helpdesk/qualitaet/meine/")
    assert page.locator("section.pruefung").count() == 1
    found["own reviews"] = (axe_violations(page), english_seen(page))
    screenshot(page, "quality-mine")

    assert {name: result for name, result in found.items() if result != ([], [])} == {}
