"""In the ticket: the suggestions panel on the host's ticket page, and the one click that
inserts the composed answer, links the item to the ticket and records the version given."""

from __future__ import annotations

from helpdesk.models import Queue, Ticket

from tests.support.html import soup
from ulm_knowledge import services
from ulm_knowledge.models import AnswerUse
from ulm_knowledge.tests.conftest import by_external_id


def servicecenter_ticket(text: str) -> Ticket:
    queue = Queue.objects.get(slug="servicecenter")
    return Ticket.objects.create(title=text, description=text, queue=queue)


def test_ticket_page_suggests_from_the_ticket_text(catalogue, agent, client):
    ticket = servicecenter_ticket("Mir wurde der Ausweis gestohlen, was nun?")
    client.force_login(agent)

    page = soup(client.get(f"/helpdesk/tickets/{ticket.pk}/"))

    panel = page.find(id="kb-panel")
    titles = [li.strong.get_text() for li in panel.find_all("li", attrs={"data-kbitem": True})]
    assert titles[0] == "Verlust oder Diebstahl Personalausweis"
    assert panel.find("button").get_text() == "In die Antwort einfügen"


def test_the_panel_leaves_out_items_that_only_share_a_word(catalogue, agent, client):
    # the vehicle papers' loss shares a word with "Neuer Personalausweis" and scores about a
    # thirtieth of the identity card: the search lists it, the agent's panel does not
    ticket = servicecenter_ticket("Neuer Personalausweis")
    client.force_login(agent)
    assert "dldb:9004" in [hit.external_id for hit in services.search(ticket.title, 5)]

    page = soup(client.get(f"/helpdesk/tickets/{ticket.pk}/"))

    panel = page.find(id="kb-panel")
    titles = [li.strong.get_text() for li in panel.find_all("li", attrs={"data-kbitem": True})]
    assert titles[:2] == ["Personalausweis", "Verlust oder Diebstahl Personalausweis"]
    assert "Verlust oder Diebstahl der Zulassungsbescheinigung Teil I" not in titles


def test_one_click_inserts_answer_links_item_and_records_version(catalogue, agent, client):
    ticket = servicecenter_ticket("Neuer Personalausweis")
    perso = by_external_id("dldb:9001")
    client.force_login(agent)

    response = client.post(
        f"/wissen/ticket/{ticket.pk}/antwort/{perso.kbitem_id}/",
        headers={"accept": "application/json"},
    )

    assert response.status_code == 200
    data = response.json()
    assert "Kosten:\n37,00 Euro" in data["text"]
    assert "Mitzubringen:\n- biometrisches Passfoto" in data["text"]
    assert data["version"] == 1
    assert Ticket.objects.get(pk=ticket.pk).kbitem_id == perso.kbitem_id
    use = AnswerUse.objects.get(ticket=ticket)
    assert (use.kbitem_id, use.version, use.user) == (perso.kbitem_id, 1, agent)


def test_clerk_of_another_department_cannot_answer_the_ticket(catalogue, kfz_clerk, client):
    ticket = servicecenter_ticket("Neuer Personalausweis")
    client.force_login(kfz_clerk)
    response = client.post(
        f"/wissen/ticket/{ticket.pk}/antwort/{by_external_id('dldb:9001').kbitem_id}/"
    )
    assert response.status_code == 404
    assert not AnswerUse.objects.exists()
