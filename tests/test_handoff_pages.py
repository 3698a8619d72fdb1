"""The handoff's pages as staff use them: the ticket page's panel (proposal, forward, the
department's actions), work lists with clocks at a constant number of queries, the service
center's list, callbacks. Every state change is a POST; a clerk sees only his department's."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Queue

from tests.support.html import visible_text
from tests.support.routing import capture_sperrmuell
from ulm_routing import services as routing
from ulm_routing.models import Callback, CallbackState, Handoff, HandoffState
from ulm_servicepoint.services import Outcome, reference_of

pytestmark = pytest.mark.django_db


def captured(agent, outcome=Outcome.OPEN, title=""):
    return capture_sperrmuell(agent, outcome, title=title)


def test_ticket_page_proposes_and_forwards(city, agent, client):
    ticket = captured(agent)
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    text = visible_text(page)
    assert "Die Regeln schlagen vor: Abfallwirtschaft" in text
    assert reference_of(ticket) in text
    url = reverse("ulm_routing:forward", args=[ticket.pk])
    assert client.get(url).status_code == 405  # no state change on GET
    # another department without a reason: refused in German, nothing forwarded
    standesamt = Queue.objects.get(slug="standesamt")
    refused = client.post(url, {"department": standesamt.pk, "reason": ""})
    assert refused.status_code == 400
    assert "Begründung" in visible_text(refused)
    assert not Handoff.objects.exists()
    response = client.post(url, {"department": "", "reason": ""})
    assert response.status_code == 302
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    text = visible_text(page)
    assert "Bei der Fachabteilung" in text
    assert "Abfallwirtschaft" in text
    assert "verbleibend" in text  # the clock
    # a bad department id is a German 400, never a 500
    assert client.post(url, {"department": "abc"}).status_code == 400


def test_clerk_answers_from_the_ticket_page_once(city, agent, berta, client):
    ticket = captured(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    client.force_login(berta)
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    assert "Antwort senden" in visible_text(page)
    url = reverse("ulm_routing:handoff_action", args=[handoff.uuid, "antworten"])
    assert client.post(url, {"text": ""}).status_code == 400
    assert client.post(url, {"text": "Abholung am 12.12."}).status_code == 302
    again = client.post(url, {"text": "Noch einmal"})
    assert again.status_code == 409
    assert "Nichts wurde geändert" in visible_text(again)
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.ANSWERED
    assert handoff.answer == "Abholung am 12.12."


def test_clerk_of_another_department_sees_nothing(city, agent, kfz_clerk, client):
    ticket = captured(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    callback = routing.record_callback(
        caller_name="Herr Maier",
        phone="0731 1234567",
        subject="Sperrmüll",
        department=Queue.objects.get(slug="abfallwirtschaft"),
        window_start=timezone.now(),
        window_end=timezone.now() + timedelta(hours=4),
        by=agent,
    )
    client.force_login(kfz_clerk)
    for action in ("antworten", "nicht-zustaendig", "uebernehmen"):
        url = reverse("ulm_routing:handoff_action", args=[handoff.uuid, action])
        assert client.post(url, {"text": "x", "reason": "x"}).status_code == 404
    url = reverse("ulm_routing:callback_action", args=[callback.uuid, "erledigt"])
    assert client.post(url).status_code == 404
    text = visible_text(client.get(reverse("ulm_routing:worklist")))
    assert reference_of(ticket) not in text
    assert "Herr Maier" not in text
    # the service center's pages are not his
    assert client.get(reverse("ulm_routing:overview")).status_code == 403
    assert client.get(reverse("ulm_routing:callback_new")).status_code == 403
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.OPEN


def test_worklist_constant_queries_sorted_and_filtered(city, agent, berta, client):
    client.force_login(berta)
    url = reverse("ulm_routing:worklist")

    def queries():
        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        assert response.status_code == 200
        return len(context.captured_queries), visible_text(response)

    for n in range(2):
        captured(agent, Outcome.FORWARD, title=f"Sperrmüll {n}")
    few, text = queries()
    assert "Sperrmüll 0" in text
    assert "Sperrmüll 1" in text
    for n in range(2, 12):
        captured(agent, Outcome.FORWARD, title=f"Sperrmüll {n}")
    many, _text = queries()
    assert many == few
    # overdue filter and sorting by due time (newest last)
    old = Handoff.objects.get(ticket__title="Sperrmüll 0")
    Handoff.objects.filter(pk=old.pk).update(due_at=timezone.now() - timedelta(hours=3))
    overdue = visible_text(client.get(url, {"ueberfaellig": "1"}))
    assert "Sperrmüll 0" in overdue
    assert "Sperrmüll 5" not in overdue
    assert "Überfällig seit" in overdue
    ordered = visible_text(client.get(url, {"sortierung": "faellig"}))
    assert ordered.index("Sperrmüll 0") < ordered.index("Sperrmüll 11")
    found = visible_text(client.get(url, {"q": reference_of(old.ticket)}))
    assert "Sperrmüll 0" in found
    assert "Sperrmüll 3" not in found


def test_service_center_overview(city, agent, berta, client):
    ticket = captured(agent, Outcome.FORWARD)
    routing.ask(Handoff.objects.get(ticket=ticket), berta, "Welche Etage?", "first_level")
    client.force_login(agent)
    text = visible_text(client.get(reverse("ulm_routing:overview")))
    assert reference_of(ticket) in text
    assert "Rückfrage an das Servicecenter" in text
    assert "Anna Agentin" in text


def test_callback_recorded_and_called_back(city, agent, berta, client):
    client.force_login(agent)
    url = reverse("ulm_routing:callback_new")
    page = client.get(url, {"telefon": "0731 161-0"})
    assert page.status_code == 200
    start = timezone.localtime() + timedelta(minutes=5)
    form = {
        "caller_name": "Frau Berger",
        "phone": "0731 1610",
        "subject": "Sperrmülltermin verschieben",
        "department": Queue.objects.get(slug="abfallwirtschaft").pk,
        "person": berta.pk,
        "window_start": start.strftime("%Y-%m-%dT%H:%M"),
        "window_end": (start + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
    }
    bad = client.post(url, {**form, "phone": "abc"})
    assert bad.status_code == 400
    assert "Telefonnummer" in visible_text(bad)
    assert client.post(url, form).status_code == 302
    callback = Callback.objects.get()
    assert callback.phone == "+497311610"
    client.force_login(berta)
    text = visible_text(client.get(reverse("ulm_routing:worklist"), {"art": "rueckrufe"}))
    assert "Frau Berger" in text
    action = reverse("ulm_routing:callback_action", args=[callback.uuid, "nicht-erreicht"])
    assert client.get(action).status_code == 405
    assert client.post(action).status_code == 302
    callback.refresh_from_db()
    assert callback.state == CallbackState.NOT_REACHED
    assert callback.attempts == 1
    done = reverse("ulm_routing:callback_action", args=[callback.uuid, "erledigt"])
    assert client.post(done, {"note": "erreicht"}).status_code == 302
    assert client.post(done).status_code == 409
    callback.refresh_from_db()
    assert callback.state == CallbackState.DONE


def test_the_work_list_shows_due_times_and_filters_overdue_and_waiting(city, agent, client):
    """The service center's work list (ulm_servicepoint) with routing's column and filters."""
    client.force_login(agent)
    url = reverse("ulm_servicepoint:worklist")
    late, waiting, fine = (
        captured(agent, Outcome.FORWARD, title=title) for title in ("Spät", "Gefragt", "Gut")
    )
    Handoff.objects.filter(ticket=late).update(due_at=timezone.now() - timedelta(hours=3))
    Handoff.objects.filter(ticket=waiting).update(state=HandoffState.ASKED_CITIZEN)
    text = visible_text(client.get(url))
    assert "Rückmeldung fällig" in text
    assert "Überfällig seit" in text
    assert "Angehalten: wartet auf Bürger/in" in text
    overdue = visible_text(client.get(url, {"ueberfaellig": "1"}))
    assert reference_of(late) in overdue
    assert reference_of(fine) not in overdue
    assert reference_of(waiting) not in overdue
    asked = visible_text(client.get(url, {"wartet": "1"}))
    assert reference_of(waiting) in asked
    assert reference_of(late) not in asked
