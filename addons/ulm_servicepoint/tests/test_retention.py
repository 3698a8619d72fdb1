"""Retention: what the form promises (deleted N months after closing) actually happens."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType
from ulm_servicepoint.retention import ticket_anonymised
from ulm_servicepoint.services import CitizenData

from .test_capture import SPERRMUELL

pytestmark = pytest.mark.django_db


def capture(agent, email: str) -> CaseRecord:
    phone = f"0731 {sum(map(ord, email)) * 1000 + 4567}"  # one person per address
    return services.capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        SPERRMUELL,
        channel="phone",
        citizen=CitizenData(name="Eva Ernst", email=email, phone=phone),
        captured_by=agent,
    )


def age(ticket: Ticket, status: int, days: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        status=status, modified=timezone.now() - timedelta(days=days)
    )


def test_closed_request_past_the_period_loses_its_personal_data(agent, settings):
    settings.ULM_CHANNELS_RETENTION_MONTHS = 6
    case = capture(agent, "eva@example.org")
    ticket = case.ticket
    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = FollowUpAttachment(
        followup=followup, filename="ausweis.pdf", mime_type="application/pdf", size=9
    )
    attachment.file.save("ausweis.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    stored = attachment.file.path
    old_key = ticket.secret_key
    age(ticket, Ticket.CLOSED_STATUS, days=6 * 30 + 1)
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=200))  # came with it
    received = []

    def note(**kw):
        received.append(kw["ticket_id"])

    ticket_anonymised.connect(note, weak=False)
    try:
        result = services.apply_retention()
    finally:  # no receiver may outlive the test (it would run in every later one)
        ticket_anonymised.disconnect(note)

    assert result.tickets == 1
    assert received == [ticket.pk]  # other addons are told
    ticket.refresh_from_db()
    assert ticket.submitter_email is None
    assert ticket.description == ""
    assert "Frauenstraße" not in ticket.title
    assert "anonymisiert" in ticket.title
    assert ticket.secret_key != old_key  # the citizen's old link stops working
    assert not FollowUp.objects.filter(ticket=ticket).exclude(comment="").exists()
    assert not FollowUpAttachment.objects.filter(followup__ticket=ticket).exists()
    assert not __import__("os").path.exists(stored)
    case.refresh_from_db()
    assert case.values == {}
    assert case.citizen is None
    assert not Citizen.objects.filter(email="eva@example.org").exists()
    # the anonymous statistics stay
    assert case.channel == "phone"
    assert case.request_type.slug == "sperrmuell-abholung"
    assert Ticket.objects.filter(pk=ticket.pk, status=Ticket.CLOSED_STATUS).exists()
    # and a second run has nothing to do
    assert services.apply_retention().tickets == 0


def test_open_or_recent_requests_and_their_citizens_are_kept(agent, settings):
    settings.ULM_CHANNELS_RETENTION_MONTHS = 6
    old_but_open = capture(agent, "open@example.org")
    age(old_but_open.ticket, Ticket.OPEN_STATUS, days=400)
    recently_closed = capture(agent, "recent@example.org")
    age(recently_closed.ticket, Ticket.CLOSED_STATUS, days=30)
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=400))

    call_command("apply_retention")

    for case in (old_but_open, recently_closed):
        case.refresh_from_db()
        assert case.values, case.ticket.title
        assert case.citizen is not None
    assert Citizen.objects.filter(email__in=["open@example.org", "recent@example.org"]).count() == 2


def test_a_citizen_with_another_open_request_is_kept(agent, settings):
    settings.ULM_CHANNELS_RETENTION_MONTHS = 6
    first = capture(agent, "twice@example.org")
    age(first.ticket, Ticket.CLOSED_STATUS, days=400)
    second = capture(agent, "twice@example.org")
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=400))

    services.apply_retention()

    second.refresh_from_db()
    assert second.citizen is not None
    assert second.citizen.email == "twice@example.org"
