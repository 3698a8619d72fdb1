"""Typed public forms (/anliegen/): the list of request types, a type's own form built from its
capture schema, and the same intake as the contact form (spam protection, held submissions,
confirmation, private link, German mail) — through ulm_servicepoint's capture_request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from helpdesk.models import FollowUpAttachment

from tests.support.html import form_fields, soup, visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels import services
from ulm_channels.models import CitizenLink, HeldSubmission
from ulm_channels.tests.web import later
from ulm_servicepoint.models import CaseRecord, Citizen
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
STREET = reverse("ulm_channels:typed_request", args=["strassenschaden"])


def fill(client, url=STREET, **values):
    """GET the typed form, fill in ``values`` over what the page carries, POST a minute later."""
    data = form_fields(client.get(url), "main form")
    data.update({"privacy": "on", **values})
    with later():
        return client.post(url, data)


STREET_VALUES = {
    "f-art": "Straßenlaterne",
    "f-ort": "Olgastraße 12",
    "f-gefahr": "no",
    "name": "Lena Licht",
    "email": "Lena@Example.org",
    "phone": "0731 123456",
}


def test_list_groups_public_types_by_topic_and_searches_without_javascript(client, demo):
    page = client.get(reverse("ulm_channels:request_types"))
    assert page.status_code == 200
    headings = [h.get_text(strip=True) for h in soup(page).select("main h2")]
    assert "Abfall und Umwelt" in headings
    assert "Verkehr und Mobilität" in headings
    links = {a["href"] for a in soup(page).select("main .type-list a")}
    assert STREET in links
    # a plain GET form: "strasse" finds "Straßenschaden" (German-folded), nothing else
    found = client.get(reverse("ulm_channels:request_types"), {"q": "strasse laterne"})
    assert [a["href"] for a in soup(found).select("main .type-list a")] == [STREET]
    assert "1 Anliegen passt" in visible_text(found)
    none = client.get(reverse("ulm_channels:request_types"), {"q": "xyzzy"})
    assert "Kein Anliegen passt" in visible_text(none)
    # the list is reached from the start page, the contact form and every footer
    assert client.get("/")["Location"] == reverse("ulm_channels:request_types")
    contact = soup(client.get(reverse("ulm_channels:contact")))
    assert contact.select_one(f"main a[href='{reverse('ulm_channels:request_types')}']")
    assert contact.select_one(f"footer a[href='{reverse('ulm_channels:request_types')}']")


def test_agent_only_and_non_public_types_stay_hidden(client, demo):
    from ulm_servicepoint.models import RequestType

    RequestType.objects.filter(slug="hundesteuer").update(public=False)
    page = client.get(reverse("ulm_channels:request_types"))
    assert "Hundesteuer" not in visible_text(page)
    assert (
        client.get(reverse("ulm_channels:typed_request", args=["hundesteuer"])).status_code == 404
    )
    # agent-only fields of a public type are not on the citizen's form
    specs = demo.schema_form_fields(demo.public_request_type("personalausweis"), audience="agent")
    hidden = [s["key"] for s in specs if s["audience"] == "agent"]
    assert hidden, "the demo's Personalausweis has agent-only fields"
    form = form_fields(client.get(reverse("ulm_channels:typed_request", args=["personalausweis"])))
    assert not any(f"f-{key}" in form for key in hidden)


def test_form_shows_fields_privacy_easy_language_and_upload(client, demo):
    page = client.get(STREET)
    text = visible_text(page)
    assert "Straßenschaden oder defekte Laterne melden" in text
    assert "Etwas auf der Straße ist kaputt?" in text  # Leichte Sprache
    assert "12 Monate" in text  # the type's retention period in the privacy notice
    html = soup(page)
    for name in ("f-art", "f-ort", "f-foto", "email", "name", "phone", "privacy"):
        element = html.select_one(f"[name='{name}']")
        assert element is not None, name
        assert html.select_one(f"label[for='{element['id']}']"), name
    assert html.select_one("[name='f-foto']")["type"] == "file"
    assert html.select_one("form")["enctype"] == "multipart/form-data"
    assert html.select_one("[name='email']")["autocomplete"] == "email"
    # yes/no is a group of radios with a legend naming the question
    legends = [legend.get_text(" ", strip=True) for legend in html.select("fieldset legend")]
    assert any(legend.startswith("Besteht eine akute Gefahr?") for legend in legends)


def test_typed_request_becomes_typed_ticket_with_link_and_german_mail(client, demo, smtp):
    photo = SimpleUploadedFile("laterne.png", PNG, content_type="image/png")
    response = fill(client, **STREET_VALUES, **{"f-foto": photo})
    assert response.status_code == 302, visible_text(response)
    case = CaseRecord.objects.get(request_type__slug="strassenschaden")
    ticket = case.ticket
    assert case.channel == "web_form"
    assert case.values["art"] == "Straßenlaterne"
    assert case.values["gefahr"] is False
    assert case.values["foto"]["name"] == "laterne.png"
    assert FollowUpAttachment.objects.filter(followup__ticket=ticket).count() == 1
    assert case.citizen.email == "lena@example.org"
    assert case.citizen.phone == "+49731123456"
    assert ticket.queue.slug == "servicecenter"
    link = CitizenLink.objects.get(ticket=ticket)
    # our German confirmation with the private link, and not the host's acknowledgement too
    deliver_outbox()  # what the worker does after the commit
    mails = smtp.to("lena@example.org")
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert reference_of(ticket) in str(mails[0]["Subject"])
    assert f"/mein-anliegen/{link.token}/" in body
    page = client.get(response["Location"])
    assert reference_of(ticket) in visible_text(page)
    assert soup(page).find("a", href=lambda h: h and str(link.token) in h)
    # the status page shows the request as typed
    status = visible_text(client.get(reverse("ulm_channels:status", args=[link.token])))
    assert "Olgastraße 12" in status


def test_same_citizen_by_email_across_typed_form_and_capture(client, demo):
    fill(client, **STREET_VALUES)
    fill(client, **{**STREET_VALUES, "f-ort": "Münsterplatz", "email": "lena@example.org"})
    assert Citizen.objects.filter(email="lena@example.org").count() == 1
    assert CaseRecord.objects.filter(citizen__email="lena@example.org").count() == 2


def test_invalid_submission_names_fields_in_german_and_keeps_everything(client, demo):
    photo = SimpleUploadedFile("laterne.exe", b"MZ\x90\x00", content_type="image/png")
    response = fill(
        client,
        **{
            **STREET_VALUES,
            "f-art": "",
            "email": "kein-at-zeichen",
            "phone": "12",
            "f-foto": photo,
        },
    )
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary")
    assert "Bitte korrigieren Sie 4 Angaben" in summary.get_text(" ")
    items = [li.get_text(" ", strip=True) for li in summary.select("li")]
    assert any("Was ist beschädigt?" in item for item in items)
    assert any("E-Mail-Adresse" in item for item in items)
    assert any("Telefonnummer" in item for item in items)
    assert any("Foto" in item and "PDF" in item for item in items)
    assert any("erneut" in item or "noch einmal" in item for item in items)  # the file
    for link in summary.select("a[href^='#']"):
        assert soup(response).select_one(link["href"]), link["href"]
    # nothing typed is lost
    kept = form_fields(response, "main form")
    assert kept["f-ort"] == "Olgastraße 12"
    assert kept["name"] == "Lena Licht"
    assert kept["email"] == "kein-at-zeichen"
    assert kept["f-gefahr"] == "no"
    assert not CaseRecord.objects.filter(channel="web_form").exists()


def test_time_trap_asks_again_keeping_the_values(client, demo):
    data = form_fields(client.get(STREET), "main form")
    data.update(STREET_VALUES, privacy="on")
    response = client.post(STREET, data)  # at once: faster than a person
    assert response.status_code == 400
    assert form_fields(response, "main form")["f-ort"] == "Olgastraße 12"
    assert not CaseRecord.objects.filter(channel="web_form").exists()
    again = form_fields(response, "main form")
    with later():
        assert client.post(STREET, {**again, "privacy": "on"}).status_code == 302


def test_honeypot_holds_typed_request_and_staff_release_it_as_typed_ticket(client, demo, smtp):
    photo = SimpleUploadedFile("laterne.png", PNG, content_type="image/png")
    response = fill(client, **STREET_VALUES, homepage="http://spam.example", **{"f-foto": photo})
    assert response.status_code == 202
    assert "von Hand" in visible_text(response)
    held = HeldSubmission.objects.get()
    assert held.reason == HeldSubmission.Reason.HONEYPOT
    assert held.request_type == "strassenschaden"
    assert held.values["ort"] == "Olgastraße 12"
    assert held.files.get().name == "laterne.png"
    assert not CaseRecord.objects.filter(channel="web_form").exists()
    # staff find it genuine: a typed ticket with its photo, the link and the mail
    ticket = services.release_held_submission(held)
    case = CaseRecord.objects.get(ticket=ticket)
    assert case.request_type.slug == "strassenschaden"
    assert case.values["ort"] == "Olgastraße 12"
    assert case.values["foto"]["name"] == "laterne.png"
    assert FollowUpAttachment.objects.filter(followup__ticket=ticket).count() == 1
    assert CitizenLink.objects.filter(ticket=ticket).exists()
    deliver_outbox()
    assert len(smtp.to("lena@example.org")) == 1
    held.refresh_from_db()
    assert not held.files.exists()


def test_rate_limit_holds_further_typed_requests(client, demo, settings):
    settings.ULM_CHANNELS_RATE_LIMIT_PER_EMAIL = 1
    assert fill(client, **STREET_VALUES).status_code == 302
    assert fill(client, **STREET_VALUES).status_code == 202
    assert HeldSubmission.objects.get().reason == HeldSubmission.Reason.RATE_LIMIT
    assert CaseRecord.objects.filter(channel="web_form").count() == 1


def test_admin_release_reports_a_held_request_the_changed_schema_refuses(client, demo, admin_user):
    from ulm_servicepoint.models import CaptureField, RequestType

    fill(client, **STREET_VALUES, homepage="bot")
    held = HeldSubmission.objects.get()
    # meanwhile the admin made a new field required: the held values no longer suffice
    street = RequestType.objects.get(slug="strassenschaden")
    CaptureField.objects.create(
        request_type=street,
        key="hausnummer",
        label="Hausnummer",
        field_type="text",
        required_level="processing",
    )
    demo.publish_schema(street)
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:ulm_channels_heldsubmission_changelist"),
        {"action": "release", "_selected_action": [held.pk]},
        follow=True,
    )
    assert "konnte nicht freigegeben werden" in visible_text(response)
    assert "Hausnummer" in visible_text(response)
    held.refresh_from_db()
    assert held.state == HeldSubmission.State.WAITING  # kept, nothing lost
    # the admin page shows what was typed
    page = client.get(reverse("admin:ulm_channels_heldsubmission_change", args=[held.pk]))
    assert "Olgastraße 12" in visible_text(page)


def test_typed_request_failing_after_the_ticket_is_rolled_back_and_kept_with_its_file(
    client, demo, smtp
):
    from unittest import mock

    photo = SimpleUploadedFile("laterne.png", PNG, content_type="image/png")
    # an error on our side after ticket and attachment were written (here: the private link)
    with mock.patch(
        "ulm_channels.web_intake.CitizenLink.objects.create", side_effect=RuntimeError("kaputt")
    ):
        response = fill(client, **STREET_VALUES, **{"f-foto": photo})
    assert response.status_code == 202
    assert not CaseRecord.objects.filter(channel="web_form").exists()  # nothing half-done
    assert not FollowUpAttachment.objects.filter(filename="laterne.png").exists()
    held = HeldSubmission.objects.get()
    assert held.reason == HeldSubmission.Reason.INTAKE_ERROR
    kept = held.files.get()
    with kept.file.open("rb") as stored:
        assert stored.read() == PNG
    deliver_outbox()
    assert smtp.to("lena@example.org") == []  # no confirmation of a request rolled back
    # fixed: staff release it as the typed ticket it should have been
    case = CaseRecord.objects.get(ticket=services.release_held_submission(held))
    assert case.values["foto"]["name"] == "laterne.png"
