"""The triage (Sichtung) as the service center uses it: a citizen's e-mail arrives through the
mail intake, waits untyped in the triage list, and the agent gives it its request type and
citizen; the ticket page then shows the type's fields. Clerks triage only their department;
the list costs the same queries however many tickets wait; hostile subjects stay text."""

from __future__ import annotations

from email.message import EmailMessage

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpdesk.models import FollowUp, Queue, Ticket

from tests.support.html import form_fields, soup, visible_text
from ulm_channels import services as channels
from ulm_servicepoint import hooks, services
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType

pytestmark = pytest.mark.django_db

SOFA_TEXT = "Guten Tag,\n\nich möchte ein altes Sofa und zwei Stühle abholen lassen.\n\nGruß"


def mail(
    subject: str,
    text: str = SOFA_TEXT,
    sender: str = "Maria Huber <maria.huber@example.org>",
    number: int = 1,
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "servicecenter@ulm.example"
    message["Subject"] = subject
    message["Message-ID"] = f"<triage-{number}@example.org>"
    message.set_content(text)
    return message.as_bytes()


def mail_ticket(subject: str = "Sperrmüll", **kwargs) -> Ticket:
    result = channels.ingest_message(mail(subject, **kwargs), source="test")
    assert result.outcome == "ticket"
    return Ticket.objects.get(pk=result.ticket)


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def triage_url(ticket: Ticket, **query: str) -> str:
    url = reverse("ulm_servicepoint:triage_case", args=[ticket.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_mail_ticket_is_typed_in_the_triage_and_shows_the_type_fields(
    agent_client, agent, demo_knowledge
):
    ticket = mail_ticket("Abholung Möbel")
    case = CaseRecord.objects.get(ticket=ticket)
    assert (case.request_type, case.channel, case.citizen) == (None, "email", None)

    # the ticket page says it has no type yet and leads to its triage
    page = agent_client.get(reverse("helpdesk:view", args=[ticket.pk]))
    assert "Noch keine Anliegenart" in visible_text(page)
    assert soup(page).select_one(f'#ohne-anliegenart a[href="{triage_url(ticket)}"]')

    # it waits in the triage list
    listing = agent_client.get(reverse("ulm_servicepoint:triage"))
    assert listing.status_code == 200
    rows = soup(listing).select("#sichtung tbody tr")
    assert any("Abholung Möbel" in row.get_text() for row in rows)
    assert soup(listing).select_one(f'#sichtung a[href="{triage_url(ticket)}"]')

    # its triage shows the mail and proposes Sperrmüll-Abholung from the text (the sofa)
    step1 = agent_client.get(triage_url(ticket))
    text = visible_text(step1)
    assert "ich möchte ein altes Sofa" in text
    assert "Maria Huber maria.huber@example.org" in text
    suggested = [a.get_text() for a in soup(step1).select("#vorschlaege a")]
    assert suggested
    assert suggested[0] == "Sperrmüll-Abholung"

    # the type chosen, the citizen is prefilled from the mail's sender
    step2 = agent_client.get(triage_url(ticket, art="sperrmuell-abholung"))
    data = form_fields(step2, "#sichtung-form")
    assert data["c-name"] == "Maria Huber"
    assert data["c-email"] == "maria.huber@example.org"
    assert "Welche Gegenstände?" in visible_text(step2)
    data["f-gegenstaende"] = "1 Sofa, 2 Stühle"
    assert CaseRecord.objects.get(ticket=ticket).request_type is None  # GET changed nothing

    saved = agent_client.post(triage_url(ticket, art="sperrmuell-abholung"), data)
    assert saved.status_code == 302
    assert saved["Location"] == reverse("helpdesk:view", args=[ticket.pk])

    case.refresh_from_db()
    assert case.request_type.slug == "sperrmuell-abholung"
    assert case.schema == services.current_schema(case.request_type)
    assert case.values == {"gegenstaende": "1 Sofa, 2 Stühle"}
    assert (case.citizen.name, case.citizen.email) == ("Maria Huber", "maria.huber@example.org")
    note = FollowUp.objects.filter(ticket=ticket).latest("pk")
    assert note.title == "Anliegenart festgelegt: Sperrmüll-Abholung"
    assert note.public is False
    assert note.user == agent

    ticket_page = visible_text(agent_client.get(reverse("helpdesk:view", args=[ticket.pk])))
    assert "Fallakte: Sperrmüll-Abholung" in ticket_page
    assert "Welche Gegenstände? 1 Sofa, 2 Stühle" in ticket_page
    assert "Noch keine Anliegenart" not in ticket_page
    assert "Maria Huber" in ticket_page
    after = agent_client.get(reverse("ulm_servicepoint:triage"))
    assert "Abholung Möbel" not in visible_text(after)


def test_the_sender_known_as_a_citizen_is_linked_not_created_again(agent_client, demo):
    known = Citizen.objects.create(name="Maria Huber", email="maria.huber@example.org")
    ticket = mail_ticket("Frage zur Tonne")
    data = form_fields(
        agent_client.get(triage_url(ticket, art="sperrmuell-abholung")), "#sichtung-form"
    )
    before = Citizen.objects.count()
    response = agent_client.post(triage_url(ticket, art="sperrmuell-abholung"), data)
    assert response.status_code == 302
    assert Citizen.objects.count() == before
    assert CaseRecord.objects.get(ticket=ticket).citizen == known


def test_bad_input_is_refused_in_german_and_changes_nothing(agent_client, demo):
    ticket = mail_ticket("Sperrmüll")
    url = triage_url(ticket, art="sperrmuell-abholung")
    data = form_fields(agent_client.get(url), "#sichtung-form")
    data.update({"c-email": "keine adresse", "f-menge": "viel", "f-wunschtermin": "gestern"})
    response = agent_client.post(url, data)
    assert response.status_code == 400
    text = visible_text(response)
    assert "Bitte korrigieren Sie" in text
    assert "E-Mail-Adresse" in text
    assert "Menge in Kubikmetern" in text
    # a type that does not exist: 400, never 500
    bad = agent_client.post(url, {**data, "request_type": "gibt-es-nicht"})
    assert bad.status_code == 400
    assert "Bitte wählen Sie eine aktive Anliegenart." in visible_text(bad)
    case = CaseRecord.objects.get(ticket=ticket)
    assert (case.request_type, case.citizen) == (None, None)
    assert not FollowUp.objects.filter(ticket=ticket, title__startswith="Anliegenart").exists()


def test_posting_needs_the_csrf_token(agent, demo):
    ticket = mail_ticket("Sperrmüll")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    response = browser.post(
        triage_url(ticket, art="sperrmuell-abholung"), {"request_type": "sperrmuell-abholung"}
    )
    assert response.status_code == 403
    assert CaseRecord.objects.get(ticket=ticket).request_type is None


def untyped_ticket(queue: Queue, title: str) -> Ticket:
    """A ticket as the host's "Neues Ticket" form or API makes it."""
    return Ticket.objects.create(
        title=title, queue=queue, description="Text", submitter_email="x@example.org"
    )


def test_clerks_triage_only_their_department(client, kfz_clerk, demo):
    own = untyped_ticket(Queue.objects.get(slug="kfz-zulassung"), "Kennzeichen verloren")
    foreign = untyped_ticket(Queue.objects.get(slug="abfallwirtschaft"), "Tonne kaputt")
    client.force_login(kfz_clerk)
    text = visible_text(client.get(reverse("ulm_servicepoint:triage")))
    assert "Kennzeichen verloren" in text
    assert "Tonne kaputt" not in text
    assert client.get(triage_url(own)).status_code == 200
    assert client.get(triage_url(foreign)).status_code == 404
    assert client.get(triage_url(foreign, art="sperrmuell-abholung")).status_code == 404
    refused = client.post(
        triage_url(foreign, art="sperrmuell-abholung"), {"request_type": "sperrmuell-abholung"}
    )
    assert refused.status_code == 404
    assert CaseRecord.objects.get(ticket=foreign).request_type is None
    # the bulk action refuses the lot when one ticket is not his
    kfz_type = RequestType.objects.get(slug="kfz-zulassung")
    with pytest.raises(services.CaptureInvalid):
        services.set_request_type([own.pk, foreign.pk], kfz_type, kfz_clerk)
    assert CaseRecord.objects.filter(ticket__in=[own, foreign], request_type=None).count() == 2
    typed = services.set_request_type([own.pk], kfz_type, kfz_clerk)
    assert [c.request_type for c in typed] == [kfz_type]


def test_the_list_shows_exactly_the_untyped_tickets_the_user_may_open(agent, kfz_clerk, demo):
    """The list reads visibility off the case record's department and owner: the same tickets
    as tickets_visible_to, also for a ticket of another queue assigned to the clerk."""
    kfz = Queue.objects.get(slug="kfz-zulassung")
    waste = Queue.objects.get(slug="abfallwirtschaft")
    untyped_ticket(kfz, "Kfz ohne Art")
    untyped_ticket(waste, "Abfall ohne Art")
    assigned = untyped_ticket(waste, "Abfall, ihm zugewiesen")
    assigned.assigned_to = kfz_clerk
    assigned.save()
    for user in (agent, kfz_clerk):
        listed = set(services.untyped_cases(user).values_list("ticket_id", flat=True))
        expected = set(
            services.tickets_visible_to(user)
            .filter(case_record__request_type=None)
            .values_list("pk", flat=True)
        )
        assert listed == expected
    clerk_sees = set(services.untyped_cases(kfz_clerk).values_list("ticket__title", flat=True))
    assert {"Kfz ohne Art", "Abfall, ihm zugewiesen"} <= clerk_sees
    assert "Abfall ohne Art" not in clerk_sees


def test_bulk_set_type_types_every_case_in_one_go(agent, demo):
    queue = services.service_center_queue()
    tickets = [untyped_ticket(queue, f"Anfrage {n}") for n in range(3)]
    sperr = RequestType.objects.get(slug="sperrmuell-abholung")
    cases = services.set_request_type(
        [CaseRecord.objects.get(ticket=tickets[0]), tickets[1].pk, tickets[2].pk], sperr, agent
    )
    assert {c.ticket_id for c in cases} == {t.pk for t in tickets}
    assert CaseRecord.objects.filter(ticket__in=tickets, request_type=sperr).count() == 3
    assert (
        FollowUp.objects.filter(
            ticket__in=tickets, public=False, title__contains="Sperrmüll-Abholung"
        ).count()
        == 3
    )
    # a wrong type set in bulk is corrected; the values of the former one go into the note
    services.type_case(tickets[0].pk, sperr, agent, values={"gegenstaende": "Sofa"})
    parking = RequestType.objects.get(slug="anwohnerparkausweis")
    services.set_request_type([tickets[0].pk], parking, agent)
    case = CaseRecord.objects.get(ticket=tickets[0])
    assert (case.request_type, case.values) == (parking, {})
    note = FollowUp.objects.filter(ticket=tickets[0]).latest("pk")
    assert "Bisherige Anliegenart: Sperrmüll-Abholung" in note.comment
    assert "Welche Gegenstände?: Sofa" in note.comment


def test_triage_list_costs_the_same_queries_for_5_and_30_tickets(agent_client, demo):
    queue = services.service_center_queue()

    existing = CaseRecord.objects.filter(request_type=None).count()
    for n in range(5):
        untyped_ticket(queue, f"Mail {n}")
    url = reverse("ulm_servicepoint:triage")
    agent_client.get(url)  # warm caches (sessions, permissions)
    with CaptureQueriesContext(connection) as five:
        first = agent_client.get(url)
    for n in range(25):
        untyped_ticket(queue, f"Weitere Mail {n}")
    with CaptureQueriesContext(connection) as thirty:
        second = agent_client.get(url)
    assert len(soup(first).select("#sichtung tbody tr")) == min(existing + 5, 25)
    assert len(soup(second).select("#sichtung tbody tr")) == 25  # one full page
    assert len(thirty) == len(five), [q["sql"] for q in thirty.captured_queries]


def test_a_hostile_subject_is_shown_as_text(agent_client, demo):
    payload = "<img src=x onerror=alert(1)>"
    ticket = mail_ticket(
        payload, text=f"Hallo {payload}", sender=f'"{payload}" <boese@example.org>'
    )
    for url in (
        reverse("ulm_servicepoint:triage"),
        triage_url(ticket),
        triage_url(ticket, art="sperrmuell-abholung"),
    ):
        response = agent_client.get(url)
        html = response.content.decode()
        assert "<img src=x" not in html
        assert payload in visible_text(response)
        assert not soup(response).select("img[onerror]")


def test_without_a_suggester_the_title_names_the_type(agent_client, demo, monkeypatch):
    monkeypatch.setattr(hooks, "REQUEST_TYPE_SUGGESTERS", [])
    monkeypatch.setattr("ulm_servicepoint.triage.REQUEST_TYPE_SUGGESTERS", [])
    ticket = untyped_ticket(services.service_center_queue(), "Sperrmüll-Abholung")
    suggestions = services.suggested_request_types(ticket)
    assert [s.request_type.slug for s in suggestions][:1] == ["sperrmuell-abholung"]
    page = agent_client.get(triage_url(ticket))
    assert [a.get_text() for a in soup(page).select("#vorschlaege a")][:1] == ["Sperrmüll-Abholung"]


def test_triage_pages_have_no_english(agent_client, demo):
    from tests.test_german import english_on_page

    ticket = mail_ticket("Sperrmüll", text="Bitte holen Sie mein Sofa ab.")
    for url in (
        reverse("ulm_servicepoint:triage"),
        triage_url(ticket),
        triage_url(ticket, art="sperrmuell-abholung", suche="Huber"),
        reverse("helpdesk:view", args=[ticket.pk]),
    ):
        response = agent_client.get(url)
        assert response.status_code == 200
        assert english_on_page(response) == [], url


def test_past_the_count_cap_the_list_says_more_than(agent_client, demo, monkeypatch):
    from ulm_servicepoint.triage import CappedPaginator

    monkeypatch.setattr(CappedPaginator, "cap", 3)
    queue = services.service_center_queue()
    for n in range(5):
        untyped_ticket(queue, f"Wartend {n}")
    page = agent_client.get(reverse("ulm_servicepoint:triage"))
    text = visible_text(page)
    assert "Mehr als 3 Tickets ohne Anliegenart" in text
    assert len(soup(page).select("#sichtung tbody tr")) == 4  # the four it counted, one page
    assert "Wartend 4" in text
