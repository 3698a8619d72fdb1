"""Citizens' rights (DSGVO Art. 15, 16, 17) as the data-protection officer uses them: the
information package across channels, erasure with its reasons and its rollback, corrections
recorded, and only the officer may do any of it."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket
from procrastinate.contrib.django.models import ProcrastinateJob

from tests.support.html import form_fields, visible_text
from ulm_channels import services as channels
from ulm_channels.models import Call, HeldSubmission, InboundMail, SatisfactionRating, WebSubmission
from ulm_privacy import jobs, rights
from ulm_privacy.models import AccessRequest, AuditEvent
from ulm_servicepoint import services as platform
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType
from ulm_servicepoint.tests.test_capture import SPERRMUELL

pytestmark = pytest.mark.django_db

EVA_MAIL = "eva.ernst@example.org"
EVA_PHONE = "+497311234567"


@pytest.fixture
def officer(demo, django_user_model):
    """Datenschutzbeauftragte: may answer data-protection requests, edits no ticket."""
    user = django_user_model.objects.create_user("dora.datenschutz", password="x")
    user.user_permissions.add(Permission.objects.get(codename="handle_data_requests"))
    return django_user_model.objects.get(pk=user.pk)  # permissions cache fresh


def capture(agent, name: str, email: str, phone: str) -> Ticket:
    case = platform.capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        SPERRMUELL,
        channel="phone",
        citizen=platform.CitizenData(name=name, email=email, phone=phone),
        captured_by=agent,
    )
    return case.ticket


@pytest.fixture
def eva(demo, agent):
    """Bürgerin Eva Ernst: a request by phone (with a call, an internal note and an
    attachment), one by the web form and one by mail; Otto Ober has a request of his own."""
    by_phone = capture(agent, "Eva Ernst", EVA_MAIL, "0731 1234567")
    FollowUp.objects.create(
        ticket=by_phone, title="Notiz", comment="Nachbarin sagt, Sofa steht schon draußen",
        public=False, user=agent,
    )  # fmt: skip
    shown = FollowUp.objects.create(
        ticket=by_phone, title="Antwort", comment="Abholung am 12.12.", public=True, user=agent
    )
    attachment = FollowUpAttachment(
        followup=shown, filename="foto sofa.jpg", mime_type="image/jpeg", size=10
    )
    attachment.file.save("foto.jpg", ContentFile(b"JPEGDATA-1"), save=True)
    Call.objects.create(
        call_id="eva-1", caller="0731 1234567", caller_normalised=EVA_PHONE,
        started_at=timezone.now() - timedelta(minutes=5), answered_at=timezone.now(),
        ended_at=timezone.now(), ticket=by_phone,
    )  # fmt: skip
    Call.objects.create(
        call_id="eva-2", caller="07311234567", caller_normalised=EVA_PHONE,
        started_at=timezone.now() - timedelta(minutes=50), ended_at=timezone.now(),
    )  # fmt: skip
    by_form = channels.submit_web_request(
        channels.WebRequest(
            subject="Frage zum Anwohnerparken",
            message="Gilt mein Ausweis auch im Hof?\n" + "Hof" * 200,  # a word wider than a line
            email=EVA_MAIL, name="Eva Ernst",
        )
    )  # fmt: skip
    mail = (
        b"From: Eva Ernst <eva.ernst@example.org>\r\nTo: servicecenter@ulm.example\r\n"
        b"Subject: Muelltonne kaputt\r\nMessage-ID: <eva-0001@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\nDer Deckel ist abgebrochen.\r\n"
    )
    by_mail = Ticket.objects.get(pk=channels.ingest_message(mail, source="eva").ticket)
    otto = capture(agent, "Otto Ober", "otto@example.org", "0731 7654321")
    return {
        "citizen": Citizen.objects.get(email=EVA_MAIL),
        "phone": by_phone,
        "form": by_form,
        "mail": by_mail,
        "otto": otto,
    }


def package_of(access: AccessRequest) -> tuple[dict, zipfile.ZipFile]:
    jobs.build_access_package(request_id=access.pk)  # what the worker runs
    access.refresh_from_db()
    assert access.state == AccessRequest.State.DONE, access.error
    archive = zipfile.ZipFile(io.BytesIO(access.file.read()))
    return json.loads(archive.read("auskunft.json")), archive


def test_the_package_holds_everything_about_the_citizen_across_channels(
    eva, officer, agent, demo_knowledge
):
    from helpdesk.models import KBItem

    kbitem = KBItem.objects.filter(title__icontains="Sperrmüll").first() or KBItem.objects.first()
    demo_knowledge.record_answer_use(eva["phone"], kbitem, agent)  # the agent told her this
    access = rights.request_package(officer, eva["citizen"])
    # the worker's job is queued with the request
    assert ProcrastinateJob.objects.filter(
        task_name="ulm_privacy.build_access_package", args={"request_id": access.pk}
    ).exists()

    data, archive = package_of(access)

    assert [c["email"] for c in data["citizens"]] == [EVA_MAIL]
    # by phone, by the web form, by mail; nobody else's request
    assert {t["id"] for t in data["tickets"]} == {eva[k].pk for k in ("phone", "form", "mail")}
    titles = {t["title"] for t in data["tickets"]}
    assert titles >= {"Frage zum Anwohnerparken", "Muelltonne kaputt"}
    phone_ticket = next(t for t in data["tickets"] if t["id"] == eva["phone"].pk)
    assert phone_ticket["case"]["values"]["gegenstaende"] == "1 Sofa, 2 Stühle"
    notes = {f["text"]: f["internal"] for f in phone_ticket["follow_ups"]}
    assert notes["Nachbarin sagt, Sofa steht schon draußen"] is True  # internal notes too
    assert notes["Abholung am 12.12."] is False
    packed = next(f for f in phone_ticket["follow_ups"] if f["attachments"])["attachments"][0]
    assert archive.read(packed["file"]) == b"JPEGDATA-1"  # the attachment as a file
    channel = data["channels"]
    assert [m["subject"] for m in channel["received_mails"]] == ["Muelltonne kaputt"]
    assert b"Der Deckel ist abgebrochen" in archive.read(channel["received_mails"][0]["file"])
    assert any(EVA_MAIL in m["recipients"] for m in channel["sent_mails"])  # confirmations
    assert {c["ticket_id"] for c in channel["calls"]} == {eva["phone"].pk, None}  # by number
    assert len(channel["web_submissions"]) == 1
    assert phone_ticket["knowledge_answers"] == [f"„{kbitem.title}“, Version 1"]
    # who did what with her data: when and what, not the employee's name
    assert {e["action"] for e in data["audit_events"]} >= {"art15"}
    assert "dora.datenschutz" not in archive.read("auskunft.json").decode()
    assert archive.read("auskunft.pdf").startswith(b"%PDF")
    assert "Otto" not in archive.read("auskunft.json").decode()
    steps = list(AuditEvent.objects.filter(action="art15").values_list("detail__step", flat=True))
    assert sorted(steps) == ["produced", "requested"]


def test_an_unknown_citizen_gives_an_empty_package_not_an_error(eva, officer, client):
    client.force_login(officer)
    page = client.get(reverse("ulm_privacy:rights"), {"q": "niemand@example.org"})
    assert "Kein Bürgerdatensatz passt" in visible_text(page)
    response = client.post(reverse("ulm_privacy:rights_request"), {"angabe": "niemand@example.org"})
    assert response.status_code == 302
    data, archive = package_of(AccessRequest.objects.get())
    assert data["citizens"] == []
    assert data["tickets"] == []
    assert not any(data["channels"].values())
    assert archive.read("auskunft.pdf").startswith(b"%PDF")
    # the officer downloads it; the download is in the audit log
    download = client.get(reverse("ulm_privacy:rights_download", args=[data["request"]["id"]]))
    assert download.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).namelist()
    assert AuditEvent.objects.filter(action="art15", detail__step="downloaded").count() == 1


def test_a_failing_package_is_marked_failed_not_lost(eva, officer, client, monkeypatch):
    def broken(person):
        raise RuntimeError("storage full")

    monkeypatch.setattr(rights.access, "collect", broken)
    access = rights.request_package(officer, eva["citizen"])
    jobs.build_access_package(request_id=access.pk)  # never raises in the worker
    access.refresh_from_db()
    assert access.state == AccessRequest.State.FAILED
    assert "storage full" in access.error
    client.force_login(officer)
    assert "Bitte fordern Sie die Auskunft erneut an" in visible_text(
        client.get(reverse("ulm_privacy:rights"))
    )
    download = client.get(reverse("ulm_privacy:rights_download", args=[access.uuid]))
    assert download.status_code == 404


def test_the_package_about_an_address_holds_what_the_channels_keep_under_it(eva, officer):
    Citizen.objects.filter(pk=eva["citizen"].pk).delete()  # e.g. merged away
    data, _archive = package_of(rights.request_package(officer, None, EVA_MAIL.upper()))
    assert {t["id"] for t in data["tickets"]} >= {eva["form"].pk, eva["mail"].pk}


def test_erasure_is_refused_with_the_reason_while_a_case_is_open(eva, officer, client):
    client.force_login(officer)
    url = reverse("ulm_privacy:rights_erasure", args=[eva["citizen"].uuid])
    page = client.get(url)
    assert page.status_code == 200
    text = visible_text(page)
    assert "dürfen jetzt nicht gelöscht werden" in text
    assert "noch offen" in text
    response = client.post(url, {"bestaetigt": "ja"})
    assert response.status_code == 409
    assert "noch offen" in visible_text(response)
    assert Citizen.objects.filter(pk=eva["citizen"].pk).exists()
    assert not AuditEvent.objects.filter(action="art17").exists()


def end_all(eva) -> None:
    for key in ("phone", "form", "mail"):
        Ticket.objects.filter(pk=eva[key].pk).update(status=Ticket.CLOSED_STATUS)
        CaseRecord.objects.filter(ticket=eva[key]).update(closed_at=timezone.now())


def test_erasing_an_ended_citizen_removes_his_data_everywhere_and_keeps_statistics(
    eva, officer, client
):
    end_all(eva)
    asked_before = rights.request_package(officer, None, EVA_MAIL)
    rights.run_access_package(asked_before.pk)
    SatisfactionRating.objects.create(ticket=eva["mail"], level=4, comment="Danke, Eva")
    HeldSubmission.objects.create(
        reason="rate_limit", name="Eva Ernst", email=EVA_MAIL, subject="Nochmal", message="Hallo"
    )
    tickets_before = Ticket.objects.count()
    channels_before = sorted(CaseRecord.objects.values_list("channel", flat=True))
    client.force_login(officer)
    url = reverse("ulm_privacy:rights_erasure", args=[eva["citizen"].uuid])
    assert client.post(url, {}).status_code == 400  # not confirmed: nothing happens
    assert Citizen.objects.filter(pk=eva["citizen"].pk).exists()

    response = client.post(url, {"bestaetigt": "ja"})

    assert response.status_code == 302
    assert not Citizen.objects.filter(email__iexact=EVA_MAIL).exists()
    for key in ("phone", "form", "mail"):
        ticket = Ticket.objects.get(pk=eva[key].pk)
        assert "anonymisiert" in ticket.title
        assert ticket.description == ""
        assert ticket.submitter_email is None
    assert not FollowUp.objects.filter(ticket=eva["phone"]).exclude(comment="").exists()
    assert not FollowUpAttachment.objects.filter(followup__ticket=eva["phone"]).exists()
    assert not Call.objects.filter(caller_normalised=EVA_PHONE).exists()
    assert Call.objects.filter(call_id__startswith="eva-").count() == 2  # reachability stays
    assert not InboundMail.objects.filter(sender__iexact=EVA_MAIL).exists()
    assert not HeldSubmission.objects.filter(email=EVA_MAIL).exists()
    assert not WebSubmission.objects.filter(email=EVA_MAIL).exists()
    rating = SatisfactionRating.objects.get(ticket=eva["mail"])
    assert rating.level == 4
    assert rating.comment == "(gelöscht)"  # the level and that there was a comment stay
    # the statistics stay: every ticket, every case's channel
    assert Ticket.objects.count() == tickets_before
    assert sorted(CaseRecord.objects.values_list("channel", flat=True)) == channels_before
    assert Citizen.objects.filter(name="Otto Ober").exists()  # nobody else's data goes
    assert CaseRecord.objects.get(ticket=eva["otto"]).values["gegenstaende"] == "1 Sofa, 2 Stühle"
    asked_before.refresh_from_db()
    assert not asked_before.file  # the package made before is gone with the data
    assert asked_before.query == ""
    event = AuditEvent.objects.get(action="art17")
    assert event.object_id == str(eva["citizen"].pk)
    assert set(event.detail["tickets"]) == {eva[k].pk for k in ("phone", "form", "mail")}
    assert "eva" not in json.dumps(event.detail).lower()  # no erased data in the log
    # a package asked for afterwards finds nothing
    data, _archive = package_of(rights.request_package(officer, None, EVA_MAIL))
    assert data["tickets"] == []
    assert not any(data["channels"].values())


def test_a_failing_erasure_rolls_everything_back(eva, officer, monkeypatch):
    end_all(eva)

    def broken(*args, **kwargs):
        raise RuntimeError("channels down")

    monkeypatch.setattr(rights.erasure.channels, "erase_person", broken)
    with pytest.raises(RuntimeError):
        rights.erase_citizen(eva["citizen"], officer)

    assert Citizen.objects.filter(pk=eva["citizen"].pk).exists()
    assert Ticket.objects.get(pk=eva["phone"].pk).title == eva["phone"].title
    assert CaseRecord.objects.get(ticket=eva["phone"]).citizen_id == eva["citizen"].pk
    assert Call.objects.filter(caller_normalised=EVA_PHONE).count() == 2
    assert not AuditEvent.objects.filter(action="art17").exists()


def test_corrections_are_recorded_with_the_fields_and_who_made_them(eva, agent, admin_user, client):
    citizen = eva["citizen"]
    # a service: the agent corrects the number on the capture screen's citizen
    with rights.acting_as(agent):
        platform.find_or_create_citizen(
            platform.CitizenData(known=str(citizen.uuid), phone="0731 999888"), user=agent
        )
    event = AuditEvent.objects.get(action="correct")
    assert (event.username, event.object_id) == ("anna.agentin", str(citizen.pk))
    assert event.detail == {"fields": ["phone"]}  # names only, never the old value
    # the admin: a changed name and street, recorded as the admin's
    client.force_login(admin_user)
    url = reverse("admin:ulm_servicepoint_citizen_change", args=[citizen.pk])
    data = form_fields(client.get(url), "#citizen_form")
    data.update({"name": "Eva Ernst-Berg", "street": "Neue Straße"})
    assert client.post(url, data).status_code == 302
    event = AuditEvent.objects.filter(action="correct").first()
    assert event.username == "admin"
    assert sorted(event.detail["fields"]) == ["name", "street"]
    assert "Ernst-Berg" not in json.dumps(event.detail)
    # a save that changes nothing personal records nothing
    Citizen.objects.get(pk=citizen.pk).save()
    assert AuditEvent.objects.filter(action="correct").count() == 2


def test_only_the_data_protection_officer_may_use_the_pages(eva, agent, officer, client):
    citizen = eva["citizen"]
    rights.run_access_package(rights.request_package(officer, citizen).pk)
    access = AccessRequest.objects.get()
    urls = [
        reverse("ulm_privacy:rights"),
        reverse("ulm_privacy:rights_download", args=[access.uuid]),
        reverse("ulm_privacy:rights_erasure", args=[citizen.uuid]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302  # to the login
    client.force_login(agent)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        assert "Nur die Datenschutzbeauftragten" in visible_text(response)
    response = client.post(reverse("ulm_privacy:rights_request"), {"buerger": str(citizen.uuid)})
    assert response.status_code == 403
    assert AccessRequest.objects.count() == 1
    client.force_login(officer)
    page = client.get(urls[0], {"q": "Eva Ernst"})
    assert page.status_code == 200
    assert EVA_MAIL in visible_text(page)
    assert "Otto" not in visible_text(page)


def test_bad_input_is_refused_in_german_and_changes_nothing(eva, officer, client):
    client.force_login(officer)
    index = reverse("ulm_privacy:rights")
    assert client.get(index, {"q": "x" * 201}).status_code == 400
    ask = reverse("ulm_privacy:rights_request")
    response = client.post(ask, {"angabe": ""})
    assert response.status_code == 400
    assert "E-Mail-Adresse, Telefonnummer oder Namen" in visible_text(response)
    assert client.post(ask, {"angabe": "y" * 201}).status_code == 400
    assert client.post(ask, {"buerger": "kein-uuid"}).status_code == 404
    assert client.get(ask).status_code == 405  # asking is a POST
    erasure = reverse("ulm_privacy:rights_erasure", args=["00000000-0000-0000-0000-000000000000"])
    assert client.get(erasure).status_code == 404
    assert AccessRequest.objects.count() == 0
    assert Citizen.objects.filter(pk=eva["citizen"].pk).exists()
