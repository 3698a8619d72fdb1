"""The ticket panel in a real browser (headless Chromium): the live search updates while the
agent types, and one click puts the composed answer into the reply box."""

from __future__ import annotations

import os
import re

import pytest
from helpdesk.models import Queue, Ticket
from playwright.sync_api import expect, sync_playwright

from ulm_knowledge.models import AnswerUse

pytestmark = pytest.mark.browser


@pytest.fixture
def browser():
    from django.db import connections

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's loop runs in this thread
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium")
        yield chromium
        chromium.close()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    # the live server's request threads may still hold connections to the test database
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )


def test_agent_searches_and_inserts_answer(live_server, catalogue, agent, client, browser):
    ticket = Ticket.objects.create(
        title="Frage",
        description="Guten Tag, ich habe eine Frage.",
        queue=Queue.objects.get(slug="servicecenter"),
    )
    client.force_login(agent)
    context = browser.new_context()
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/helpdesk/tickets/{ticket.pk}/")

    page.fill("#kb-search", "Perso")
    page.wait_for_selector("#kb-results li strong:has-text('Personalausweis')")
    page.click("#kb-results li:first-child button")
    # (no wait_for_function: evaluating a string is what our Content-Security-Policy forbids)
    expect(page.locator("#commentBox")).to_have_value(re.compile("Kosten"))

    reply = page.input_value("#commentBox")
    assert reply.startswith("Personalausweis")
    assert "Mitzubringen:\n- biometrisches Passfoto" in reply
    assert AnswerUse.objects.get(ticket=ticket).version == 1
    context.close()
