"""Retention: what the form promises (deleted N months after closing, N the request type's
period or the general one) actually happens, and bad periods are refused."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from ulm_servicepoint import checks, services
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


def anonymised(case: CaseRecord) -> bool:
    case.refresh_from_db()
    return case.citizen is None and case.values == {}


def test_closed_request_past_its_types_period_loses_its_personal_data(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    assert RequestType.objects.get(slug="sperrmuell-abholung").retention_months == 12
    case = capture(agent, "eva@example.org")
    ticket = case.ticket
    followup = FollowUp.objects.filter(ticket=ticket).first()
    attachment = FollowUpAttachment(
        followup=followup, filename="ausweis.pdf", mime_type="application/pdf", size=9
    )
    attachment.file.save("ausweis.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    stored = attachment.file.path
    old_key = ticket.secret_key
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=400))  # came with it
    # past the general 6 months, within the type's 12: kept
    age(ticket, Ticket.CLOSED_STATUS, days=12 * 30 - 1)
    assert services.apply_retention().tickets == 0
    assert not anonymised(case)

    age(ticket, Ticket.CLOSED_STATUS, days=12 * 30 + 1)
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
    assert ticket.title == "Sperrmüll-Abholung (anonymisiert)"
    assert ticket.secret_key != old_key  # the citizen's old link stops working
    assert len(ticket.secret_key) == 36
    assert not FollowUp.objects.filter(ticket=ticket).exclude(comment="").exists()
    assert not FollowUpAttachment.objects.filter(followup__ticket=ticket).exists()
    assert not os.path.exists(stored)
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


def test_each_type_has_its_own_period_and_untyped_requests_the_general_one(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    periods = dict(RequestType.objects.values_list("slug", "retention_months"))
    assert (periods["allgemeine-auskunft"], periods["laermbeschwerde"]) == (3, 24)
    cases = {}
    for slug in ("allgemeine-auskunft", "sperrmuell-abholung", "laermbeschwerde", None):
        case = capture(agent, f"{slug}@example.org")
        CaseRecord.objects.filter(pk=case.pk).update(
            request_type=RequestType.objects.filter(slug=slug).first()
        )
        cases[slug] = case
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=1000))

    def after(days: int) -> set:
        for case in cases.values():
            if not anonymised(case):
                age(case.ticket, Ticket.RESOLVED_STATUS, days)
        services.apply_retention()
        return {slug for slug, case in cases.items() if anonymised(case)}

    assert after(80) == set()
    assert after(95) == {"allgemeine-auskunft"}  # information request: 3 months
    assert after(185) == {"allgemeine-auskunft", None}  # untyped: the general 6
    assert after(365) == {"allgemeine-auskunft", None, "sperrmuell-abholung"}  # forwarded: 12
    assert after(700) == {"allgemeine-auskunft", None, "sperrmuell-abholung"}
    assert after(725) == set(cases)  # complaint: 24


def test_open_or_recent_requests_and_their_citizens_are_kept(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    old_but_open = capture(agent, "open@example.org")
    age(old_but_open.ticket, Ticket.OPEN_STATUS, days=1000)
    recently_closed = capture(agent, "recent@example.org")
    age(recently_closed.ticket, Ticket.CLOSED_STATUS, days=30)
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=1000))

    call_command("apply_retention")

    for case in (old_but_open, recently_closed):
        case.refresh_from_db()
        assert case.values, case.ticket.title
        assert case.citizen is not None
    assert Citizen.objects.filter(email__in=["open@example.org", "recent@example.org"]).count() == 2


def test_a_citizen_with_another_open_request_is_kept(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    first = capture(agent, "twice@example.org")
    age(first.ticket, Ticket.CLOSED_STATUS, days=400)
    second = capture(agent, "twice@example.org")
    Citizen.objects.update(created_at=timezone.now() - timedelta(days=400))

    services.apply_retention()

    assert anonymised(first)
    second.refresh_from_db()
    assert second.citizen is not None
    assert second.citizen.email == "twice@example.org"


def test_one_failing_ticket_stops_no_other(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    cases = [capture(agent, f"batch{n}@example.org") for n in range(4)]
    for case in cases:
        age(case.ticket, Ticket.CLOSED_STATUS, days=400)
    broken = cases[1].ticket_id

    def fail(ticket_id, **kw):
        if ticket_id == broken:
            raise RuntimeError("a receiver fails for this ticket")

    ticket_anonymised.connect(fail, weak=False)
    try:
        result = services.apply_retention()
    finally:
        ticket_anonymised.disconnect(fail)

    assert result.tickets == 3
    assert [anonymised(case) for case in cases] == [True, False, True, True]
    assert services.apply_retention().tickets == 1  # the next night it goes too


def test_a_period_of_zero_or_below_is_refused_in_german(admin_user):
    kind = RequestType.objects.get(slug="fundsache")
    for months in (0, -3):
        kind.retention_months = months
        with pytest.raises(ValidationError) as refused:
            kind.full_clean()
        assert refused.value.message_dict["retention_months"] == [
            "Die Aufbewahrungsfrist muss mindestens einen Monat betragen."
        ]
    with pytest.raises(IntegrityError), transaction.atomic():
        RequestType.objects.filter(pk=kind.pk).update(retention_months=0)

    kind.refresh_from_db()
    # the admin's form for the type says the same
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    model_admin = admin.site._registry[RequestType]
    form_class = model_admin.get_form(request, kind)
    data = {k: v for k, v in model_to_dict(kind).items() if v is not None}
    for months in ("0", "-1"):
        form = form_class({**data, "retention_months": months}, instance=kind)
        assert not form.is_valid()
        assert form.errors["retention_months"] == [
            "Die Aufbewahrungsfrist muss mindestens einen Monat betragen."
        ]
    assert form_class({**data, "retention_months": "36"}, instance=kind).is_valid()
    assert form_class({**data, "retention_months": ""}, instance=kind).is_valid()  # general


@pytest.mark.parametrize("months", [0, -1, "6", 1.5, True, None])
def test_manage_check_refuses_a_bad_general_period(settings, months):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = months
    errors = checks.check_servicepoint_settings(None)
    assert [e.id for e in errors] == ["ulm_servicepoint.E004"]
    assert "ULM_SERVICEPOINT_RETENTION_MONTHS" in errors[0].msg


def test_the_former_setting_name_is_still_read_with_a_warning(settings):
    if hasattr(settings, "ULM_SERVICEPOINT_RETENTION_MONTHS"):
        del settings.ULM_SERVICEPOINT_RETENTION_MONTHS
    settings.ULM_CHANNELS_RETENTION_MONTHS = 9
    assert services.retention_months() == 9
    assert [e.id for e in checks.check_servicepoint_settings(None)] == ["ulm_servicepoint.W002"]
    settings.ULM_CHANNELS_RETENTION_MONTHS = 0
    assert "ulm_servicepoint.E004" in [e.id for e in checks.check_servicepoint_settings(None)]
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 4  # the new name wins
    settings.ULM_CHANNELS_RETENTION_MONTHS = 9
    assert services.retention_months() == 4


def test_erasure_is_refused_while_a_retention_obligation_runs(agent, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    case = capture(agent, "pflicht@example.org")
    assert services.erasure_obstacles(case.ticket) == [
        f"Das Anliegen {services.reference_of(case.ticket)} ist noch offen."
    ]
    RequestType.objects.filter(slug="sperrmuell-abholung").update(retention_obligation=True)
    age(case.ticket, Ticket.CLOSED_STATUS, days=10)
    case.ticket.refresh_from_db()
    reasons = services.erasure_obstacles(case.ticket)
    assert len(reasons) == 1
    assert "muss bis zum" in reasons[0]
    assert "Aufbewahrungspflicht der Anliegenart „Sperrmüll-Abholung“: 12 Monate" in reasons[0]
    age(case.ticket, Ticket.CLOSED_STATUS, days=12 * 30 + 1)
    case.ticket.refresh_from_db()
    assert services.erasure_obstacles(case.ticket) == []
