"""The citizens' service pages as a new user meets them: readable addresses (the old ones by
uuid redirect for good), every text said once, lists as lists, "Online erledigen" to the
request type's form, and a hostile catalogue that cannot put a script or a javascript: link
on the page. Also the short text agents read out ("Zum Vorlesen")."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.support.html import soup, visible_text
from ulm_knowledge import service_pages, services
from ulm_knowledge.models import Service
from ulm_knowledge.tests.conftest import by_external_id
from ulm_servicepoint.models import RequestType

HOSTILE = [
    "javascript:alert(1)",
    " JavaScript:alert(2)",
    "java\tscript:alert(3)",
    "data:text/html,<script>alert(4)</script>",
    "vbscript:msgbox(5)",
    "/terminvereinbarung/relativ",
    "//evil.example/no-scheme",
]


def main_links(response) -> list[tuple[str, str]]:
    return [(a.get_text(strip=True), a["href"]) for a in soup(response).select("main a[href]")]


# --- Addresses ----------------------------------------------------------------------------------
def test_service_pages_have_readable_addresses(catalogue, client):
    perso = by_external_id("dldb:9001")
    assert perso.slug == "personalausweis"
    assert by_external_id("dldb:9004").slug == (
        "verlust-oder-diebstahl-der-zulassungsbescheinigung-teil-i"
    )
    response = client.get("/dienstleistungen/personalausweis/")
    assert response.status_code == 200
    assert soup(response).h1.get_text() == "Personalausweis"
    # the lists link the readable addresses
    index = client.get("/dienstleistungen/")
    assert ("Personalausweis", "/dienstleistungen/personalausweis/") in main_links(index)
    found = client.get("/dienstleistungen/", {"q": "Perso"})
    assert ("Personalausweis", "/dienstleistungen/personalausweis/") in main_links(found)


def test_old_uuid_address_redirects_permanently(catalogue, client):
    perso = by_external_id("dldb:9001")
    response = client.get(f"/dienstleistungen/{perso.uuid}/")
    assert response.status_code == 301
    assert response["Location"] == "/dienstleistungen/personalausweis/"
    assert client.get("/dienstleistungen/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/dienstleistungen/gibt-es-nicht/").status_code == 404


def test_addresses_are_german_unique_and_kept(catalogue, agent):
    def new(name: str) -> Service:
        service = Service(name=name)
        services.create_item(service, agent)
        return service

    assert (
        new("Bürgerbüro: Öffnungszeiten & Straßen").slug == "buergerbuero-oeffnungszeiten-strassen"
    )
    assert new("Personalausweis").slug == "personalausweis-2"  # the first keeps its address
    assert new("Vorschläge").slug == "vorschlaege-2"  # /dienstleistungen/vorschlaege/ is taken
    assert new("!!!").slug == "leistung"
    long = new("Sehr langer Name " * 15)
    assert len(long.slug) <= 80
    assert not long.slug.endswith("-")
    # a new name keeps the address: links to it live on
    perso = by_external_id("dldb:9001")
    services.edit_item(perso, {"name": "Personalausweis beantragen"}, agent)
    perso.refresh_from_db()
    assert perso.slug == "personalausweis"


def test_a_to_z_costs_the_same_queries_for_more_services(catalogue, client, agent):
    with CaptureQueriesContext(connection) as few:
        client.get("/dienstleistungen/")
    for n in range(6):
        service = Service(name=f"Zusatzleistung {n}", short_text="Kurz.")
        services.create_item(service, agent)
        Service.objects.filter(pk=service.pk).update(status="published")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/dienstleistungen/")
    assert "Zusatzleistung 5" in visible_text(response)
    assert len(more) == len(few)


# --- Text ---------------------------------------------------------------------------------------
def test_the_introduction_is_said_once(catalogue, client):
    # a catalogue without Kurztext: the full text's first paragraph is the lead, the rest follows
    page = visible_text(client.get("/dienstleistungen/personalausweis/"))
    intro = "Sie brauchen einen neuen Personalausweis? Beantragen Sie ihn persönlich im Bürgerbüro."
    assert page.count(intro) == 1
    assert "Der Ausweis gilt zehn Jahre." in page.split("Beschreibung", 1)[1]
    # a one-paragraph text: the lead, and no empty "Beschreibung"
    lost = client.get(by_external_id("dldb:9002").get_absolute_url())
    assert visible_text(lost).count("Melden Sie den Verlust Ihres Personalausweises sofort.") == 1
    assert "Beschreibung" not in [h.get_text() for h in soup(lost).select("h2")]


def test_a_kurztext_leads_and_the_full_text_follows_whole(demo_knowledge, client):
    bulky = Service.objects.get(external_id="dldb:ulm-demo-20")
    assert bulky.short_text.startswith("Online oder telefonisch bestellen")  # its Kurztext
    page = soup(client.get(bulky.get_absolute_url()))
    assert page.select_one(".lead").get_text(strip=True) == bulky.short_text
    description = page.find("h2", string="Beschreibung").find_next_sibling("p")
    assert description.get_text().startswith("Sperrige Gegenstände aus dem Haushalt")
    assert visible_text(client.get(bulky.get_absolute_url())).count("Sperrige Gegenstände") == 1


def test_lists_are_lists(catalogue, client):
    page = soup(client.get("/dienstleistungen/personalausweis/"))
    bring = page.find("h2", string="Was Sie mitbringen").find_next_sibling()
    assert bring.name == "ul"
    items = [li.get_text() for li in bring.find_all("li")]
    assert items
    assert all(not item.startswith("-") for item in items)
    assert "- " not in visible_text(client.get("/dienstleistungen/personalausweis/"))


def test_text_modules_become_safe_html():
    html = service_pages.text_html(
        "Erster Absatz mit <b>Markup</b> & mehr.\n"
        "- eins\n- zwei: https://www.ulm.example/x?a=1&b=2\n"
        "Mail an info@ulm.example oder javascript:alert(1)"
    )
    assert html == (
        "<p>Erster Absatz mit &lt;b&gt;Markup&lt;/b&gt; &amp; mehr.</p>"
        '<ul><li>eins</li><li>zwei: <a href="https://www.ulm.example/x?a=1&amp;b=2"'
        ' rel="noopener noreferrer">https://www.ulm.example/x?a=1&amp;b=2</a></li></ul>'
        '<p>Mail an <a href="mailto:info@ulm.example" rel="noopener noreferrer">'
        "info@ulm.example</a> oder javascript:alert(1)</p>"
    )


def test_lists_in_the_catalogue_markup_survive_the_import(tmp_path, db):
    path = tmp_path / "dldb.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "L1",
                    "name": "Liste",
                    "description": "<p>Einleitung.</p><ul><li>Erstens</li><li>Zweitens</li></ul>",
                }
            ]
        ),
        encoding="utf-8",
    )
    services.import_services(path)
    service = Service.objects.get(external_id="dldb:L1")
    assert service.full_text == "Einleitung.\n- Erstens\n- Zweitens"
    assert service.short_text == "Einleitung."
    assert service_pages.lead_and_description(service) == ("Einleitung.", "- Erstens\n- Zweitens")


# --- Hostile catalogue --------------------------------------------------------------------------
@pytest.fixture
def hostile_service(tmp_path, db):
    """A service whose catalogue entry carries scripts and javascript: links everywhere."""
    locations = tmp_path / "locations.json"
    locations.write_text(
        json.dumps(
            [
                {
                    "id": "ort",
                    "name": "Bürgerbüro <script>alert('ort')</script>",
                    "contact": {"email": "javascript:alert(1)//@x.de", "phone": "0731 1"},
                },
                {"id": "gut", "name": "Rathaus", "contact": {"email": "rathaus@ulm.example"}},
            ]
        ),
        encoding="utf-8",
    )
    catalogue = tmp_path / "dldb.json"
    catalogue.write_text(
        json.dumps(
            [
                {
                    "id": "H1",
                    "name": "Böse Leistung",
                    "description": (
                        "<p>Einleitung <script>alert('x')</script></p>"
                        '<p><a href="javascript:alert(1)">Klick</a>'
                        " &lt;img src=x onerror=alert(1)&gt;</p>"
                        "<ul><li>Liste <b onclick='alert(1)'>fett</b></li></ul>"
                    ),
                    "fees": "Siehe javascript:alert(1) oder https://gut.example/kosten",
                    "forms": [
                        {"name": f"Formular {i}", "link": url} for i, url in enumerate(HOSTILE)
                    ]
                    + [{"name": "Gutes Formular", "link": "https://gut.example/formular"}],
                    "onlineprocessing": {"description": "Online", "link": "JaVaScRiPt:alert(9)"},
                    "locations": [
                        {
                            "location": "ort",
                            "appointment": {"allowed": True, "link": "javascript:alert('termin')"},
                        },
                        {
                            "location": "gut",
                            "appointment": {"allowed": True, "link": "https://gut.example/termin"},
                        },
                    ],
                }
            ]
        ),
        encoding="utf-8",
    )
    services.import_services(catalogue, locations=locations)
    return Service.objects.get(external_id="dldb:H1")


def test_a_hostile_catalogue_cannot_script_the_page(hostile_service, client):
    response = client.get(hostile_service.get_absolute_url())
    assert response.status_code == 200
    page = soup(response)
    main = page.find("main")
    # the only scripts are the page's own (JSON-LD data), never the catalogue's
    assert all(s.get("type") == "application/ld+json" for s in main.find_all("script"))
    assert not main.find_all(attrs={"onclick": True})
    assert not main.find_all("img")
    for _, href in main_links(response):
        parts = urlsplit(href)
        assert parts.scheme in ("http", "https", "mailto") or (
            href.startswith("/") and not href.startswith("//") and not parts.scheme
        ), href
        assert "script" not in href.lower()
    links = dict(main_links(response))
    # the unsafe forms stay readable as text, without a link; the safe ones are links
    text = visible_text(response)
    for i in range(len(HOSTILE)):
        assert f"Formular {i}" in text
        assert f"Formular {i}" not in links
    assert links["Gutes Formular"] == "https://gut.example/formular"
    assert links["https://gut.example/kosten"] == "https://gut.example/kosten"
    assert links["rathaus@ulm.example"] == "mailto:rathaus@ulm.example"
    assert [href for title, href in main_links(response) if title == "Termin vereinbaren"] == [
        "https://gut.example/termin"
    ]


def test_the_composed_answer_leaves_unsafe_links_out(hostile_service):
    text = services.compose_answer(hostile_service)
    links = [line for line in text.splitlines() if line.startswith(("Online:", "Termin"))]
    # the first place's javascript: booking and the javascript: online service are left out
    assert links == ["Termin vereinbaren: https://gut.example/termin"]


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://www.ulm.example/a?b=1", True),
        ("http://ulm.example", True),
        ("mailto:info@ulm.example", True),
        ("HTTPS://ULM.EXAMPLE/", True),
        *[(url, False) for url in HOSTILE],
        ("https://", False),
        ("https://ulm.example/\nx", False),
        (None, False),
        (["https://ulm.example"], False),
    ],
)
def test_only_http_https_and_mailto_links(url, safe):
    assert bool(service_pages.safe_url(url)) is safe


# --- Online erledigen ---------------------------------------------------------------------------
def test_every_service_page_links_its_online_form(demo_knowledge, client):
    public = set(
        RequestType.objects.filter(public=True, active=True).values_list("slug", flat=True)
    )
    linked_somewhere = 0
    for service in Service.objects.filter(status="published"):
        response = client.get(service.get_absolute_url())
        section = soup(response).select_one("section.online")
        shown = [a["href"] for a in section.select("a")] if section else []
        expected = sorted(
            reverse("ulm_channels:typed_request", args=[slug])
            for slug in service.request_types.values_list("slug", flat=True)
            if slug in public
        )
        assert sorted(shown) == expected, service.name
        linked_somewhere += bool(expected)
    assert linked_somewhere >= 12  # every demo request type belongs to a service


def test_online_form_follows_the_request_type(demo_knowledge, client):
    bulky = Service.objects.get(external_id="dldb:ulm-demo-20")
    page = soup(client.get(bulky.get_absolute_url()))
    link = page.select_one("section.online a")
    assert link.get_text() == "Formular „Sperrmüll-Abholung“ online ausfüllen"
    assert link["href"] == "/anliegen/sperrmuell-abholung/"
    assert client.get(link["href"]).status_code == 200
    # a type no longer open to citizens (or no longer active) is not offered
    RequestType.objects.filter(slug="sperrmuell-abholung").update(public=False)
    assert soup(client.get(bulky.get_absolute_url())).select_one("section.online") is None


# --- Zum Vorlesen ------------------------------------------------------------------------------
def test_agents_read_out_the_kurztext(demo_knowledge, agent, client):
    bulky = Service.objects.get(external_id="dldb:ulm-demo-20")
    introduction = "Sperrige Gegenstände aus dem Haushalt"
    client.force_login(agent)
    capture = soup(client.get(reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])))
    item = capture.select_one(f"#kb-capture-results li[data-kbitem='{bulky.kbitem_id}']")
    read_out = item.find("summary", string="Zum Vorlesen").find_next_sibling("p").get_text()
    assert read_out == bulky.short_text
    assert read_out.startswith("Online oder telefonisch bestellen")
    assert introduction not in read_out
