"""Request types found by the knowledge base's German search (registered with ulm_servicepoint):
citizens on /anliegen/, agents in the capture screen and the counter mode; the plain matcher
when no search is registered; the request types' search entries kept current."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.support.html import soup
from ulm_knowledge.models import RequestTypeEntry
from ulm_knowledge.search.request_types import rank_request_types
from ulm_servicepoint import services as servicepoint
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.request_type_search import register_request_type_search


def listed(client, query: str) -> list[str]:
    """The request types /anliegen/?q= lists, in its order (their form addresses)."""
    response = client.get(reverse("ulm_channels:request_types"), {"q": query})
    assert response.status_code == 200
    return [a["href"] for a in soup(response).select("main ul.type-list a")]


@pytest.fixture
def plain_matcher():
    """ulm_servicepoint as without ulm_knowledge: no search registered."""
    register_request_type_search(None)
    yield
    register_request_type_search(rank_request_types)


@pytest.mark.parametrize("query", ["Sofa", "altes Sofa abholen"])
def test_citizens_find_the_bulky_waste_form_by_a_sofa(demo_knowledge, client, query):
    assert listed(client, query)[0] == "/anliegen/sperrmuell-abholung/"


@pytest.mark.parametrize(
    ("query", "slug"),
    [
        ("Perso abgelaufen", "personalausweis"),  # synonym
        ("Gewerbeanmledung", "gewerbeanmeldung"),  # typo
        ("Anwohnerparken", "anwohnerparkausweis"),  # compound
        ("Wir haben einen Hund aus dem Tierheim geholt, muss ich den anmelden?", "hundesteuer"),
        ("Schlüssel im Bus verloren", "fundsache"),  # only the linked service knows "Schlüssel"
    ],
)
def test_citizens_words_find_their_request_type(demo_knowledge, client, query, slug):
    assert listed(client, query)[0] == f"/anliegen/{slug}/"


def test_search_results_are_ranked_and_say_how_many(demo_knowledge, client):
    response = client.get(reverse("ulm_channels:request_types"), {"q": "Sofa"})
    page = soup(response)
    assert page.find(role="status").get_text(" ", strip=True).startswith("1 Anliegen passt")
    assert not page.select("main section h2")  # a ranked list, not grouped by topic
    everything = soup(client.get(reverse("ulm_channels:request_types")))
    assert "Abfall und Umwelt" in [h.get_text() for h in everything.select("main section h2")]


def test_without_the_knowledge_search_the_plain_matcher_answers(
    demo_knowledge, client, plain_matcher
):
    assert listed(client, "Sofa") == []
    assert listed(client, "sperrmüll") == ["/anliegen/sperrmuell-abholung/"]
    assert [t.slug for t in servicepoint.request_types_for_agents("laermbeschw")] == [
        "laermbeschwerde"
    ]
    assert servicepoint.match_request_type("Sofa") is None


def test_what_agents_type_as_part_of_a_name_still_comes_first(demo_knowledge):
    for typed, slug in [("sperr", "sperrmuell-abholung"), ("Laermbeschw", "laermbeschwerde")]:
        assert servicepoint.request_types_for_agents(typed)[0].slug == slug
    assert servicepoint.request_types_for_agents("99008001000000")[0].slug == "personalausweis"


def test_citizens_never_see_a_type_that_is_not_theirs(demo_knowledge, client, agent):
    RequestType.objects.filter(slug="sperrmuell-abholung").update(public=False)
    assert "/anliegen/sperrmuell-abholung/" not in listed(client, "Sofa")
    # agents still find it
    assert servicepoint.request_types_for_agents("Sofa")[0].slug == "sperrmuell-abholung"
    RequestType.objects.filter(slug="sperrmuell-abholung").update(active=False)
    assert "sperrmuell-abholung" not in [
        t.slug for t in servicepoint.request_types_for_agents("Sofa")
    ]


def test_agents_capture_screen_opens_the_type_a_citizen_describes(demo_knowledge, agent, client):
    client.force_login(agent)
    start = reverse("ulm_servicepoint:capture_start")
    # the only type found opens at once
    response = client.get(start, {"q": "Sofa", "telefon": "+49731123"})
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"]) + "?telefon=%2B49731123"
    )
    # several found: a list, best first
    listing = soup(client.get(start, {"q": "altes Sofa abholen"}))
    names = [a.get_text() for a in listing.select("ul.list-group a")]
    assert len(names) > 1
    assert names[0] == "Sperrmüll-Abholung"


def test_counter_mode_takes_a_clear_favourite_only(demo_knowledge, agent):
    visit = servicepoint.record_counter_visit("Sofa abholen", 5, agent)
    assert visit.request_type.slug == "sperrmuell-abholung"
    assert servicepoint.record_counter_visit("Perso", 5, agent).request_type.slug == (
        "personalausweis"
    )
    # "ummelden" is said of a car, a trade and a home alike: no guess
    with pytest.raises(servicepoint.CaptureInvalid):
        servicepoint.record_counter_visit("ummelden", 5, agent)


def test_a_long_query_is_bounded(demo_knowledge, client, agent):
    text = "Sofa " * 5000
    assert listed(client, text)[0] == "/anliegen/sperrmuell-abholung/"
    client.force_login(agent)
    assert client.get(reverse("ulm_servicepoint:capture_start"), {"q": text}).status_code in (
        200,
        302,
    )


def test_request_type_entries_follow_the_request_types(demo_knowledge):
    assert RequestTypeEntry.objects.count() == RequestType.objects.filter(active=True).count()
    graffiti = RequestType.objects.create(
        name="Graffiti entfernen lassen",
        slug="graffiti",
        topic_group="Sicherheit und Ordnung",
        description="Schmierereien an städtischen Gebäuden melden.",
        default_queue=RequestType.objects.get(slug="laermbeschwerde").default_queue,
    )
    entry = RequestTypeEntry.objects.get(request_type=graffiti)
    assert entry.title == "Graffiti entfernen lassen"
    # found at once by its words (the plain matcher), by the search after the nightly reindex
    assert servicepoint.search_public_request_types("Graffiti")[0] == graffiti
    demo_knowledge.reindex()
    assert servicepoint.search_public_request_types("Grafiti entfernen")[0] == graffiti
    assert servicepoint.search_public_request_types("Schmiererei am Rathaus")[0] == graffiti
    graffiti.active = False
    graffiti.save()
    assert not RequestTypeEntry.objects.filter(request_type=graffiti).exists()
    assert graffiti not in servicepoint.search_public_request_types("Graffiti")


def test_capture_fields_are_words_of_their_type(demo_knowledge):
    from ulm_servicepoint.models import CaptureField

    street = RequestType.objects.get(slug="strassenschaden")
    CaptureField.objects.create(
        request_type=street, key="gully", label="Gullydeckel", field_type="text", position=99
    )
    servicepoint.publish_schema(street)
    demo_knowledge.reindex()
    found = rank_request_types("Gullydeckel", list(RequestType.objects.all()))
    assert found[0][0] == street
