"""The agents' capture screens inside the helpdesk, used as an agent would (test client)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpdesk.models import FollowUpAttachment, Ticket

from tests.support.html import form_fields, soup, visible_text
from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, CounterVisit, RequestType
from ulm_servicepoint.services import CitizenData, Outcome, reference_of

PDF = b"%PDF-1.4\n%%EOF\n"


def sperrmuell_post(**extra):
    data = {
        "channel": "phone",
        "f-abholadresse__street": "Frauenstraße",
        "f-abholadresse__house_number": "12",
        "f-abholadresse__postcode": "89073",
        "f-abholadresse__city": "Ulm",
        "f-gegenstaende": "1 Sofa",
        "f-elektro": "no",
        "c-name": "Jonas Schneider",
        "c-phone": "0731 4455667",
        "c-email": "j.schneider@example.org",
        "outcome": "forward",
    }
    data.update(extra)
    return data


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def test_search_with_one_match_opens_the_type(agent_client):
    response = agent_client.get(reverse("ulm_servicepoint:capture_start"), {"q": "sperr"})
    assert response.status_code == 302
    assert response["Location"] == reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    listing = agent_client.get(reverse("ulm_servicepoint:capture_start"), {"q": "verkehr"})
    assert "Anwohnerparkausweis" in visible_text(listing)
    assert "Kfz-Zulassung" in visible_text(listing)
    assert "Fundsache" not in visible_text(listing)


def test_forward_from_the_capture_screen(agent_client, agent, smtp):
    url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    page = agent_client.get(url)
    assert page.status_code == 200
    text = visible_text(page)
    for label in ("Abholadresse: Straße", "Welche Gegenstände?", "Erstauskunft erteilt"):
        assert label in text
    assert "Weiterleiten an Abfallwirtschaft" in text
    response = agent_client.post(url, sperrmuell_post())
    assert response.status_code == 302
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert response["Location"] == reverse("helpdesk:view", args=[case.ticket_id])
    assert case.ticket.queue.slug == "abfallwirtschaft"
    assert case.channel == "phone"
    assert case.captured_by == agent
    assert case.citizen.phone == "+497314455667"
    assert case.values["abholadresse"]["street"] == "Frauenstraße"
    # the ticket page shows the case record, typed values and the citizen
    ticket_page = agent_client.get(response["Location"])
    shown = visible_text(ticket_page)
    assert "Fallakte: Sperrmüll-Abholung" in shown
    assert "Frauenstraße 12, 89073 Ulm" in shown
    assert "Sind Elektrogeräte dabei? Nein" in shown
    assert "Jonas Schneider" in shown
    assert "0731 4455667" in shown


def test_bad_input_keeps_everything_typed_and_names_the_fields(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    response = agent_client.post(
        url,
        sperrmuell_post(
            **{"f-abholadresse__postcode": "890", "c-phone": "12", "f-gegenstaende": ""}
        ),
    )
    assert response.status_code == 400
    summary = soup(response).select_one("#fehler").get_text(" ")
    assert (
        "Bitte füllen Sie „Welche Gegenstände?“ aus: Die Fachabteilung braucht es für die "
        "Bearbeitung" in summary
    )
    assert "Die Postleitzahl bei „Abholadresse“ hat fünf Ziffern" in summary
    # what the agent typed is still there
    kept = form_fields(response, "form#erfassung")
    assert kept["f-abholadresse__street"] == "Frauenstraße"
    assert kept["c-name"] == "Jonas Schneider"
    assert not Ticket.objects.filter(case_record__request_type__isnull=False).exists()
    # a service-level error (invalid phone) is shown at the citizen's field
    response = agent_client.post(url, sperrmuell_post(**{"c-phone": "12"}))
    assert response.status_code == 400
    assert "gültige Telefonnummer" in soup(response).select_one("#fehler").get_text(" ")


def test_first_contact_answer_from_the_screen(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["personalausweis"])
    response = agent_client.post(
        url,
        {
            "channel": "phone",
            "f-geburtsdatum": "01.05.1980",
            "f-anlass": "Ablauf",
            "answer": "Termin online buchen.",
            "outcome": "first_contact",
        },
    )
    assert response.status_code == 302
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert case.resolved_at_first_contact
    assert case.ticket.status == Ticket.CLOSED_STATUS
    assert case.citizen is None  # anonymous caller


def test_letter_capture_attaches_the_scan(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["fundsache"])
    data = {
        "channel": "letter",
        "f-verloren_gefunden": "Verloren",
        "f-gegenstand": "Ehering",
        "f-datum": "2026-11-01",
        "c-name": "Hildegard Becker",
        "c-street": "Münsterplatz",
        "c-house_number": "1",
        "c-postcode": "89073",
        "c-city": "Ulm",
        "c-preferred_channel": "letter",
        "outcome": "forward",
    }
    missing = agent_client.post(url, data)
    assert missing.status_code == 400
    assert "Scan des Briefs" in soup(missing).select_one("#fehler").get_text(" ")
    data["scan"] = SimpleUploadedFile("brief.pdf", PDF, "application/pdf")
    response = agent_client.post(url, data)
    assert response.status_code == 302
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert case.channel == "letter"
    assert case.citizen.preferred_channel == "letter"
    attachment = FollowUpAttachment.objects.get(followup__ticket=case.ticket)
    # the agent can open the scan through the protected download
    download = agent_client.get(attachment.file.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF


def test_known_caller_is_prefilled_with_open_requests(agent_client, agent):
    earlier = services.capture_request(
        RequestType.objects.get(slug="hundesteuer"),
        {"vorgang": "Anmeldung", "datum": "2026-11-01"},
        channel="email",
        citizen=CitizenData(name="Fritz Hund", email="fritz@example.org", phone="0731 777888"),
    )
    response = agent_client.get(
        reverse("ulm_servicepoint:capture", args=["hundesteuer"]), {"telefon": "+49731777888"}
    )
    assert response.status_code == 200
    fields = form_fields(response, "form#erfassung")
    assert fields["c-name"] == "Fritz Hund"
    assert fields["c-citizen"] == str(earlier.citizen.uuid)
    assert reference_of(earlier.ticket) in visible_text(response)
    # the agent corrects the address on the phone and captures the new request for this person
    fields.update({"f-vorgang": "Abmeldung", "f-datum": "30.11.2026", "outcome": "forward"})
    fields.update({"c-street": "Donaustraße", "c-house_number": "7", "c-postcode": "89077"})
    fields["c-city"] = "Ulm"
    assert agent_client.post(response.request["PATH_INFO"], fields).status_code == 302
    citizen = earlier.citizen
    citizen.refresh_from_db()
    assert citizen.address == "Donaustraße 7, 89077 Ulm"
    assert citizen.case_records.count() == 2


def test_department_clerk_may_not_capture_nor_see_other_departments_cases(client, agent, kfz_clerk):
    case = services.capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        {
            "abholadresse": {
                "street": "A",
                "house_number": "1",
                "postcode": "89073",
                "city": "Ulm",
            },
            "gegenstaende": "Schrank",
            "elektro": True,
        },
        channel="phone",
        outcome=Outcome.FORWARD,
        captured_by=agent,
    )
    client.force_login(kfz_clerk)
    assert client.get(reverse("ulm_servicepoint:capture_start")).status_code == 403
    assert client.get(reverse("ulm_servicepoint:counter")).status_code == 403
    assert (
        client.get(reverse("ulm_servicepoint:case_edit", args=[case.ticket_id])).status_code == 404
    )


def test_edit_values_in_the_ticket_view(agent_client, agent):
    case = services.capture_request(
        RequestType.objects.get(slug="kfz-zulassung"),
        {"vorgang": "Neuzulassung"},
        channel="phone",
        captured_by=agent,
    )
    url = reverse("ulm_servicepoint:case_edit", args=[case.ticket_id])
    form = form_fields(agent_client.get(url), "form#werte-form")
    assert form["f-vorgang"] == "Neuzulassung"
    form["f-kennzeichen"] = "UL-X 99999"
    bad = agent_client.post(url, form)
    assert bad.status_code == 400
    assert "deutsches Kennzeichen" in visible_text(bad)
    form["f-kennzeichen"] = "ul x 999"
    assert agent_client.post(url, form).status_code == 302
    case.refresh_from_db()
    assert case.values == {"vorgang": "Neuzulassung", "kennzeichen": "UL-X 999"}


def test_counter_mode_in_two_keystrokes(agent_client, agent):
    page = agent_client.get(reverse("ulm_servicepoint:counter"))
    assert page.status_code == 200
    topics = [li.get_text(strip=True) for li in soup(page).select("#themen li")]
    field = soup(page).select_one("#id_topic")
    assert field.has_attr("autofocus")
    # "3" and Enter: the browser sends the prefilled minutes with it
    data = form_fields(page, "form#schalter-form")
    data["topic"] = "3"
    response = agent_client.post(reverse("ulm_servicepoint:counter"), data, follow=True)
    visit = CounterVisit.objects.get()
    assert visit.request_type.name == topics[2]
    assert visit.minutes == 5
    assert visit.captured_by == agent
    assert "Schalterbesuch erfasst" in visible_text(response)
    wrong = agent_client.post(reverse("ulm_servicepoint:counter"), {"topic": "Zzz", "minutes": "5"})
    assert wrong.status_code == 400
    assert "Keine eindeutige Anliegenart" in visible_text(wrong)


def test_capture_screen_query_count(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    agent_client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert agent_client.get(url).status_code == 200
    # 16: the departments offered under "another department than proposed" are one query
    assert len(queries) <= 16, [q["sql"] for q in queries]


def test_capture_pages_are_german(agent_client, agent, admin_user, client):
    from tests.test_german import english_on_page

    case = services.capture_request(
        RequestType.objects.get(slug="strassenschaden"),
        {"art": "Straßenlaterne", "ort": "Olgastraße 66", "gefahr": False},
        channel="phone",
        citizen=CitizenData(name="Lena Licht", email="lena@example.org"),
        captured_by=agent,
    )
    pages = [
        agent_client.get(reverse("ulm_servicepoint:capture_start")),
        agent_client.get(reverse("ulm_servicepoint:capture", args=["strassenschaden"])),
        agent_client.post(reverse("ulm_servicepoint:capture", args=["strassenschaden"]), {}),
        agent_client.get(reverse("ulm_servicepoint:counter")),
        agent_client.get(reverse("ulm_servicepoint:case_edit", args=[case.ticket_id])),
        agent_client.get(reverse("helpdesk:view", args=[case.ticket_id])),
    ]
    for page in pages:
        assert page.status_code in (200, 400)
        assert english_on_page(page) == [], page.request["PATH_INFO"]
    client.force_login(admin_user)
    for name in (
        "admin:ulm_servicepoint_requesttype_changelist",
        "admin:ulm_servicepoint_citizen_changelist",
        "admin:ulm_servicepoint_caserecord_changelist",
    ):
        page = client.get(reverse(name))
        assert page.status_code == 200
        assert english_on_page(page) == [], name
    edit = client.get(
        reverse(
            "admin:ulm_servicepoint_requesttype_change",
            args=[RequestType.objects.get(slug="strassenschaden").pk],
        )
    )
    assert english_on_page(edit) == []


def test_ticket_page_lists_only_earlier_requests_the_viewer_may_see(client, agent, kfz_clerk):
    person = CitizenData(name="Paul Doppel", email="paul@example.org")
    abfall = services.capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        {
            "abholadresse": {
                "street": "A",
                "house_number": "1",
                "postcode": "89073",
                "city": "Ulm",
            },
            "gegenstaende": "Tisch",
            "elektro": False,
        },
        channel="phone",
        citizen=person,
        outcome=Outcome.FORWARD,
        captured_by=agent,
    )
    kfz = services.capture_request(
        RequestType.objects.get(slug="kfz-zulassung"),
        {"vorgang": "Umschreibung"},
        channel="email",
        citizen=person,
        outcome=Outcome.FORWARD,
        captured_by=agent,
    )
    client.force_login(agent)
    assert reference_of(abfall.ticket) in visible_text(
        client.get(reverse("helpdesk:view", args=[kfz.ticket_id]))
    )
    client.force_login(kfz_clerk)
    page = visible_text(client.get(reverse("helpdesk:view", args=[kfz.ticket_id])))
    assert "Paul Doppel" in page
    assert "Frühere Anliegen Keine." in page
    assert reference_of(abfall.ticket) not in page


def test_errors_are_bound_to_their_inputs(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    page = soup(agent_client.post(url, sperrmuell_post(**{"f-gegenstaende": ""})))
    field = page.select_one("#id_f-gegenstaende")
    assert field["aria-invalid"] == "true"
    assert (
        page.select_one(f"#{field['aria-describedby'].split()[-1]}")
        .get_text(" ")
        .startswith("Fehler:")
    )
    assert page.select_one('#fehler a[href="#id_f-gegenstaende"]') is not None


def test_navigation_links_capture_counter_and_calls_for_the_service_center_only(
    client, agent, kfz_clerk
):
    client.force_login(agent)
    dashboard = soup(client.get(reverse("helpdesk:dashboard")))
    nav = dashboard.select_one("nav[aria-label=Hauptnavigation]")
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a")}
    ours = {
        "Anliegen erfassen": reverse("ulm_servicepoint:capture_start"),
        "Allgemeine Auskunft": reverse("ulm_servicepoint:information"),
        "Schaltermodus": reverse("ulm_servicepoint:counter"),
        "Sichtung": reverse("ulm_servicepoint:triage"),
        "Telefonate": reverse("ulm_channels:calls"),
        # ulm_routing's pages, linked when it is installed (as in this project)
        "Rückrufbitte": reverse("ulm_routing:callback_new"),
        "Offene Weiterleitungen": reverse("ulm_routing:overview"),
        "Arbeitslisten der Fachabteilungen": reverse("ulm_routing:worklist"),
        # the knowledge base's pages (ulm_knowledge), not the host's empty one
        "Wissensdatenbank": reverse("ulm_knowledge:services"),
        "Wissenslücken": reverse("ulm_knowledge:gaps"),
    }
    assert ours.items() <= links.items()
    for href in links.values():
        # "Allgemeine Auskunft" leads on to the capture screen of that type
        assert client.get(href, follow=True).status_code == 200
    # one navigation: nothing of ours above the host's bar any more
    assert dashboard.select_one("nav[aria-label=Servicecenter]") is None
    # a department's clerk cannot capture: no links that would end in 403/404, only his list
    client.force_login(kfz_clerk)
    page = soup(client.get(reverse("helpdesk:dashboard")))
    nav = page.select_one("nav[aria-label=Hauptnavigation]")
    links = {a.get_text(strip=True): a["href"] for a in nav.select("a")}
    assert not {"Anliegen erfassen", "Schaltermodus", "Telefonate"} & links.keys()
    assert links["Arbeitsliste meiner Abteilung"] == reverse("ulm_routing:worklist")
    assert links["Sichtung"] == reverse("ulm_servicepoint:triage")  # his untyped tickets
    # the knowledge base's links are for every clerk: the gaps are his department's
    assert links["Wissenslücken"] == reverse("ulm_knowledge:gaps")
    assert links["Wissensdatenbank"] == reverse("ulm_knowledge:services")


def test_the_agent_is_told_how_the_citizen_hears_from_us(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["sperrmuell-abholung"])
    with_mail = visible_text(agent_client.post(url, sperrmuell_post(), follow=True))
    assert "Die Eingangsbestätigung an j.schneider@example.org ist unterwegs" in with_mail
    without = visible_text(
        agent_client.post(
            url,
            sperrmuell_post(**{"c-email": "", "c-name": "Ohne Mail", "c-phone": "0731 999888"}),
            follow=True,
        )
    )
    ticket = Ticket.objects.latest("id")
    assert "erhält die Bürgerin / der Bürger keine Eingangsbestätigung" in without
    assert f"Nennen Sie die Vorgangsnummer {reference_of(ticket)}" in without
