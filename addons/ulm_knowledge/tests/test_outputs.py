"""Outputs, the same content everywhere: public service pages (A–Z, search, one page per
service with schema.org GovernmentService JSON-LD) and the REST API (list, detail)."""

from __future__ import annotations

import json

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.html import soup, visible_text
from ulm_knowledge import services
from ulm_knowledge.tests.conftest import by_external_id


def test_a_to_z_lists_published_services_by_initial(catalogue, client):
    services.retire_item(by_external_id("dldb:9002"))
    page = soup(client.get("/dienstleistungen/"))
    assert page.html["lang"] == "de"
    assert page.h1.get_text() == "Dienstleistungen A–Z"
    letters = [a.get_text() for a in page.select("nav .letters a")]
    assert letters == ["B", "F", "P", "V"]
    names = [a.get_text() for a in page.select("section#buchstabe-V a, section a")]
    assert "Verlust oder Diebstahl Personalausweis" not in names  # retired
    assert "Bewohnerparkausweis" in names


def test_search_on_the_public_page(catalogue, client):
    response = client.get("/dienstleistungen/", {"q": "Perso"})
    results = soup(response).select("section[aria-labelledby=results-title] a")
    assert results[0].get_text() == "Personalausweis"
    assert "Dienstleistungen gefunden" in visible_text(response)


def test_service_page_with_government_service_jsonld(catalogue, client):
    perso = by_external_id("dldb:9001")
    response = client.get("/dienstleistungen/personalausweis/")
    page = soup(response)
    assert page.h1.get_text() == "Personalausweis"
    headings = [h.get_text() for h in page.select("h2")]
    assert headings[:4] == ["Beschreibung", "Voraussetzungen", "Was Sie mitbringen", "Kosten"]
    data = json.loads(page.find("script", type="application/ld+json").string)
    assert data["@type"] == "GovernmentService"
    assert data["name"] == "Personalausweis"
    assert data["identifier"][0] == {
        "@type": "PropertyValue",
        "propertyID": "LeiKa",
        "value": "99008001000000",
    }
    assert data["url"].endswith("/dienstleistungen/personalausweis/")
    assert perso.get_absolute_url() == "/dienstleistungen/personalausweis/"


def test_retired_service_page_is_gone(catalogue, client):
    perso = by_external_id("dldb:9001")
    services.retire_item(perso)
    assert client.get(perso.get_absolute_url()).status_code == 404
    assert client.get(f"/dienstleistungen/{perso.uuid}/").status_code == 404


def test_api_list_and_detail_same_content(catalogue, client):
    with CaptureQueriesContext(connection) as queries:
        listing = client.get("/api/v1/knowledge/services/").json()
    assert len(queries) <= 3  # count and one page, whatever its size
    assert listing["count"] == 5
    first = listing["results"][0]
    assert first["name"] == "Bewohnerparkausweis"
    perso = by_external_id("dldb:9001")
    detail = client.get(f"/api/v1/knowledge/services/{perso.uuid}/").json()
    assert (detail["name"], detail["fees"], detail["leika_keys"]) == (
        "Personalausweis",
        "37,00 Euro",
        ["99008001000000"],
    )


def test_public_pages_speak_german(catalogue, client):
    from tests.test_german import english_on_page

    perso = by_external_id("dldb:9001")
    for url in (
        "/dienstleistungen/",
        "/dienstleistungen/?q=Ausweis",
        perso.get_absolute_url(),
    ):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert "Personalausweis" in visible_text(response), url
        assert english_on_page(response) == []


def test_api_answers_with_phone_version(catalogue, client, agent, kfz_clerk):
    from helpdesk.models import FollowUp, Queue, Ticket

    queue = Queue.objects.get(slug="kfz-zulassung")  # the draft's owner, whose clerk approves
    ticket = Ticket.objects.create(title="Wie lange gilt der Ausweis?", queue=queue)
    FollowUp.objects.create(ticket=ticket, comment="Zehn Jahre.", public=True, user=agent)
    answer = services.draft_from_ticket(ticket, agent)
    services.edit_item(answer, {"phone_text": "10 Jahre, unter 24: 6 Jahre."}, author=agent)
    services.submit_for_review(answer, agent)
    assert client.get("/api/v1/knowledge/answers/").json()["count"] == 0  # not yet published
    services.approve(answer, kfz_clerk)

    (published,) = client.get("/api/v1/knowledge/answers/").json()["results"]
    assert published["question"] == "Wie lange gilt der Ausweis?"
    assert published["phone_text"] == "10 Jahre, unter 24: 6 Jahre."
