"""Capturing typed requests: schemas, validation in German, citizens, the case record."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from helpdesk.models import FollowUpAttachment, Ticket

from tests.support.outbox import deliver_outbox
from ulm_servicepoint import services
from ulm_servicepoint.models import CaptureField, CaseRecord, Citizen, RequestType
from ulm_servicepoint.schema_forms import normalise_phone, normalise_vehicle_registration
from ulm_servicepoint.services import CaptureInvalid, CitizenData, Outcome, reference_of

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SPERRMUELL = {
    "abholadresse": {
        "street": "Frauenstraße",
        "house_number": "12a",
        "postcode": "89073",
        "city": "Ulm",
    },
    "gegenstaende": "1 Sofa, 2 Stühle",
    "menge": "2,5",
    "wunschtermin": "12.12.2026",
    "elektro": False,
}


@pytest.fixture(autouse=True)
def german():
    with translation.override("de"):
        yield


def sperrmuell() -> RequestType:
    return RequestType.objects.get(slug="sperrmuell-abholung")


def test_demo_has_twelve_request_types_with_schemas(demo):
    types = RequestType.objects.all()
    assert types.count() == 12
    for request_type in types:
        schema = services.current_schema(request_type)
        assert schema.version == 1
        assert schema.fields, request_type.slug
    # loading again changes nothing
    demo.load_demo_data()
    assert RequestType.objects.count() == types.count()


def test_phone_capture_creates_ticket_case_record_and_german_acknowledgement(
    agent, smtp, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.capture_request(
            sperrmuell(),
            SPERRMUELL,
            channel="phone",
            citizen=CitizenData(
                name="Eva Ernst", email="Eva.Ernst@example.org", phone="0731 1234567"
            ),
            captured_by=agent,
        )
    ticket = case.ticket
    assert ticket.queue.slug == "servicecenter"
    assert ticket.submitter_email == "eva.ernst@example.org"
    assert case.level == 1
    assert case.channel == "phone"
    assert case.captured_by == agent
    assert case.schema.version == 1
    # values are typed
    assert case.values["menge"] == 2.5
    assert case.values["wunschtermin"] == "2026-12-12"
    assert case.values["elektro"] is False
    assert case.values["abholadresse"]["postcode"] == "89073"
    assert case.citizen.phone == "+497311234567"
    # and queryable (JSONB, GIN index)
    assert (
        CaseRecord.objects.filter(values__contains={"abholadresse": {"city": "Ulm"}}).get() == case
    )
    assert CaseRecord.objects.filter(values__menge__gt=2).count() == 1
    # the ticket text shows the values in German
    assert "Wunschtermin: 12.12.2026" in ticket.description
    assert "Menge in Kubikmetern (ca.): 2,5" in ticket.description
    # the citizen got the host's German acknowledgement (delivered by the worker after commit)
    assert deliver_outbox() == {"sent": 1}
    mails = smtp.to("eva.ernst@example.org")
    assert len(mails) == 1
    # the host's "[queue-id]" is rewritten by the outbox to the stable reference
    assert reference_of(ticket) in mails[0]["Subject"]
    assert ticket.ticket not in mails[0]["Subject"]
    body = mails[0].get_body(preferencelist=("plain",)).get_content()
    # the host's German template (English would say "We have received your request")
    assert "dass wir Ihre Helpdesk-Anforderung" in body
    assert "Sperrmüll-Abholung" in body


def test_invalid_values_are_refused_in_german_naming_the_field_and_nothing_is_written(agent, smtp):
    tickets_before = Ticket.objects.count()
    bad = {
        **SPERRMUELL,
        "abholadresse": {"street": "Frauenstraße", "house_number": "", "postcode": "8907"},
        "menge": "viel",
        "wunschtermin": "31.02.2026",
    }
    del bad["gegenstaende"]
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            sperrmuell(),
            bad,
            channel="phone",
            citizen=CitizenData(email="kein-at", phone="12"),
            captured_by=agent,
        )
    errors = caught.value.errors
    assert errors["gegenstaende"] == ["Bitte füllen Sie „Welche Gegenstände?“ aus."]
    assert "„Menge in Kubikmetern (ca.)“" in errors["menge"][0]
    assert "Zahl" in errors["menge"][0]
    assert "„Wunschtermin“" in errors["wunschtermin"][0]
    assert "„Abholadresse: Hausnummer“" in errors["abholadresse__house_number"][0]
    assert "fünf Ziffern" in errors["abholadresse__postcode"][0]
    assert "„Abholadresse: Ort“" in errors["abholadresse__city"][0]
    assert "E-Mail" in errors["citizen_email"][0]
    assert "Telefonnummer" in errors["citizen_phone"][0]
    assert Ticket.objects.count() == tickets_before
    assert not Citizen.objects.exists()
    assert deliver_outbox() == {}
    assert smtp.messages == []


def test_forward_goes_to_the_default_department(agent, kfz_clerk, smtp):
    kfz = RequestType.objects.get(slug="kfz-zulassung")
    case = services.capture_request(
        kfz,
        {"vorgang": "Wunschkennzeichen", "kennzeichen": "ul ab 123"},
        channel="email",
        citizen=CitizenData(email="peter@example.org"),
        captured_by=agent,
        outcome=Outcome.FORWARD,
    )
    assert case.ticket.queue.slug == "kfz-zulassung"
    assert case.level == 2
    assert case.forwarded_at is not None
    assert case.values["kennzeichen"] == "UL-AB 123"
    assert services.tickets_visible_to(kfz_clerk).filter(pk=case.ticket_id).exists()


def test_first_contact_answer_closes_the_ticket(agent, smtp, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        case = services.capture_request(
            RequestType.objects.get(slug="personalausweis"),
            {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
            channel="phone",
            # with an address: no mail although one could be sent
            citizen=CitizenData(
                name="Otto Normal", phone="+49 731 555 01", email="otto@example.org"
            ),
            captured_by=agent,
            outcome=Outcome.FIRST_CONTACT,
            answer="Termin online buchen, Foto und alten Ausweis mitbringen.",
        )
    case.ticket.refresh_from_db()
    assert case.ticket.status == Ticket.CLOSED_STATUS
    assert case.resolved_at_first_contact is True
    assert case.first_contact_resolved_at is not None
    assert case.ticket.resolution.startswith("Termin online buchen")
    assert deliver_outbox() == {}
    assert smtp.messages == []  # answered on the phone: no acknowledgement mail


def test_first_contact_needs_the_answer(agent):
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            RequestType.objects.get(slug="personalausweis"),
            {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
            channel="phone",
            outcome=Outcome.FIRST_CONTACT,
            captured_by=agent,
        )
    assert "„Erteilte Auskunft“" in caught.value.errors["answer"][0]


def test_a_changed_schema_never_breaks_old_tickets(agent, admin_user):
    request_type = RequestType.objects.get(slug="fundsache")
    old = services.capture_request(
        request_type,
        {"verloren_gefunden": "Verloren", "gegenstand": "Rucksack", "datum": "2026-11-20"},
        channel="counter",
        captured_by=agent,
    )
    # the admin renames a field's key, drops another and adds a required one
    CaptureField.objects.filter(request_type=request_type, key="ort").delete()
    CaptureField.objects.filter(request_type=request_type, key="gegenstand").update(
        key="beschreibung"
    )
    CaptureField.objects.create(
        request_type=request_type, key="farbe", label="Farbe", field_type="text", required=True
    )
    new_schema = services.publish_schema(request_type)
    assert new_schema.version == 2
    # the old ticket keeps version 1: shown and editable as captured
    old.refresh_from_db()
    assert old.schema.version == 1
    assert ("Gegenstand", "Rucksack") in services.case_values_for_display(old)
    services.update_case_values(
        old,
        {"verloren_gefunden": "Verloren", "gegenstand": "Blauer Rucksack", "datum": "2026-11-20"},
        agent,
    )
    assert old.values["gegenstand"] == "Blauer Rucksack"
    # a new ticket is captured against version 2
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            request_type,
            {"verloren_gefunden": "Gefunden", "beschreibung": "Schirm", "datum": "2026-11-21"},
            channel="phone",
            captured_by=agent,
        )
    assert "„Farbe“" in caught.value.errors["farbe"][0]


def test_citizen_is_the_same_person_across_channels(agent):
    first = services.capture_request(
        RequestType.objects.get(slug="laermbeschwerde"),
        {"quelle": "Baustelle", "ort": "Neue Straße", "datum": "2026-11-23"},
        channel="email",
        citizen=CitizenData(name="Klara Weber", email="K.Weber@example.org"),
    )
    by_phone = services.capture_request(
        RequestType.objects.get(slug="laermbeschwerde"),
        {"quelle": "Baustelle", "ort": "Neue Straße", "datum": "2026-11-24"},
        channel="phone",
        citizen=CitizenData(email="k.weber@example.org", phone="0731 98765"),
        captured_by=agent,
    )
    by_phone_again = services.capture_request(
        RequestType.objects.get(slug="laermbeschwerde"),
        {"quelle": "Baustelle", "ort": "Neue Straße", "datum": "2026-11-25"},
        channel="phone",
        citizen=CitizenData(phone="+49 (731) 98 765"),
        captured_by=agent,
    )
    assert first.citizen == by_phone.citizen == by_phone_again.citizen
    citizen = by_phone_again.citizen
    citizen.refresh_from_db()
    assert citizen.name == "Klara Weber"
    assert citizen.phone == "+4973198765"
    assert [t.pk for t in services.earlier_requests(by_phone_again, agent)] == [
        by_phone.ticket_id,
        first.ticket_id,
    ]


def test_merge_citizens_moves_their_requests(agent):
    rt = RequestType.objects.get(slug="fundsache")
    values = {"verloren_gefunden": "Verloren", "gegenstand": "Schlüssel", "datum": "2026-11-20"}
    one = services.capture_request(
        rt, values, channel="email", citizen=CitizenData(email="a@example.org")
    )
    two = services.capture_request(
        rt, values, channel="phone", citizen=CitizenData(name="Anna A.", phone="0731 111111")
    )
    assert one.citizen != two.citizen
    kept = services.merge_citizens(one.citizen, [two.citizen])
    assert Citizen.objects.count() == 1
    assert kept.name == "Anna A."
    assert kept.phone == "+49731111111"
    assert set(kept.case_records.values_list("pk", flat=True)) == {one.pk, two.pk}


def test_clerk_finds_only_citizens_of_his_department(agent, kfz_clerk):
    services.capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        SPERRMUELL,
        channel="phone",
        citizen=CitizenData(name="Sabine Sperr", phone="0731 222222"),
        outcome=Outcome.FORWARD,
        captured_by=agent,
    )
    assert [c.name for c in services.search_citizens(agent, "0731/222222")] == ["Sabine Sperr"]
    assert list(services.search_citizens(kfz_clerk, "Sabine")) == []


def test_letter_needs_a_scan_and_keeps_it(agent):
    rt = RequestType.objects.get(slug="fundsache")
    values = {"verloren_gefunden": "Gefunden", "gegenstand": "Brille", "datum": "2026-11-20"}
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(rt, values, channel="letter", captured_by=agent)
    assert "„Scan des Briefs“" in caught.value.errors["scan"][0]
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            rt,
            values,
            channel="letter",
            captured_by=agent,
            scan=SimpleUploadedFile("brief.exe", b"MZ\x90\x00", "application/octet-stream"),
        )
    assert "PDF" in caught.value.errors["scan"][0]
    case = services.capture_request(
        rt,
        values,
        channel="letter",
        captured_by=agent,
        scan=SimpleUploadedFile("brief.pdf", PDF, "application/pdf"),
    )
    attachment = FollowUpAttachment.objects.get(followup__ticket=case.ticket)
    assert attachment.filename == "brief.pdf"


def test_counter_visit_matches_the_typed_topic(agent):
    visit = services.record_counter_visit("sperr", 4, agent)
    assert visit.request_type.slug == "sperrmuell-abholung"
    with pytest.raises(CaptureInvalid) as caught:
        services.record_counter_visit("xyz", 0, agent)
    assert set(caught.value.errors) == {"topic", "minutes"}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ul ab 123", "UL-AB 123"), ("M-X 1E", "M-X 1E"), ("NEU:Z 9999", "NEU-Z 9999")],
)
def test_vehicle_registration_is_normalised(raw, expected):
    assert normalise_vehicle_registration(raw) == expected


@pytest.mark.parametrize("raw", ["UL-AB 0123", "ULMX-A 1", "12-AB 3", "UL-ABC 1", "ABC-DE 1234"])
def test_invalid_vehicle_registrations_are_refused(raw):
    with pytest.raises(ValueError, match=r"."):
        normalise_vehicle_registration(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0731 161-0", "+497311610"),
        ("+49 (0)731 1610", "+497311610"),
        ("0049 731 1610", "+497311610"),
        ("0171 2345678", "+491712345678"),
        ("+43 1 5344", "+4315344"),
    ],
)
def test_phone_numbers_are_normalised_to_e164(raw, expected):
    assert normalise_phone(raw) == expected


def test_kpi_timestamps_follow_the_hosts_ticket_updates(agent, smtp):
    from helpdesk.update_ticket import update_ticket

    case = services.capture_request(
        RequestType.objects.get(slug="laermbeschwerde"),
        {"quelle": "Gaststätte", "ort": "Hirschstraße", "datum": "2026-11-22"},
        channel="email",
        citizen=CitizenData(email="ruhe@example.org"),
    )
    update_ticket(agent, case.ticket, comment="Intern notiert.", public=False)
    case.refresh_from_db()
    assert case.first_answer_at is None
    update_ticket(agent, case.ticket, comment="Wir kümmern uns.", public=True)
    case.refresh_from_db()
    assert case.first_answer_at is not None
    assert case.closed_at is None
    update_ticket(
        agent, case.ticket, comment="Erledigt.", public=True, new_status=Ticket.CLOSED_STATUS
    )
    case.refresh_from_db()
    assert case.closed_at is not None


def test_citizen_form_leaves_out_agent_only_fields_and_stores_uploads(demo, smtp):
    request_type = RequestType.objects.get(slug="fundsache")
    form_class = services.schema_form_class(request_type)
    assert "fundnummer" not in form_class(audience="citizen").fields
    assert "fundnummer" in form_class(audience="agent").fields
    # a citizen cannot smuggle in an agent-only value
    case = services.capture_request(
        request_type,
        {
            "verloren_gefunden": "Verloren",
            "gegenstand": "Geldbeutel",
            "datum": "2026-11-20",
            "fundnummer": "F-2026/1",
        },
        channel="web_form",
        audience="citizen",
        citizen=CitizenData(email="web@example.org"),
    )
    assert "fundnummer" not in case.values
    # uploads become attachments of the ticket, referenced from the values
    baum = RequestType.objects.get(slug="baumfaellung")
    case = services.capture_request(
        baum,
        {
            "grundstueck": {
                "street": "Karlstraße",
                "house_number": "5",
                "postcode": "89073",
                "city": "Ulm",
            },
            "stammumfang": "120",
            "grund": "Morsch",
        },
        files={"lageplan": SimpleUploadedFile("plan.pdf", PDF, "application/pdf")},
        channel="web_form",
        audience="citizen",
        citizen=CitizenData(email="baum@example.org"),
    )
    attachment = FollowUpAttachment.objects.get(followup__ticket=case.ticket)
    assert case.values["lageplan"] == {"attachment": attachment.pk, "name": "plan.pdf"}
    assert case.values["stammumfang"] == 120
    # an upload that is too large is refused with the field's name
    with pytest.raises(CaptureInvalid) as caught:
        services.capture_request(
            baum,
            {**case.values, "lageplan": None},
            files={"lageplan": SimpleUploadedFile("plan.pdf", PDF + b"0" * 11_000_000)},
            channel="web_form",
            audience="citizen",
        )
    assert "„Lageplan oder Foto“ ist zu groß" in caught.value.errors["lageplan"][0]


def test_demo_cases_load_once(demo, smtp):
    assert demo.load_demo_cases() == 4
    assert demo.load_demo_cases() == 0
    assert CaseRecord.objects.filter(resolved_at_first_contact=True).count() == 1
    assert (
        CaseRecord.objects.filter(
            ticket__queue__slug="kfz-zulassung", request_type__isnull=False
        ).count()
        == 1
    )


def test_admin_cannot_save_a_broken_field(demo):
    from django.core.exceptions import ValidationError

    request_type = RequestType.objects.get(slug="fundsache")
    with pytest.raises(ValidationError) as caught:
        CaptureField(
            request_type=request_type,
            key="az",
            label="Az",
            field_type="file_reference",
            pattern="([",
        ).full_clean()
    assert "pattern" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        CaptureField(
            request_type=request_type, key="wahl", label="Wahl", field_type="choice"
        ).full_clean()
    assert "choices" in caught.value.message_dict


def test_an_unreachable_mail_server_neither_fails_nor_loses_the_acknowledgement(agent, smtp):
    smtp.stop()  # the mail server is down while the agent captures
    with translation.override("de"):
        case = services.capture_request(
            RequestType.objects.get(slug="fundsache"),
            {"verloren_gefunden": "Verloren", "gegenstand": "Mütze", "datum": "2026-11-20"},
            channel="phone",
            citizen=CitizenData(email="muetze@example.org"),
            captured_by=agent,
        )
    assert Ticket.objects.filter(pk=case.ticket_id).exists()
    # the acknowledgement waits in the outbox; the follow-up names the address it is queued for
    assert case.ticket.followup_set.get().email_recipients == ["muetze@example.org"]
    assert deliver_outbox() == {"unreachable": 1}
    smtp.start()  # back
    assert deliver_outbox() == {"sent": 1}
    assert len(smtp.to("muetze@example.org")) == 1


def test_other_addons_hear_of_new_requests_and_cannot_break_them(
    agent, django_capture_on_commit_callbacks
):
    from helpdesk.signals import new_ticket_done

    heard = []

    def listener(sender, ticket, **kwargs):
        heard.append(ticket.pk)

    def broken(sender, ticket, **kwargs):
        raise RuntimeError("a broken receiver")

    new_ticket_done.connect(listener, dispatch_uid="test-listener")
    new_ticket_done.connect(broken, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            case = services.capture_request(
                RequestType.objects.get(slug="fundsache"),
                {"verloren_gefunden": "Gefunden", "gegenstand": "Schal", "datum": "2026-11-20"},
                channel="counter",
                captured_by=agent,
            )
    finally:
        new_ticket_done.disconnect(dispatch_uid="test-listener")
        new_ticket_done.disconnect(dispatch_uid="test-broken")
    assert heard == [case.ticket_id]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("strassen", "strassenschaden"),
        ("STRASSENSCHADEN", "strassenschaden"),
        ("muell", "sperrmuell-abholung"),
        ("sperrmüll abholen", "sperrmuell-abholung"),
        ("sperrmüll kennzeichen", None),
        ("sperrmull abhol", "sperrmuell-abholung"),
        ("99008001000000", "personalausweis"),
        ("laterne", "strassenschaden"),
    ],
)
def test_agents_find_request_types_the_way_they_type(demo, search, expected):
    found = [t.slug for t in services.request_types_for_agents(search)]
    assert found == ([expected] if expected else [])


def test_counter_topic_with_umlauts_spelt_out(agent):
    assert services.record_counter_visit("Laermbeschw", 3, agent).request_type.slug == (
        "laermbeschwerde"
    )
