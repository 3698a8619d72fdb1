"""Required levels of capture fields: a first-contact answer ("Erstauskunft erteilt") needs only
what is required "always"; a request kept open or forwarded, and every citizen's form, also
what is required "for processing". Old schema versions with a yes/no flag keep working, and an
information call ("Allgemeine Auskunft") needs no field at all."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import Ticket

from tests.support.html import form_fields, soup, visible_text
from ulm_servicepoint import services
from ulm_servicepoint.models import CaptureField, CaptureSchema, CaseRecord, RequestType
from ulm_servicepoint.services import CaptureInvalid, Outcome

PROCESSING_MESSAGE = (
    "Bitte füllen Sie „Geburtsdatum“ aus: Die Fachabteilung braucht es für die Bearbeitung "
    "(für eine Erstauskunft ist es nicht nötig)."
)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def personalausweis() -> RequestType:
    return RequestType.objects.get(slug="personalausweis")


def test_a_first_contact_answer_closes_without_what_processing_needs(agent):
    # "Mein Perso läuft ab, was brauche ich?": no date of birth, no reason given
    case = services.capture_request(
        personalausweis(),
        {},
        channel="phone",
        captured_by=agent,
        outcome=Outcome.FIRST_CONTACT,
        answer="Termin online buchen, biometrisches Foto mitbringen.",
    )
    assert case.resolved_at_first_contact
    assert case.ticket.status == Ticket.CLOSED_STATUS
    assert case.values == {}


@pytest.mark.parametrize("outcome", [Outcome.FORWARD, Outcome.OPEN])
def test_forwarding_or_keeping_open_needs_what_processing_needs(agent, outcome):
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            personalausweis(),
            {"anlass": "Ablauf"},
            channel="phone",
            captured_by=agent,
            outcome=outcome,
        )
    assert caught.value.errors == {"geburtsdatum": [PROCESSING_MESSAGE]}
    assert not CaseRecord.objects.filter(request_type__isnull=False).exists()


def test_always_required_is_required_also_for_a_first_contact_answer(agent):
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            RequestType.objects.get(slug="strassenschaden"),
            {},
            channel="phone",
            captured_by=agent,
            outcome=Outcome.FIRST_CONTACT,
            answer="Die Laterne ist schon gemeldet.",
        )
    # the damage's place is required always; what it is and the danger only for processing
    assert caught.value.errors == {"ort": ["Bitte füllen Sie „Ort des Schadens“ aus."]}


def test_citizens_forms_require_both_levels(demo):
    form = services.schema_form_class(personalausweis())(
        {"f-anlass": "Ablauf"}, audience="citizen", first_contact=True, prefix="f"
    )
    assert not form.is_valid()
    assert form.errors["geburtsdatum"] == ["Bitte füllen Sie „Geburtsdatum“ aus."]
    # in the browser too: the citizen's field carries `required`, marked as such
    assert " required " in str(form["geburtsdatum"])


def test_a_schema_version_from_before_the_levels_still_validates(agent):
    # version 1 as it was published with the yes/no flag (no "required_level")
    request_type = personalausweis()
    old_specs = [
        {k: v for k, v in spec.items() if k != "required_level"}
        for spec in services.current_schema(request_type).fields
    ]
    assert [s["required"] for s in old_specs] == [True, True, False, False]
    CaptureSchema.objects.filter(request_type=request_type).update(fields=old_specs)
    # true reads as "for processing": a first-contact answer does without it …
    closed = services.capture_request(
        request_type,
        {},
        channel="phone",
        captured_by=agent,
        outcome=Outcome.FIRST_CONTACT,
        answer="Termin online buchen.",
    )
    assert closed.schema.fields == old_specs
    # … forwarding does not
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            request_type, {"anlass": "Ablauf"}, channel="phone", outcome=Outcome.FORWARD
        )
    assert caught.value.errors == {"geburtsdatum": [PROCESSING_MESSAGE]}
    # the admin's next save publishes no new version just for the new shape
    assert services.publish_schema(request_type).version == 1
    # corrected values: the closed case still needs nothing for processing
    services.update_case_values(closed, {"anlass": "Ablauf"}, agent)
    assert closed.values == {"anlass": "Ablauf"}


def test_the_api_tells_both_levels_also_for_old_versions(agent_api_client):
    body = agent_api_client.get("/api/servicepoint/anliegenarten/personalausweis/").json()
    fields = {f["key"]: (f["required"], f["required_level"]) for f in body["capture_fields"]}
    assert fields["geburtsdatum"] == (True, "processing")
    assert fields["terminwunsch"] == (False, "no")
    street = agent_api_client.get("/api/servicepoint/anliegenarten/strassenschaden/").json()
    ort = next(f for f in street["capture_fields"] if f["key"] == "ort")
    assert (ort["required"], ort["required_level"]) == (True, "always")


@pytest.fixture
def agent_api_client(client, agent):
    client.force_login(agent)
    return client


def test_capture_screen_marks_processing_fields_and_never_blocks_the_answer(agent_client):
    url = reverse("ulm_servicepoint:capture", args=["personalausweis"])
    page = soup(agent_client.get(url))
    birth = page.select_one("#id_f-geburtsdatum")
    # the browser must not hold back "Erstauskunft erteilt" on an empty date of birth …
    assert not birth.has_attr("required")
    # … and the agent reads (not only sees in colour) that processing needs it
    label = page.select_one('label[for="id_f-geburtsdatum"]').get_text(" ", strip=True)
    assert label == "Geburtsdatum (Pflichtfeld für die Bearbeitung)"
    assert "nicht für eine Erstauskunft" in visible_text(agent_client.get(url))

    # "Erstauskunft erteilt" with the date of birth empty closes the request
    data = form_fields(agent_client.get(url), "form#erfassung")
    data.update({"answer": "Termin online buchen.", "outcome": "first_contact"})
    response = agent_client.post(url, data)
    assert response.status_code == 302
    case = CaseRecord.objects.get(request_type__isnull=False)
    assert case.resolved_at_first_contact

    # forwarding the same refuses, in German, at the field
    data["outcome"] = "forward"
    response = agent_client.post(url, data)
    assert response.status_code == 400
    assert PROCESSING_MESSAGE in soup(response).select_one("#fehler").get_text(" ")
    assert CaseRecord.objects.filter(request_type__isnull=False).count() == 1


def test_always_required_fields_are_marked_required_on_the_capture_screen(agent_client):
    page = soup(agent_client.get(reverse("ulm_servicepoint:capture", args=["strassenschaden"])))
    place = page.select_one("#id_f-ort")
    assert place.has_attr("required")
    label = page.select_one('label[for="id_f-ort"]').get_text(" ", strip=True)
    assert label == "Ort des Schadens (Pflichtfeld)"


def test_information_type_blocks_no_information_call(agent, agent_client):
    info = RequestType.objects.get(slug="allgemeine-auskunft")
    assert info.name == "Allgemeine Auskunft"
    assert not info.public  # for agents; citizens ask through the contact form
    assert info.default_queue.slug == "servicecenter"
    specs = services.current_schema(info).fields
    assert [s["required_level"] for s in specs] == ["no"]
    assert info not in services.public_request_types()
    # the navigation's entry opens its capture screen, the notes ready for the question
    response = agent_client.get(reverse("ulm_servicepoint:information") + "?kanal=phone")
    target = reverse("ulm_servicepoint:capture", args=["allgemeine-auskunft"])
    assert response["Location"] == f"{target}?kanal=phone"
    page = soup(agent_client.get(response["Location"]))
    assert page.select_one("#id_message").has_attr("autofocus")
    assert not page.select_one("#suche").has_attr("autofocus")
    # question, answer and "Erstauskunft erteilt" on one screen: the contact details folded,
    # no forward (the service center keeps the type; a request is captured under its own type)
    assert not page.select_one("details#kontaktdaten").has_attr("open")
    assert page.select_one("button[value=forward]") is None
    assert page.select_one("button[value=first_contact]") is not None
    # and the capture start offers it first
    start = soup(agent_client.get(reverse("ulm_servicepoint:capture_start")))
    assert start.select_one("a#auskunft")["href"] == target
    # nothing but the answer is needed
    case = services.capture_request(
        info,
        {},
        channel="phone",
        captured_by=agent,
        message="Mein Perso läuft ab, was brauche ich?",
        outcome=Outcome.FIRST_CONTACT,
        answer="Termin buchen, Foto mitbringen.",
    )
    assert case.resolved_at_first_contact
    assert case.ticket.queue.slug == "servicecenter"


def test_without_the_information_type_the_entry_leads_to_the_capture_start(agent_client):
    RequestType.objects.filter(slug="allgemeine-auskunft").update(active=False)
    response = agent_client.get(reverse("ulm_servicepoint:information"))
    assert response["Location"] == reverse("ulm_servicepoint:capture_start")
    start = soup(agent_client.get(reverse("ulm_servicepoint:capture_start")))
    assert start.select_one("a#auskunft") is None


def test_demo_types_need_dates_of_birth_only_for_processing(demo):
    levels = dict(
        CaptureField.objects.filter(request_type__slug="personalausweis").values_list(
            "key", "required_level"
        )
    )
    assert levels == {
        "geburtsdatum": "processing",
        "anlass": "processing",
        "terminwunsch": "no",
        "vorgangsnummer": "no",
    }
    # no demo type asks a date "always": none blocks an information call on its topic
    assert not CaptureField.objects.filter(field_type="date", required_level="always").exists()


def test_admin_edits_the_level_as_a_german_choice(client, admin_user):
    client.force_login(admin_user)
    request_type = personalausweis()
    page = soup(
        client.get(reverse("admin:ulm_servicepoint_requesttype_change", args=[request_type.pk]))
    )
    select = page.select_one("select[name=fields-0-required_level]")
    assert [o.get_text(strip=True) for o in select.select("option")] == [
        "nein",
        "für die Bearbeitung",
        "immer",
    ]
    assert select.select_one("option[selected]")["value"] == "processing"
    label = page.select_one("label[for=id_fields-0-required_level]")
    assert label.get_text(" ", strip=True).startswith("Pflichtfeld")
