"""Data protection: no page sends a citizen's or agent's browser to a third party."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.support.html import soup

pytestmark = pytest.mark.django_db

RESOURCE_ATTRIBUTES = {"script": "src", "link": "href", "img": "src", "iframe": "src"}


def external_resources(response) -> list[str]:
    page = soup(response)
    found = []
    for tag, attribute in RESOURCE_ATTRIBUTES.items():
        for element in page.find_all(tag):
            url = element.get(attribute) or ""
            if urlsplit(url).netloc and urlsplit(url).netloc not in ("testserver", "127.0.0.1"):
                found.append(url)
    return found


def policy_sources(response) -> set[str]:
    policy = response.headers["Content-Security-Policy"]
    return {token for part in policy.split(";") for token in part.split()[1:]}


def only_our_own(sources: set[str]) -> bool:
    """Keywords, a script nonce, data: URIs and paths on our own host (testserver); no other
    host."""
    keywords = {"'self'", "'unsafe-inline'", "'none'", "data:"}
    return all(
        source in keywords or source.startswith(("'nonce-", "testserver/")) for source in sources
    )


@pytest.mark.parametrize(
    "name", ["helpdesk:dashboard", "helpdesk:list", "helpdesk:kanban", "helpdesk:report_index"]
)
def test_agent_pages_load_nothing_from_elsewhere(client, agent, name):
    client.force_login(agent)
    response = client.get(reverse(name), follow=True)  # Kanban: every open ticket (host_views)
    assert response.status_code == 200
    assert external_resources(response) == []
    assert only_our_own(policy_sources(response)), policy_sources(response)


def test_ticket_page_and_reports_load_nothing_from_elsewhere(client, agent):
    client.force_login(agent)
    ticket = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    assert external_resources(client.get(reverse("helpdesk:view", args=[ticket.id]))) == []
    report = client.get(reverse("helpdesk:run_report", args=["queuestatus"]))
    assert external_resources(report) == []


def test_citizen_pages_load_nothing_from_elsewhere(client, demo):
    response = client.get(reverse("ulm_channels:contact"))
    assert external_resources(response) == []
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]


def test_browsers_refuse_what_the_host_still_links_from_a_cdn(client, admin_user):
    """The host's checklist editor links Sortable from unpkg; the policy forbids loading it."""
    client.force_login(admin_user)
    response = client.get(reverse("helpdesk:checklist_templates"))
    assert response.status_code == 200
    linked = external_resources(response)
    assert linked, "the host links CDN scripts here (if it stops, this workaround can go)"
    allowed = policy_sources(response)
    for url in linked:
        origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
        assert origin not in allowed
        assert urlsplit(url).netloc not in allowed
