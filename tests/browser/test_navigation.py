"""One navigation for the agents' side, inside the host's layout, and no empty or doubled pages:
the sidebar leads to our screens, "Neues Ticket" to our capture, "Wissensdatenbank" to our
services, the Kanban board shows the open requests, and the ticket page shows the description
and the owner picker once."""

from __future__ import annotations

from django.urls import reverse
from helpdesk.models import Ticket

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_german_pages import log_in
from tests.support.routing import capture_sperrmuell


def test_the_sidebar_leads_to_our_screens(site, page, client, agent, demo_knowledge):
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:dashboard"))
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    with page.expect_navigation():
        navigation.get_by_role("link", name="Wissensdatenbank").click()
    assert page.url == site.url + reverse("ulm_knowledge:services")
    page.go_back()
    with page.expect_navigation():
        navigation.get_by_role("link", name="Anliegen erfassen").click()
    assert page.url == site.url + reverse("ulm_servicepoint:capture_start")
    # the host's "Neues Ticket" (its old address, a bookmark) is our capture for staff too
    page.goto(site.url + reverse("helpdesk:submit"))
    assert page.url == site.url + reverse("ulm_servicepoint:capture_start")
    # and the host's knowledge-base index, empty, is our services A–Z
    page.goto(site.url + reverse("helpdesk:kb_index"))
    assert page.url == site.url + reverse("ulm_knowledge:services")


def test_staff_cannot_post_an_untyped_ticket_through_the_host(client, agent, demo):
    client.force_login(agent)
    before = Ticket.objects.count()
    response = client.post(
        reverse("helpdesk:submit"),
        {"queue": 1, "title": "Untypisiert", "body": "x", "priority": 3},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("ulm_servicepoint:capture_start")
    assert Ticket.objects.count() == before


def test_a_clerk_sees_his_department_work_list_first(site, page, client, kfz_clerk, city):
    log_in(page, site, client, kfz_clerk)
    page.goto(site.url + reverse("helpdesk:list"))
    navigation = page.get_by_role("navigation", name="Hauptnavigation")
    assert navigation.get_by_role("link", name="Arbeitsliste meiner Abteilung").is_visible()
    assert navigation.get_by_role("link", name="Anliegen erfassen").count() == 0


def test_the_kanban_board_shows_the_open_requests(site, page, client, agent):
    open_titles = set(
        Ticket.objects.filter(status=Ticket.OPEN_STATUS).values_list("title", flat=True)
    )
    assert open_titles
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:list"))
    with page.expect_navigation():
        page.get_by_role("navigation", name="Hauptnavigation").get_by_role(
            "link", name="Kanban-Board"
        ).click()
    board = page.locator("body").inner_text()
    for title in open_titles:
        assert title in board


def test_the_ticket_page_shows_the_description_and_the_owner_picker_once(site, page, client, agent):
    ticket = capture_sperrmuell(agent)
    Ticket.objects.filter(pk=ticket.pk).update(assigned_to=agent)
    description = ticket.description.strip().splitlines()[0]
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:view", args=[ticket.pk]))
    assert page.locator("body").inner_text().count(description) == 1
    assert page.locator("select[name=owner]").count() == 1
    screenshot(page, "ticket-page")
    assert axe_violations(page, "#followup-tab-pane") == []
    # a reply through the form without the second picker keeps the owner
    page.get_by_role("tab", name="Antworten").click()
    page.locator("#commentBox").fill("Termin ist bestätigt.")
    page.locator("#respond-tab-pane button[type=submit]").first.click()
    page.wait_for_load_state("networkidle")
    ticket.refresh_from_db()
    assert ticket.assigned_to == agent
    assert ticket.followup_set.filter(comment="Termin ist bestätigt.").exists()


def test_the_navigation_has_no_accessibility_violations(site, page, client, agent):
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:list"))
    page.wait_for_load_state("networkidle")
    screenshot(page, "navigation")
    assert axe_violations(page, "nav[aria-label=Hauptnavigation]") == []
    assert axe_violations(page, ".navbar") == []


def test_moving_a_ticket_in_the_update_form_unticks_public(site, page, client, agent):
    """The host ticks "public" by default: a forward through its form would mail the note
    meant for the department to the citizen."""
    ticket = capture_sperrmuell(agent)
    log_in(page, site, client, agent)
    page.goto(site.url + reverse("helpdesk:view", args=[ticket.pk]))
    page.get_by_role("tab", name="Antworten").click()
    public = page.locator("#id_public")
    assert public.is_checked()  # a reply to the citizen stays public by default
    page.locator("a[href='#collapseDetails']").click()
    page.select_option("#id_queue", label="Kfz-Zulassung")
    assert not public.is_checked()
    public.check()  # the agent may still decide otherwise
    assert public.is_checked()
