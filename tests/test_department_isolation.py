"""Department isolation, from the clerk's side: Karl (Kfz-Zulassung) sees and acts on his
queue's tickets only — in lists, search, the ticket page, the dashboard, attachments, feeds and
the API. Anna (Servicecenter) sees every department; Berta (Abfallwirtschaft) sees hers."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from helpdesk.models import FollowUp, FollowUpAttachment, Queue, Ticket

from tests.support.html import ticket_list_ids, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(demo):
    kfz = Ticket.objects.get(title__startswith="Wunschkennzeichen")
    waste = Ticket.objects.get(title="Gelbe Tonne nicht geleert")
    return {"kfz": kfz, "waste": waste}


@pytest.fixture
def attachments(tickets):
    made = {}
    for key, ticket in tickets.items():
        followup = FollowUp.objects.filter(ticket=ticket).first()
        attachment = FollowUpAttachment(
            followup=followup, filename=f"{key}.pdf", mime_type="application/pdf", size=9
        )
        attachment.file.save(f"{key}.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
        made[key] = attachment
    return made


@pytest.fixture
def karl(client, kfz_clerk):
    client.force_login(kfz_clerk)
    return client


def test_list_shows_only_own_department(karl, tickets):
    visible = ticket_list_ids(karl)
    assert tickets["kfz"].id in visible
    assert tickets["waste"].id not in visible
    kfz = Queue.objects.get(slug="kfz-zulassung")
    assert set(Ticket.objects.filter(id__in=visible).values_list("queue", flat=True)) == {kfz.id}


def test_search_finds_nothing_outside_own_department(karl, tickets):
    assert ticket_list_ids(karl, search="Tonne") == set()
    assert ticket_list_ids(karl, search="Wunschkennzeichen") == {tickets["kfz"].id}
    # the quick search by number does not open a foreign ticket either …
    header = {"search_type": "header"}  # the navigation bar's search box
    response = karl.get(
        reverse("helpdesk:list"), {"q": str(tickets["waste"].id), **header}, follow=True
    )
    assert response.status_code == 200
    assert response.redirect_chain == []  # not sent to the foreign ticket
    assert "Gelbe Tonne" not in visible_text(response)
    # … while it opens his own
    own = karl.get(reverse("helpdesk:list"), {"q": str(tickets["kfz"].id), **header}, follow=True)
    assert own.redirect_chain[-1][0].endswith(reverse("helpdesk:view", args=[tickets["kfz"].id]))
    assert "Wunschkennzeichen" in visible_text(own)


def test_foreign_ticket_page_and_actions_are_refused(karl, tickets):
    waste = tickets["waste"]
    # the host refuses by sending him back to his list with a message, never the ticket
    page = karl.get(reverse("helpdesk:view", args=[waste.id]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("helpdesk:list")
    assert f"Sie haben keine Berechtigung, Ticket {waste.id}" in visible_text(page)
    assert "Gelbe Tonne" not in visible_text(page)
    response = karl.post(
        reverse("helpdesk:update", args=[waste.id]),
        {"comment": "Fremdzugriff", "new_status": str(Ticket.CLOSED_STATUS), "public": "1"},
    )
    assert response.status_code in (403, 404)
    waste.refresh_from_db()
    assert waste.status == Ticket.RESOLVED_STATUS
    assert not FollowUp.objects.filter(ticket=waste, comment="Fremdzugriff").exists()
    # mass update with a foreign ticket id changes nothing
    karl.post(reverse("helpdesk:mass_update"), {"ticket_id": [waste.id], "action": "close"})
    waste.refresh_from_db()
    assert waste.status == Ticket.RESOLVED_STATUS
    # own ticket: allowed
    assert karl.get(reverse("helpdesk:view", args=[tickets["kfz"].id])).status_code == 200


def test_dashboard_shows_no_foreign_tickets(karl, tickets):
    response = karl.get(reverse("helpdesk:dashboard"))
    assert response.status_code == 200
    page = visible_text(response)
    assert "Wunschkennzeichen" in page  # his own open ticket is there
    assert "Gelbe Tonne" not in page
    assert "Lärmbeschwerde" not in page
    assert "Frage zu Öffnungszeiten" not in page  # service-center queue is not his either


def test_attachments_only_for_those_who_see_the_ticket(karl, client, attachments, agent):
    own = karl.get(attachments["kfz"].file.url)
    assert own.status_code == 200
    assert b"".join(own.streaming_content).startswith(b"%PDF")
    assert karl.get(attachments["waste"].file.url).status_code == 404
    # the file is not reachable as public media, and not anonymously through the view
    client.logout()
    assert client.get(attachments["kfz"].file.url).status_code == 404
    assert not attachments["kfz"].file.url.startswith("/media/")
    # the service center may open both
    client.force_login(agent)
    assert client.get(attachments["waste"].file.url).status_code == 200


def test_api_shows_only_own_department(karl, tickets, attachments):
    listed = karl.get("/helpdesk/api/tickets/").json()["results"]
    assert {row["id"] for row in listed} == set(
        Ticket.objects.filter(queue__slug="kfz-zulassung").values_list("id", flat=True)
    )
    assert karl.get(f"/helpdesk/api/tickets/{tickets['waste'].id}/").status_code == 404
    followups = karl.get("/helpdesk/api/followups/").json()["results"]
    assert {row["ticket"] for row in followups} <= {tickets["kfz"].id}
    assert followups, "his own department's follow-ups are listed"
    files = karl.get("/helpdesk/api/followups-attachments/").json()["results"]
    assert {row["filename"] for row in files} == {"kfz.pdf"}


def test_feeds_show_only_own_department(karl, tickets):
    response = karl.get(reverse("helpdesk:rss_activity"))
    assert response.status_code == 200
    activity = response.content.decode()
    assert "Wunschkennzeichen" in activity  # his own department's activity is there
    assert "Gelbe Tonne" not in activity
    queue_feed = karl.get(reverse("helpdesk:rss_queue", args=["abfallwirtschaft"]))
    assert queue_feed.status_code in (403, 404)


def test_service_center_sees_every_department(client, agent, tickets):
    client.force_login(agent)
    visible = ticket_list_ids(client)
    assert {tickets["kfz"].id, tickets["waste"].id} <= visible
    assert visible == set(Ticket.objects.values_list("id", flat=True))


def test_helper_matches_what_the_host_shows(kfz_clerk, tickets):
    from ulm_servicepoint.services import tickets_visible_to

    assert set(tickets_visible_to(kfz_clerk).values_list("queue__slug", flat=True)) == {
        "kfz-zulassung"
    }


# --- Host forms that offer tickets, users or queues (issue 9) -----------------------------------
@pytest.mark.parametrize("picker", ["ticket_dependency_add", "ticket_resolves_add"])
def test_dependency_pickers_offer_and_accept_only_visible_tickets(karl, tickets, picker):
    from helpdesk.models import TicketDependency

    from tests.support.html import soup

    url = reverse(f"helpdesk:{picker}", args=[tickets["kfz"].id])
    page = karl.get(url)
    assert page.status_code == 200
    offered = {int(o["value"]) for o in soup(page).select("select option") if o.get("value")}
    assert tickets["waste"].id not in offered
    assert offered <= set(
        Ticket.objects.filter(queue__slug="kfz-zulassung").values_list("id", flat=True)
    )
    field = "depends_on" if picker == "ticket_dependency_add" else "ticket"
    response = karl.post(url, {field: tickets["waste"].id})
    assert response.status_code == 400
    assert not TicketDependency.objects.filter(ticket__in=tickets.values()).exists()


def test_copies_go_only_to_users_who_may_see_the_ticket(karl, tickets, django_user_model):
    from helpdesk.models import TicketCC

    from tests.support.html import soup

    url = reverse("helpdesk:ticket_cc_add", args=[tickets["kfz"].id])
    page = karl.get(url)
    offered = {o.get_text(strip=True) for o in soup(page).select("select[name=user] option")}
    assert "berta.abfall" not in offered
    assert "karl.kfz" in offered
    berta = django_user_model.objects.get(username="berta.abfall")
    assert karl.post(url, {"user": berta.id}).status_code == 400
    markup = karl.post(url, {"email": '"<img/src/onerror=alert(1)>"@example.org'})
    assert markup.status_code == 400
    assert not TicketCC.objects.exists()


def test_merge_picker_offers_only_visible_tickets(karl, tickets):
    from tests.support.html import soup

    page = karl.get(reverse("helpdesk:merge_tickets"))
    offered = {int(o["value"]) for o in soup(page).select("select[name=tickets] option")}
    assert tickets["waste"].id not in offered
    chosen = f"tickets={tickets['kfz'].id}&tickets={tickets['waste'].id}"
    foreign = f"{reverse('helpdesk:merge_tickets')}?{chosen}"
    karl.post(foreign, {"chosen_ticket": tickets["kfz"].id})
    assert Ticket.objects.get(pk=tickets["waste"].id).merged_to is None


def test_queue_pickers_offer_only_the_own_department(karl, tickets):
    from tests.support.html import soup

    own = str(Queue.objects.get(slug="kfz-zulassung").id)
    # (the host's "Neues Ticket" sends staff to our capture: no queue picker there at all)
    assert karl.get(reverse("helpdesk:submit"))["Location"] == reverse(
        "ulm_servicepoint:capture_start"
    )
    for url in (reverse("helpdesk:view", args=[tickets["kfz"].id]),):
        page = soup(karl.get(url))
        offered = {o.get("value") for o in page.select("select[name=queue] option")}
        offered |= {i.get("value") for i in page.select("input[name=queue]")}
        offered.discard("")
        assert offered == {own}, (url, offered)
    # moving his ticket into a foreign queue is refused
    waste_queue = Queue.objects.get(slug="abfallwirtschaft")
    karl.post(
        reverse("helpdesk:update", args=[tickets["kfz"].id]),
        {"queue": waste_queue.id, "comment": "weg damit"},
    )
    assert Ticket.objects.get(pk=tickets["kfz"].id).queue.slug == "kfz-zulassung"


def test_bulk_assignment_to_someone_outside_the_department_is_refused(
    karl, tickets, django_user_model
):
    berta = django_user_model.objects.get(username="berta.abfall")
    response = karl.post(
        reverse("helpdesk:mass_update"),
        {"ticket_id": [tickets["kfz"].id], "action": f"assign_{berta.id}"},
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=tickets["kfz"].id).assigned_to is None


def test_my_tickets_lists_only_tickets_the_clerk_may_see(karl, tickets, kfz_clerk):
    """A citizen may give a clerk's address: that request still is not his to see."""
    Ticket.objects.filter(pk=tickets["waste"].id).update(submitter_email=kfz_clerk.email)
    Ticket.objects.filter(pk=tickets["kfz"].id).update(submitter_email=kfz_clerk.email)
    listed = karl.get("/helpdesk/api/user_tickets/").json()["results"]
    assert {row["id"] for row in listed} == {tickets["kfz"].id}
    assert karl.get(f"/helpdesk/api/user_tickets/{tickets['waste'].id}/").status_code == 404


def test_handoffs_and_callbacks_only_of_own_department(karl, tickets, agent):
    """The routing pages (issue 11): Karl's work list shows his department's handoffs and
    callbacks only; another department's handoff, its actions and callbacks do not exist for
    him; the service center's pages are not his; a reference search opens nothing foreign."""
    from datetime import timedelta

    from django.utils import timezone

    from ulm_routing import services as routing
    from ulm_routing.models import Handoff
    from ulm_servicepoint.services import reference_of

    waste_queue = Queue.objects.get(slug="abfallwirtschaft")
    kfz_queue = Queue.objects.get(slug="kfz-zulassung")
    foreign = routing.open_handoff(tickets["waste"], waste_queue, agent)
    Ticket.objects.filter(pk=tickets["kfz"].pk).update(
        queue=Queue.objects.get(slug="servicecenter")
    )
    own = routing.open_handoff(Ticket.objects.get(pk=tickets["kfz"].pk), kfz_queue, agent)
    window = {"window_start": timezone.now(), "window_end": timezone.now() + timedelta(hours=2)}
    foreign_call = routing.record_callback(
        caller_name="Frau Fremd", phone="0731 111111", subject="Tonne",
        department=waste_queue, by=agent, **window,
    )  # fmt: skip
    routing.record_callback(
        caller_name="Herr Eigen", phone="0731 222222", subject="Kennzeichen",
        department=kfz_queue, by=agent, **window,
    )  # fmt: skip
    handoffs = visible_text(karl.get(reverse("ulm_routing:worklist")))
    assert reference_of(own.ticket) in handoffs
    assert reference_of(foreign.ticket) not in handoffs
    # asking for the other department's list shows his own
    other = visible_text(
        karl.get(reverse("ulm_routing:worklist"), {"abteilung": "abfallwirtschaft"})
    )
    assert reference_of(foreign.ticket) not in other
    calls = visible_text(karl.get(reverse("ulm_routing:worklist"), {"art": "rueckrufe"}))
    assert "Herr Eigen" in calls
    assert "Frau Fremd" not in calls
    for action in ("antworten", "rueckfrage", "nicht-zustaendig", "weitergeben", "uebernehmen"):
        url = reverse("ulm_routing:handoff_action", args=[foreign.uuid, action])
        assert karl.post(url, {"text": "x", "reason": "x", "to": "citizen"}).status_code == 404
        assert karl.get(url).status_code == 405  # and never a state change on GET
    for action in ("erledigt", "nicht-erreicht"):
        url = reverse("ulm_routing:callback_action", args=[foreign_call.uuid, action])
        assert karl.post(url).status_code == 404
    assert karl.post(reverse("ulm_routing:forward", args=[tickets["waste"].pk])).status_code == 403
    assert karl.get(reverse("ulm_routing:overview")).status_code == 403
    assert karl.get(reverse("ulm_routing:callback_new")).status_code == 403
    found = karl.get(reverse("helpdesk:list"), {"q": reference_of(tickets["waste"])}, follow=True)
    assert "Gelbe Tonne" not in visible_text(found)
    mine = karl.get(reverse("helpdesk:list"), {"q": reference_of(own.ticket)})
    assert mine.status_code == 302
    assert mine["Location"] == own.ticket.get_absolute_url()
    assert Handoff.objects.get(pk=foreign.pk).state == "open"


def test_triage_shows_and_types_only_own_department(karl, kfz_clerk, tickets):
    """The triage (Sichtung): Karl sees the untyped tickets of his queue only, and the other
    department's untyped ticket does not exist for him — not its page, not its typing."""
    from ulm_servicepoint.models import CaseRecord

    def untyped(queue_slug: str, title: str) -> Ticket:
        return Ticket.objects.create(
            title=title, queue=Queue.objects.get(slug=queue_slug), description="Bitte prüfen"
        )

    own = untyped("kfz-zulassung", "Halterauskunft ohne Anliegenart")
    foreign = untyped("abfallwirtschaft", "Biotonne ohne Anliegenart")
    listing = visible_text(karl.get(reverse("ulm_servicepoint:triage")))
    assert "Halterauskunft ohne Anliegenart" in listing
    assert "Biotonne ohne Anliegenart" not in listing
    assert karl.get(reverse("ulm_servicepoint:triage_case", args=[own.pk])).status_code == 200
    url = reverse("ulm_servicepoint:triage_case", args=[foreign.pk])
    assert karl.get(url).status_code == 404
    assert karl.get(url, {"art": "sperrmuell-abholung"}).status_code == 404
    assert karl.post(url, {"request_type": "sperrmuell-abholung"}).status_code == 404
    assert CaseRecord.objects.get(ticket=foreign).request_type is None


def test_work_list_shows_only_own_department(karl, tickets):
    url = reverse("ulm_servicepoint:worklist")
    page = visible_text(karl.get(url, {"zustand": "alle"}))
    assert "Wunschkennzeichen" in page
    assert "Gelbe Tonne" not in page
    # not by search, not by naming the other department, not in the bulk actions
    assert "Gelbe Tonne" not in visible_text(karl.get(url, {"q": "Tonne", "zustand": "alle"}))
    waste = Queue.objects.get(slug="abfallwirtschaft")
    assert karl.get(url, {"bereich": waste.pk}).status_code == 400
    response = karl.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {"fall": [tickets["waste"].pk], "aktion": "duplikat", "original": "x"},
    )
    assert response.status_code == 400
    assert Ticket.objects.get(pk=tickets["waste"].pk).status == tickets["waste"].status
