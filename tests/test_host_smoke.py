"""Smoke tests of the host's own flows with our addons installed.

django-helpdesk ships no test suite in its PyPI package: these are our guard that the flows the
service center relies on keep working (public form → ticket and German mail; agent login, list,
ticket, reply, move to a department, close; knowledge base; API)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from helpdesk.models import FollowUp, KBCategory, KBItem, Queue, Ticket

from tests.support.html import form_fields, ticket_list_ids, visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels.services import status_url
from ulm_channels.tests.web import later
from ulm_servicepoint.services import reference_of

pytestmark = pytest.mark.django_db


def submit_public_form(client, **values) -> Ticket:
    """A citizen opens the helpdesk's public address and submits the form they are shown."""
    page = client.get(reverse("helpdesk:home"), follow=True)
    assert page.status_code == 200
    data = form_fields(page, "main form")
    data.update(values, privacy="on")
    with later():  # a person takes a while to fill in the form (the form's time trap)
        response = client.post(page.request["PATH_INFO"], data)
    assert response.status_code == 302, visible_text(response)[:500]
    return Ticket.objects.get(title=values["subject"])


def test_citizen_submits_public_form_and_gets_german_acknowledgement(client, demo, smtp):
    # given the public page of the service center
    # when a citizen submits the form
    ticket = submit_public_form(
        client,
        subject="Wo beantrage ich einen Anwohnerparkausweis?",
        message="Ich wohne in der Frauenstraße und brauche einen Parkausweis für mein Auto.",
        email="buergerin@example.org",
    )
    # then the ticket waits in the service-center queue …
    assert ticket.queue.slug == "servicecenter"
    assert ticket.status == Ticket.OPEN_STATUS
    # … and the citizen received a German acknowledgement over SMTP (sent by the worker)
    deliver_outbox()
    mails = smtp.to("buergerin@example.org")
    assert len(mails) == 1
    body = mails[0].get_body(("plain",)).get_content()
    assert "Anwohnerparkausweis" in str(mails[0]["Subject"])
    assert "vielen dank" in body.lower(), body[:400]
    assert reference_of(ticket) in body  # the stable reference number …
    assert status_url(ticket) in body  # … and the private status link


def test_agent_works_a_ticket_from_list_to_close(client, agent, smtp):
    ticket = submit_public_form(
        client,
        subject="Wunschkennzeichen für mein neues Auto",
        message="Ist UL-XY 42 noch frei?",
        email="fahrer@example.org",
    )
    deliver_outbox()
    smtp.messages.clear()

    # the agent logs in through the login page
    login_page = client.get(reverse("helpdesk:login"))
    assert login_page.status_code == 200
    response = client.post(
        reverse("helpdesk:login"), {"username": "anna.agentin", "password": demo_password()}
    )
    assert response.status_code == 302

    # sees the ticket list (rendered by the page's data endpoint)
    assert client.get(reverse("helpdesk:list")).status_code == 200
    assert ticket.id in ticket_list_ids(client)

    # opens the ticket
    page = client.get(reverse("helpdesk:view", args=[ticket.id]))
    assert page.status_code == 200
    assert "Ist UL-XY 42 noch frei?" in visible_text(page)

    # replies publicly: a follow-up and a mail to the citizen
    update_url = reverse("helpdesk:update", args=[ticket.id])
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.update({"comment": "Das Kennzeichen ist frei, wir reservieren es.", "public": "1"})
    assert client.post(update_url, form).status_code == 302
    assert FollowUp.objects.filter(ticket=ticket, comment__startswith="Das Kennzeichen").exists()
    deliver_outbox()
    assert len(smtp.to("fahrer@example.org")) == 1

    # moves it to the department Kfz-Zulassung
    kfz = Queue.objects.get(slug="kfz-zulassung")
    form.pop("public", None)  # an unticked box is not sent
    form.update({"comment": "", "queue": str(kfz.id)})
    client.post(update_url, form)
    ticket.refresh_from_db()
    assert ticket.queue == kfz

    # closes it
    form.update({"new_status": str(Ticket.CLOSED_STATUS), "comment": "Erledigt."})
    client.post(update_url, form)
    ticket.refresh_from_db()
    assert ticket.status == Ticket.CLOSED_STATUS


def test_knowledge_base_pages_render(client, demo):
    category = KBCategory.objects.create(
        name="Ausweise", title="Ausweise und Pässe", slug="ausweise", description="…", public=True
    )
    KBItem.objects.create(
        category=category,
        title="Personalausweis beantragen",
        question="Wie beantrage ich einen Personalausweis?",
        answer="Persönlich im Bürgerbüro, mit biometrischem Foto.",
    )
    index = client.get(reverse("helpdesk:kb_index"))
    assert index.status_code == 200
    assert "Ausweise und Pässe" in visible_text(index)
    page = client.get(reverse("helpdesk:kb_category", args=["ausweise"]))
    assert page.status_code == 200
    assert "Personalausweis beantragen" in visible_text(page)


def test_api_lists_tickets(client, agent):
    client.force_login(agent)
    response = client.get("/helpdesk/api/tickets/")
    assert response.status_code == 200
    titles = {row["title"] for row in response.json()["results"]}
    assert "Wunschkennzeichen UL-AB 123 reservieren" in titles


def demo_password() -> str:
    from ulm_servicepoint.services import DEMO_PASSWORD

    return DEMO_PASSWORD


def test_the_ticket_api_costs_one_page_however_many_tickets(client, admin_user, demo):
    """The host loaded every ticket before paginating (28 s at 20,000 tickets)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from helpdesk.models import Queue, Ticket

    client.force_login(admin_user)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/helpdesk/api/tickets/", {"page": "1", "status": "1,2"})
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    queue = Queue.objects.get(slug="servicecenter")

    def add(number: int) -> None:
        Ticket.objects.bulk_create(
            Ticket(title=f"T{n}", queue=queue, description="", status=1) for n in range(number)
        )

    add(30)  # a full page
    few, count = queries()
    add(300)
    many, more = queries()
    assert more == count + 300
    assert many == few
