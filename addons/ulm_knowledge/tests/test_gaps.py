"""Knowledge-gap loop: forwarded tickets and tickets closed without an item become gap
proposals per department, grouped by similar text; a department's answer becomes a draft."""

from __future__ import annotations

from helpdesk.models import FollowUp, Queue, Ticket

from tests.support.html import visible_text
from ulm_knowledge import services
from ulm_knowledge.models import Answer, ItemVersion, Status
from ulm_servicepoint.services import tickets_visible_to


def ticket(queue: str, title: str, status: int = Ticket.OPEN_STATUS) -> Ticket:
    return Ticket.objects.create(title=title, queue=Queue.objects.get(slug=queue), status=status)


def test_gaps_grouped_by_department_and_similar_text(demo, admin_user):
    ticket("abfallwirtschaft", "Gelbe Tonne wurde nicht geleert")
    ticket("abfallwirtschaft", "Gelbe Tonne nicht geleert Frauenstraße")
    ticket("abfallwirtschaft", "Wespennest im Müllhäuschen")
    ticket("servicecenter", "Noch offene Frage zum Parken")  # still with the 1st level: no gap

    gaps = services.knowledge_gaps(tickets_visible_to(admin_user))

    biggest = gaps[0]
    assert biggest.department.slug == "abfallwirtschaft"
    assert {t.title for t in biggest.tickets} == {
        "Gelbe Tonne wurde nicht geleert",
        "Gelbe Tonne nicht geleert Frauenstraße",
        "Gelbe Tonne nicht geleert",  # the demo city's resolved ticket
    }
    assert all("Parken" not in t.title for gap in gaps for t in gap.tickets)


def test_gaps_grouped_by_their_text_when_titles_differ(demo, admin_user):
    # web and e-mail requests often share a generic title: their text tells what they are about
    queue = Queue.objects.get(slug="bauordnung")
    for title, text in (
        ("Anfrage", "Darf ich in meinem Garten ein Gartenhaus ohne Baugenehmigung aufstellen?"),
        ("Frage zum Bauen", "Brauche ich für ein kleines Gartenhaus eine Baugenehmigung?"),
        ("Anfrage", "Wann wird der Spielplatz in der Weststadt saniert?"),
    ):
        Ticket.objects.create(title=title, description=text, queue=queue)

    gaps = [
        g for g in services.knowledge_gaps(tickets_visible_to(admin_user)) if g.department == queue
    ]

    assert sorted(len(g.tickets) for g in gaps) == [1, 2]
    (pair,) = [g for g in gaps if len(g.tickets) == 2]
    assert {t.title for t in pair.tickets} == {"Anfrage", "Frage zum Bauen"}
    assert all("Gartenhaus" in t.description for t in pair.tickets)


def test_clerk_sees_only_his_departments_gaps(demo, kfz_clerk, client):
    ticket("abfallwirtschaft", "Gelbe Tonne wurde nicht geleert")
    ticket("kfz-zulassung", "Kennzeichen verbogen")
    client.force_login(kfz_clerk)
    text = visible_text(client.get("/wissen/luecken/"))
    assert "Kennzeichen verbogen" in text
    assert "Gelbe Tonne" not in text


def test_department_answer_becomes_draft_in_one_click(demo, kfz_clerk, client):
    forwarded = ticket("kfz-zulassung", "Kennzeichen verbogen")
    FollowUp.objects.create(
        ticket=forwarded,
        title="Antwort",
        comment="Ein verbogenes Kennzeichen tauschen wir gegen Vorlage des alten aus.",
        public=True,
        user=kfz_clerk,
    )
    client.force_login(kfz_clerk)

    response = client.post(f"/wissen/ticket/{forwarded.pk}/entwurf/")

    answer = Answer.objects.get()
    assert response.status_code == 302
    assert (answer.question, answer.status, answer.department.slug) == (
        "Kennzeichen verbogen",
        Status.DRAFT,
        "kfz-zulassung",
    )
    assert answer.answer.startswith("Ein verbogenes Kennzeichen")
    assert ItemVersion.objects.get(kbitem=answer.kbitem).author == kfz_clerk
    # a draft is not searchable
    assert answer.kbitem_id not in [hit.id for hit in services.search("Kennzeichen verbogen")]
