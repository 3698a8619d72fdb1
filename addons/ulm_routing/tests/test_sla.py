"""SLA policies on a ticket: due times from the policy's calendar, and clocks that stand still
while the ticket waits for the citizen."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from helpdesk.models import Queue, Ticket

from ulm_routing import services
from ulm_routing.models import SLAPolicy

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


@pytest.fixture
def ticket(routing):
    return Ticket.objects.create(title="Frage", queue=Queue.objects.get(slug="servicecenter"))


def test_policy_gives_due_times_in_open_hours(ticket):
    # Standard: first response 8 h, resolution 80 h of Mon–Fri 8–18
    sla = services.apply_policy(ticket, services.default_policy(), start=at("2026-06-05T16:00"))
    assert sla.first_response_due == at("2026-06-08T14:00")  # Fri 2 h + Mon 6 h
    assert sla.resolution_due == at("2026-06-17T16:00")  # 2 + 50 + 10 + 10 + 8 h
    policy = SLAPolicy.objects.get(name="Dringend")
    feedback = services.target_due(policy, services.Target.HANDOFF_FEEDBACK, at("2026-06-05T16:00"))
    assert feedback == at("2026-06-08T10:00")


def test_pause_while_waiting_for_the_citizen_moves_the_due_time(ticket):
    sla = services.apply_policy(ticket, services.default_policy(), start=at("2026-06-08T08:00"))
    assert sla.first_response_due == at("2026-06-08T16:00")
    services.pause_clock(ticket, at=at("2026-06-08T10:00"), reason="Rückfrage an die Bürgerin")
    sla.refresh_from_db()
    assert sla.first_response_due is None  # the clock stands still
    assert services.is_paused(ticket)
    with pytest.raises(services.ClockError, match="schon angehalten"):
        services.pause_clock(ticket)
    # the citizen answers the next morning at 09:00: 2 h were used, 6 h are left
    services.resume_clock(ticket, at=at("2026-06-09T09:00"))
    sla.refresh_from_db()
    assert sla.first_response_due == at("2026-06-09T15:00")
    assert services.pauses_of(ticket) == [(at("2026-06-08T10:00"), at("2026-06-09T09:00"))]
    with pytest.raises(services.ClockError, match="nicht angehalten"):
        services.resume_clock(ticket)
    left = services.open_time_left(
        sla.first_response_due, now=at("2026-06-09T14:30"), pauses=services.pauses_of(ticket)
    )
    assert left.total_seconds() == 30 * 60
