"""The host's ticket page as an agent opens it: its cost does not grow with the history."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpdesk.models import FollowUp, Ticket


def test_ticket_page_costs_the_same_with_a_long_history(client, agent, demo):
    ticket = Ticket.objects.get(title="Sperrmüll-Abholung anmelden")
    client.force_login(agent)
    url = reverse("helpdesk:view", args=[ticket.pk])

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        assert b"Notiz" in response.content or not FollowUp.objects.filter(title="Notiz").exists()
        return len(captured)

    queries()  # the first request after login also writes the session
    few = queries()
    FollowUp.objects.bulk_create(
        FollowUp(ticket=ticket, title="Notiz", comment="Rückruf vereinbart.", user=agent)
        for _ in range(40)
    )
    assert queries() == few
