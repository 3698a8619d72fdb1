"""Services linked to request types, and where that shows: the capture screen (suggestions, one
click fills the answer given, the version is recorded with the capture), the typed ticket's
panel, and the citizens' forms with "Hat das Ihre Frage beantwortet?", counted. Also the owner
department's approval."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from helpdesk.models import Queue, Ticket

from tests.support.html import soup, visible_text
from ulm_knowledge import services
from ulm_knowledge.models import AnswerUse, Service, Status, SuggestionFeedback
from ulm_knowledge.tests.conftest import SAMPLE, by_external_id
from ulm_servicepoint.models import CaseRecord, RequestType
from ulm_servicepoint.services import capture_request


@pytest.fixture
def perso_type(demo):
    """The demo's request type "Personalausweis beantragen", keyed like the sample catalogue's
    Personalausweis (99008001000000), so that the import links the two."""
    RequestType.objects.filter(slug="personalausweis").update(leika_keys="99008001000000")
    services.forget_cached()
    services.import_services(SAMPLE)
    yield RequestType.objects.get(slug="personalausweis")
    services.forget_cached()


def test_import_links_services_to_request_types_by_leika_key(demo):
    RequestType.objects.filter(slug="personalausweis").update(leika_keys="99008001000000")
    request_type = RequestType.objects.get(slug="personalausweis")

    first = services.import_services(SAMPLE)
    again = services.import_services(SAMPLE)

    assert (first.linked, again.linked) == (1, 0)
    assert [s.external_id for s in services.services_for_request_type(request_type)] == [
        "dldb:9001"
    ]
    # a link made by hand in the admin survives the next import
    by_external_id("dldb:9002").request_types.add(request_type)
    services.import_services(SAMPLE)
    assert {s.external_id for s in services.services_for_request_type(request_type)} == {
        "dldb:9001",
        "dldb:9002",
    }


def test_typed_ticket_suggests_its_linked_service_first(perso_type, agent, client):
    case = capture_request(
        perso_type,
        {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
        channel="phone",
        captured_by=agent,
        message="Bewohnerparkausweis und Ausweis, beides läuft ab",
    )
    client.force_login(agent)

    panel = soup(client.get(f"/helpdesk/tickets/{case.ticket_id}/")).find(id="kb-panel")

    first = panel.find("li", attrs={"data-kbitem": True})
    assert first.strong.get_text() == "Personalausweis"
    assert "passend zur Anliegenart" in first.get_text()


def test_capture_screen_offers_the_linked_answer(perso_type, agent, client):
    client.force_login(agent)
    page = soup(client.get(reverse("ulm_servicepoint:capture", args=["personalausweis"])))

    panel = page.find(id="kb-capture")
    assert panel is not None
    # beside the form, its hidden input posted with the capture
    assert panel.find("input", attrs={"name": "kbitem"})["form"] == "erfassung"
    item = panel.find("li", attrs={"data-kbitem": True})
    assert item.strong.get_text() == "Personalausweis"
    assert item.button.get_text() == "Als Antwort übernehmen"
    assert item.button["type"] == "button"  # never saves the capture by itself
    # on the phone: the short version to read out, at hand without opening anything
    assert "Zum Vorlesen" in item.details.summary.get_text()
    assert "Beantragen Sie ihn persönlich im Bürgerbüro" in item.details.get_text()


def test_answer_from_the_capture_screen_records_its_version(perso_type, agent, client):
    perso = by_external_id("dldb:9001")
    client.force_login(agent)
    text = client.get(
        reverse("ulm_knowledge:answer-text", args=[perso.kbitem_id]),
        headers={"accept": "application/json"},
    ).json()
    assert text["version"] == 1
    assert "Kosten:\n37,00 Euro" in text["text"]

    response = client.post(
        reverse("ulm_servicepoint:capture", args=["personalausweis"]),
        {
            "channel": "phone",
            "f-geburtsdatum": "01.05.1980",
            "f-anlass": "Ablauf",
            "answer": text["text"],
            "kbitem": str(perso.kbitem_id),
            "outcome": "first_contact",
        },
    )

    assert response.status_code == 302
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert case.ticket.kbitem_id == perso.kbitem_id
    use = AnswerUse.objects.get(ticket=case.ticket)
    assert (use.kbitem_id, use.version, use.user) == (perso.kbitem_id, 1, agent)


def test_capture_with_a_vanished_answer_says_so_and_keeps_nothing(perso_type, agent, client):
    client.force_login(agent)
    response = client.post(
        reverse("ulm_servicepoint:capture", args=["personalausweis"]),
        {
            "channel": "phone",
            "f-geburtsdatum": "01.05.1980",
            "f-anlass": "Ablauf",
            "answer": "Bitte Termin buchen.",
            "kbitem": "999999",
            "outcome": "first_contact",
        },
    )
    assert response.status_code == 400
    assert "Die eingefügte Antwort der Wissensdatenbank gibt es nicht mehr." in visible_text(
        response
    )
    assert not Ticket.objects.filter(title="Personalausweis beantragen").exists()
    assert not AnswerUse.objects.exists()


def test_capture_sent_back_with_errors_keeps_the_answer_taken(perso_type, agent, client):
    perso = by_external_id("dldb:9001")
    client.force_login(agent)
    response = client.post(
        reverse("ulm_servicepoint:capture", args=["personalausweis"]),
        {
            "channel": "phone",
            "f-anlass": "Ablauf",  # the date of birth is missing
            "answer": "Personalausweis …",
            "kbitem": str(perso.kbitem_id),
            "outcome": "first_contact",
        },
    )
    assert response.status_code == 400
    kept = soup(response).find("input", attrs={"name": "kbitem"})
    assert kept["value"] == str(perso.kbitem_id)


def test_answer_text_is_for_staff_only(perso_type, client):
    url = reverse("ulm_knowledge:answer-text", args=[by_external_id("dldb:9001").kbitem_id])
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_typed_form_shows_linked_services_and_counts_feedback(perso_type, client):
    url = reverse("ulm_channels:typed_request", args=["personalausweis"])
    page = soup(client.get(url))
    section = page.find(id="kb-vorschlaege")
    assert section.find("a").get_text() == "Personalausweis"
    assert "Hat das Ihre Frage beantwortet?" in section.get_text()
    assert section.find_parent("form") is None  # its own forms, never inside the request form

    # without a script: the buttons post, the page comes back with a thank-you
    response = client.post(
        reverse("ulm_knowledge:feedback"),
        {
            "kbitem": by_external_id("dldb:9001").kbitem_id,
            "feedback": "helpful",
            "page": "personalausweis",
            "next": url,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"{url}?rueckmeldung=helpful#kb-vorschlaege"
    assert "Sie müssen das Formular nicht absenden" in visible_text(
        client.get(response["Location"])
    )
    client.post(
        reverse("ulm_knowledge:feedback"),
        {"kbitem": by_external_id("dldb:9001").kbitem_id, "feedback": "not_helpful"},
        headers={"accept": "application/json"},
    )
    kbitem = by_external_id("dldb:9001").kbitem_id
    assert services.feedback_counts()[kbitem] == {"helpful": 1, "not_helpful": 1}
    assert SuggestionFeedback.objects.filter(page="personalausweis").count() == 1


def test_feedback_goes_back_only_to_our_own_pages(perso_type, client):
    response = client.post(
        reverse("ulm_knowledge:feedback"),
        {
            "kbitem": by_external_id("dldb:9001").kbitem_id,
            "feedback": "helpful",
            "next": "https://elsewhere.example/phish",
        },
    )
    assert response["Location"].startswith(reverse("ulm_knowledge:services"))


def test_feedback_on_a_retired_item_is_refused(perso_type, client):
    perso = by_external_id("dldb:9001")
    services.retire_item(perso)
    response = client.post(
        reverse("ulm_knowledge:feedback"),
        {"kbitem": perso.kbitem_id, "feedback": "helpful"},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "Dieser Vorschlag kann nicht mehr bewertet werden."
    assert not SuggestionFeedback.objects.exists()


def test_citizen_suggestions_follow_what_they_type(catalogue, client):
    url = reverse("ulm_knowledge:suggestions")
    found = client.get(url, {"q": "Mir wurde der Ausweis geklaut"}).json()["results"]
    assert found[0]["title"] == "Verlust oder Diebstahl Personalausweis"
    assert found[0]["url"] == "/dienstleistungen/verlust-oder-diebstahl-personalausweis/"
    assert len(found) <= 3
    assert client.get(url, {"q": "Au"}).json() == {"results": []}


def test_contact_form_has_the_live_suggestions_region(catalogue, demo, client):
    region = soup(client.get(reverse("ulm_channels:contact"))).find(id="kb-live")
    assert region.has_attr("hidden")  # shown by the script once there is something to show
    assert region["data-source"] == "#id_subject, #id_message"
    assert region["data-question"] == "Hat das Ihre Frage beantwortet?"


def test_owner_department_approves(catalogue, demo, agent, kfz_clerk, django_user_model):
    item = by_external_id("dldb:9004")
    item.department = Queue.objects.get(slug="kfz-zulassung")
    item.save()
    services.edit_item(item, {"fees": "13,10 Euro"}, author=agent)
    services.submit_for_review(item, agent)
    colleague = django_user_model.objects.create_user("sina.service", is_staff=True)
    colleague.groups.set(Group.objects.filter(name="Servicecenter"))

    # the service center reaches every queue, but it is not the owning department
    for outsider in (colleague, django_user_model.objects.get(username="berta.abfall")):
        with pytest.raises(services.LifecycleError, match="zuständige Fachabteilung"):
            services.approve(item, outsider)
    services.approve(item, kfz_clerk)

    assert Service.objects.get(pk=item.pk).status == Status.PUBLISHED


def test_demo_city_links_every_request_type_to_a_service(demo_knowledge):
    unlinked = [
        request_type.slug
        for request_type in RequestType.objects.filter(active=True)
        if not services.services_for_request_type(request_type)
    ]
    assert unlinked == []
    assert services.load_demo_knowledge() is False  # once


def test_citizens_get_three_services_even_where_answers_match_better(demo_knowledge, client):
    # the demo's answer "Ich habe meinen Personalausweis verloren …" is no page for citizens
    found = client.get(
        reverse("ulm_knowledge:suggestions"), {"q": "Personalausweis verloren, was tun?"}
    ).json()["results"]
    assert len(found) == 3
    assert all(Service.objects.filter(kbitem_id=f["kbitem"]).exists() for f in found)
