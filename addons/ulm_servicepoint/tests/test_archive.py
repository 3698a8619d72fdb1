"""The hand-over to the city archive: an archive-worthy case is offered as a package before its
data go, and erased only once the archive answered or the wait ran out; a failed export keeps
the data and shows up as an alert."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from tests.support.html import visible_text
from ulm_servicepoint import checks, services
from ulm_servicepoint.models import ArchiveOffer, CaseRecord, Citizen, RequestType

from .test_retention import age, anonymised, capture

pytestmark = pytest.mark.django_db


@pytest.fixture
def worthy(agent, settings, tmp_path):
    """A Sperrmüll request of an archive-worthy type, closed 13 months ago (due), with a scan."""
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = str(tmp_path)
    settings.ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS = 90
    RequestType.objects.filter(slug="sperrmuell-abholung").update(archive_worthy=True)
    case = capture(agent, "archiv@example.org")
    followup = FollowUp.objects.filter(ticket=case.ticket).first()
    attachment = FollowUpAttachment(
        followup=followup, filename="Foto Sofa.jpg", mime_type="image/jpeg", size=11
    )
    attachment.file.save("sofa.jpg", ContentFile(b"\xff\xd8JPEGDATA"), save=True)
    age(case.ticket, Ticket.CLOSED_STATUS, days=13 * 30)
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=1000))
    case.ticket.refresh_from_db()
    return case


def package_of(case: CaseRecord, root: Path) -> Path:
    return root / services.reference_of(case.ticket)


def test_a_due_archive_worthy_case_is_offered_as_a_package_and_kept(worthy, tmp_path):
    result = services.apply_retention()

    assert (result.offered, result.tickets) == (1, 0)
    assert not anonymised(worthy)  # its data wait for the archive
    offer = ArchiveOffer.objects.get(ticket=worthy.ticket)
    assert offer.state == ArchiveOffer.State.OFFERED
    package = package_of(worthy, tmp_path)
    assert offer.package == str(package)
    assert sorted(p.name for p in package.iterdir()) == ["akte.pdf", "anlagen", "metadaten.json"]
    assert [p.name for p in tmp_path.iterdir()] == [package.name]  # no half-written leftovers
    data = json.loads((package / "metadaten.json").read_text(encoding="utf-8"))
    assert data["reference"] == services.reference_of(worthy.ticket)
    assert data["request_type"] == "Sperrmüll-Abholung"
    assert data["citizen"]["email"] == "archiv@example.org"
    assert {"key": "gegenstaende", "label": "Welche Gegenstände?", "value": "1 Sofa, 2 Stühle"} in (
        data["values"]
    )
    assert data["attachments"] == [
        {"file": "anlagen/1-Foto_Sofa.jpg", "name": "Foto Sofa.jpg", "size": 11}
    ]
    assert (package / "anlagen" / "1-Foto_Sofa.jpg").read_bytes() == b"\xff\xd8JPEGDATA"
    pdf = (package / "akte.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-1.7")
    # what PDF/A-2B asks for: identification in XMP, an sRGB output intent, embedded fonts
    assert re.search(rb"pdfaid:part[>=\"']+2", pdf)
    assert re.search(rb"pdfaid:conformance[>=\"']+B", pdf)
    assert b"/OutputIntents" in pdf
    assert b"/GTS_PDFA1" in pdf
    assert b"/FontFile2" in pdf
    # nothing happens again while the archive has not answered
    again = services.apply_retention()
    assert (again.offered, again.tickets, again.waiting) == (0, 0, 1)


def test_the_archives_receipt_lets_the_data_go(worthy, tmp_path):
    services.apply_retention()
    receipt = package_of(worthy, tmp_path) / "quittung.json"
    receipt.write_text('{"entscheidung": "ungewiss"}', encoding="utf-8")  # names no decision
    assert services.apply_retention().tickets == 0
    receipt.write_text('{"entscheidung": "übernommen", "bemerkung": "Bestand B 12"}', "utf-8")

    result = services.apply_retention()

    assert result.decided["accepted"] == 1
    assert result.tickets == 1
    assert anonymised(worthy)
    offer = ArchiveOffer.objects.get(ticket=worthy.ticket)
    assert (offer.state, offer.note) == (ArchiveOffer.State.ACCEPTED, "Bestand B 12")
    assert (package_of(worthy, tmp_path) / "akte.pdf").exists()  # the archive's now


def test_a_decline_recorded_in_the_admin_lets_the_data_go(worthy, admin_user, client):
    services.apply_retention()
    offer = ArchiveOffer.objects.get(ticket=worthy.ticket)
    client.force_login(admin_user)
    changelist = reverse("admin:ulm_servicepoint_archiveoffer_changelist")
    page = client.post(
        changelist, {"action": "mark_declined", "_selected_action": [offer.pk]}, follow=True
    )
    assert "1 Angebote als beantwortet vermerkt." in visible_text(page)
    offer.refresh_from_db()
    assert offer.state == ArchiveOffer.State.DECLINED

    assert services.apply_retention().tickets == 1
    assert anonymised(worthy)


def test_without_an_answer_the_offer_expires_after_the_wait(worthy):
    services.apply_retention()
    assert services.apply_retention(now=timezone.now() + timedelta(days=89)).tickets == 0
    assert not anonymised(worthy)

    result = services.apply_retention(now=timezone.now() + timedelta(days=91))

    assert result.decided["expired"] == 1
    assert result.tickets == 1
    assert ArchiveOffer.objects.get(ticket=worthy.ticket).state == ArchiveOffer.State.EXPIRED


def test_a_failed_export_keeps_the_data_and_raises_an_alert(
    worthy, settings, tmp_path, admin_user, client
):
    blocked = tmp_path / "kein-verzeichnis"
    blocked.write_text("a file where the directory should be")
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = str(blocked)

    result = services.apply_retention()

    assert (result.failed, result.offered, result.tickets) == (1, 0, 0)
    assert not anonymised(worthy)
    offer = ArchiveOffer.objects.get(ticket=worthy.ticket)
    assert offer.state == ArchiveOffer.State.FAILED
    assert "kein-verzeichnis" in offer.error
    # staff see it: /healthz for the monitoring, the admin's list for the people
    health = client.get("/healthz").json()
    assert health["archive"] == {"failed": 1, "waiting": 0, "ok": False}
    client.force_login(admin_user)
    listing = client.get(
        reverse("admin:ulm_servicepoint_archiveoffer_changelist"), {"state__exact": "failed"}
    )
    assert services.reference_of(worthy.ticket) in visible_text(listing)
    assert "Export fehlgeschlagen" in visible_text(listing)
    reasons = services.erasure_obstacles(worthy.ticket)
    assert reasons == [
        f"Die Übergabe des Anliegens {services.reference_of(worthy.ticket)} an das Stadtarchiv "
        "ist fehlgeschlagen; seine Daten bleiben erhalten, bis sie gelingt."
    ]

    # the next night, with the directory repaired, it is offered after all
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = str(tmp_path)
    assert services.apply_retention().offered == 1
    offer.refresh_from_db()
    assert (offer.state, offer.attempts, offer.error) == (ArchiveOffer.State.OFFERED, 2, "")
    assert client.get("/healthz").json()["archive"]["ok"] is True


def test_no_archive_directory_configured_is_a_failed_export(worthy, settings):
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = ""
    assert services.apply_retention().failed == 1
    assert not anonymised(worthy)
    assert "ULM_SERVICEPOINT_ARCHIVE_DIR" in ArchiveOffer.objects.get().error


def test_a_case_marked_by_hand_is_offered_too(agent, settings, tmp_path):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = str(tmp_path)
    marked = capture(agent, "hand@example.org")
    plain = capture(agent, "plain@example.org")
    CaseRecord.objects.filter(pk=marked.pk).update(archive_worthy=True)
    for case in (marked, plain):
        age(case.ticket, Ticket.CLOSED_STATUS, days=13 * 30)

    result = services.apply_retention()

    assert (result.offered, result.tickets) == (1, 1)
    assert anonymised(plain)
    assert not anonymised(marked)
    assert json.loads((package_of(marked, tmp_path) / "metadaten.json").read_text())[
        "archive_worthy_by_hand"
    ]


def test_erasure_waits_for_the_archive(worthy):
    reference = services.reference_of(worthy.ticket)
    assert services.erasure_obstacles(worthy.ticket) == [
        f"Das Anliegen {reference} ist archivwürdig: Es muss dem Stadtarchiv angeboten werden, "
        "bevor seine Daten gelöscht werden (Landesarchivgesetz)."
    ]
    offer = services.offer_to_archive(worthy.ticket)
    reasons = services.erasure_obstacles(worthy.ticket)
    assert len(reasons) == 1
    assert "wurde am" in reasons[0]
    assert "dem Stadtarchiv angeboten" in reasons[0]
    services.decide_archive_offer(offer, accepted=True)
    assert services.erasure_obstacles(worthy.ticket) == []


@pytest.mark.parametrize("folder", ["relativ/pfad", "/gibt/es/nicht"])
def test_manage_check_refuses_an_unusable_archive_directory(settings, folder):
    settings.ULM_SERVICEPOINT_ARCHIVE_DIR = folder
    assert [e.id for e in checks.check_servicepoint_settings(None)] == ["ulm_servicepoint.E006"]


@pytest.mark.parametrize("days", [0, -5, "90"])
def test_manage_check_refuses_a_bad_wait(settings, days):
    settings.ULM_SERVICEPOINT_ARCHIVE_WAIT_DAYS = days
    assert [e.id for e in checks.check_servicepoint_settings(None)] == ["ulm_servicepoint.E005"]
