"""The work list as agents and clerks use it (test client): what it shows, its filters and
search, saved views, bulk actions, department isolation and its cost per page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from helpdesk.models import FollowUp, Queue, Ticket

from tests.support.html import form_fields, soup, visible_text
from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, RequestType, SavedView
from ulm_servicepoint.retention import anonymise_ticket
from ulm_servicepoint.services import CitizenData, reference_of

URL = "/helpdesk/arbeitsliste/"


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent)
    return client


def capture(slug, values, name="Jonas Schneider", email="j.schneider@example.org", **kw):
    return services.capture_request(
        RequestType.objects.get(slug=slug),
        values,
        channel=kw.pop("channel", "phone"),
        citizen=CitizenData(name=name, email=email, phone=kw.pop("phone", "")),
        acknowledge=False,
        **kw,
    )


def kfz(plate="UL-XY 42", **kw):
    return capture("kfz-zulassung", {"vorgang": "Wunschkennzeichen", "kennzeichen": plate}, **kw)


def sperrmuell(items="Sofa", elektro=False, **kw):
    address = {"street": "A", "house_number": "1", "postcode": "89073", "city": "Ulm"}
    values = {"abholadresse": address, "gegenstaende": items, "elektro": elektro}
    return capture("sperrmuell-abholung", values, **kw)


def references(response) -> list[str]:
    return [
        row.select("td a")[0].get_text(strip=True)
        for row in soup(response).select("tr.worklist-row")
    ]


def test_the_list_shows_what_a_service_center_needs(agent_client, demo, agent):
    case = kfz(name="Petra Plate", email="petra@example.org", channel="phone")
    Ticket.objects.filter(pk=case.ticket_id).update()  # nothing changes without a save
    ticket = case.ticket
    ticket.assigned_to = agent
    ticket.save()
    response = agent_client.get(URL)
    assert response.status_code == 200
    row = soup(response).select("tr.worklist-row")[0]
    text = " ".join(row.get_text(" ").split())
    for shown in (
        reference_of(ticket),
        "Telefon",
        "Kfz-Zulassung",
        "Petra Plate",
        "Anna Agentin",
        "Offen",
        "0 Tage",
    ):
        assert shown in text, shown
    # legacy tickets without a case record got an untyped one, flagged for triage
    assert "noch keine Anliegenart" in visible_text(response)
    assert "None" not in visible_text(response)
    assert "null" not in visible_text(response)


def test_filters(agent_client, demo, agent):
    mine = kfz("UL-AA 1")
    mine.ticket.assigned_to = agent
    mine.ticket.save()
    by_mail = sperrmuell(channel="email")
    ref_mine, ref_mail = reference_of(mine.ticket), reference_of(by_mail.ticket)
    assert references(agent_client.get(URL, {"bearbeitung": "ich"})) == [ref_mine]
    unassigned = references(agent_client.get(URL, {"bearbeitung": "niemand"}))
    assert ref_mail in unassigned
    assert ref_mine not in unassigned
    assert references(agent_client.get(URL, {"kanal": "email"})) == [ref_mail]
    kind = RequestType.objects.get(slug="kfz-zulassung").pk
    assert references(agent_client.get(URL, {"art": kind})) == [ref_mine]
    untyped = references(agent_client.get(URL, {"art": "ohne"}))
    assert untyped
    assert ref_mine not in untyped
    assert ref_mail not in untyped
    kfz_queue = Queue.objects.get(slug="kfz-zulassung")
    in_kfz = references(agent_client.get(URL, {"bereich": kfz_queue.pk, "zustand": "alle"}))
    assert in_kfz
    assert all(Ticket.objects.get(stable_reference__reference=r).queue == kfz_queue for r in in_kfz)
    # closed ones only when asked
    mine.ticket.status = Ticket.CLOSED_STATUS
    mine.ticket.save()
    assert ref_mine not in references(agent_client.get(URL))
    assert ref_mine in references(agent_client.get(URL, {"zustand": "erledigt"}))


@pytest.mark.parametrize(
    "query",
    [
        "Petra Plate",
        "petra@example.org",
        "0731 998877",
        "UL-PP 77",
        "ul pp 77",
        "Wunschkennzeichen",
    ],
)
def test_search_by_name_mail_phone_plate_and_words(agent_client, demo, query):
    case = kfz("UL-PP 77", name="Petra Plate", email="petra@example.org", phone="0731 998877")
    other = kfz("UL-QQ 88", name="Otto Other", email="otto@example.org")
    found = references(agent_client.get(URL, {"q": query}))
    assert reference_of(case.ticket) in found
    if query != "Wunschkennzeichen":
        assert reference_of(other.ticket) not in found


def test_search_by_reference_and_german_words(agent_client, demo):
    case = sperrmuell("Zwei alte Kühlschränke", elektro=True, message="Bitte die Geräte abholen.")
    reference = reference_of(case.ticket)
    assert references(agent_client.get(URL, {"q": reference.lower().replace("-", " ")})) == [
        reference
    ]
    # German stemming: "Kühlschrank" finds "Kühlschränke", "Abholung" finds "abholen"
    assert reference in references(agent_client.get(URL, {"q": "Kühlschrank"}))
    assert reference not in references(agent_client.get(URL, {"q": "Waschmaschine"}))


def test_a_clerk_sees_only_the_department(client, demo, kfz_clerk):
    own = kfz("UL-KK 1")
    services.move_to_department(own, None, Queue.objects.get(slug="kfz-zulassung"), "")
    foreign = sperrmuell()
    client.force_login(kfz_clerk)
    shown = references(client.get(URL, {"zustand": "alle"}))
    assert reference_of(own.ticket) in shown
    assert reference_of(foreign.ticket) not in shown
    # not even by reference or name
    assert references(client.get(URL, {"q": reference_of(foreign.ticket)})) == []
    # and not by naming a department in the query string
    other = Queue.objects.get(slug="servicecenter").pk
    assert client.get(URL, {"bereich": other}).status_code == 400


def test_worklist_sees_what_tickets_visible_to_sees(demo, django_user_model):
    kfz()
    for user in django_user_model.objects.all():
        cases = set(services.cases_visible_to(user).values_list("ticket_id", flat=True))
        tickets = set(services.tickets_visible_to(user).values_list("pk", flat=True))
        assert cases == tickets, user.username


def test_constant_queries_per_page(agent_client, demo):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert agent_client.get(URL, {"zustand": "alle"}).status_code == 200
        return len(captured)

    kfz("UL-A 1")
    few = queries()
    for number in range(30):
        kfz(f"UL-B {number + 1}", name=f"Person {number}", email=f"p{number}@example.org")
    assert queries() == few


def test_bulk_assign_is_all_or_nothing(agent_client, demo, agent, kfz_clerk):
    first, second = kfz("UL-C 1"), kfz("UL-C 2")
    back = "zustand=alle"
    response = agent_client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {
            "fall": [first.ticket_id, second.ticket_id],
            "aktion": "zuweisen",
            "bearbeiter": agent.pk,
            "zurueck": back,
        },
    )
    assert response.status_code == 302
    assert (
        Ticket.objects.filter(pk__in=[first.ticket_id, second.ticket_id], assigned_to=agent).count()
        == 2
    )
    assert FollowUp.objects.filter(
        ticket_id=first.ticket_id, title__startswith="Zugewiesen an"
    ).exists()
    # Karl (Kfz) has no access to the service center's queue: nothing changes, German 400
    response = agent_client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {
            "fall": [first.ticket_id],
            "aktion": "zuweisen",
            "bearbeiter": kfz_clerk.pk,
            "zurueck": back,
        },
    )
    assert response.status_code == 400
    assert "hat keinen Zugriff auf Servicecenter" in visible_text(response)
    assert Ticket.objects.get(pk=first.ticket_id).assigned_to == agent


def test_bulk_refuses_tickets_the_user_cannot_see(client, demo, kfz_clerk):
    foreign = kfz("UL-D 1")
    client.force_login(kfz_clerk)
    response = client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {"fall": [foreign.ticket_id], "aktion": "zuweisen", "bearbeiter": kfz_clerk.pk},
    )
    assert response.status_code == 400
    assert "nicht sichtbar" in visible_text(response)
    assert Ticket.objects.get(pk=foreign.ticket_id).assigned_to is None
    assert (
        client.post(
            reverse("ulm_servicepoint:worklist_bulk"), {"fall": ["x"], "aktion": "zuweisen"}
        ).status_code
        == 400
    )


def test_close_as_duplicate(agent_client, demo):
    original, copy = kfz("UL-E 1"), kfz("UL-E 1")
    response = agent_client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {"fall": [copy.ticket_id], "aktion": "duplikat", "original": reference_of(original.ticket)},
    )
    assert response.status_code == 302
    copy.ticket.refresh_from_db()
    assert copy.ticket.status == Ticket.DUPLICATE_STATUS
    note = FollowUp.objects.filter(ticket=copy.ticket).latest("pk")
    assert reference_of(original.ticket) in note.comment
    assert not CaseRecord.objects.get(pk=copy.pk).is_open
    assert (
        agent_client.post(
            reverse("ulm_servicepoint:worklist_bulk"),
            {
                "fall": [original.ticket_id],
                "aktion": "duplikat",
                "original": reference_of(original.ticket),
            },
        ).status_code
        == 400
    )


def test_saved_views(agent_client, demo, agent):
    response = agent_client.post(
        reverse("ulm_servicepoint:worklist_save_view"),
        {"name": "Meine Mails", "zurueck": "kanal=email&bearbeitung=ich&unbekannt=1"},
    )
    assert response.status_code == 302
    view = SavedView.objects.get(user=agent)
    assert view.query == "bearbeitung=ich&kanal=email"
    page = agent_client.get(f"{URL}?{view.query}")
    assert "Meine Mails" in visible_text(page)
    assert (
        agent_client.post(
            reverse("ulm_servicepoint:worklist_save_view"), {"name": "", "zurueck": ""}
        ).status_code
        == 400
    )
    agent_client.post(reverse("ulm_servicepoint:worklist_delete_view", args=[view.pk]))
    assert not SavedView.objects.exists()


@pytest.mark.parametrize(
    "params",
    [{"ebene": "9"}, {"seite": "0"}, {"art": "999999"}, {"q": "x" * 500}, {"kanal": "fax"}],
)
def test_bad_filters_get_a_german_400(agent_client, demo, params):
    response = agent_client.get(URL, params)
    assert response.status_code == 400
    assert "Bitte prüfen Sie die Filter" in visible_text(response)


def test_anonymised_cases_are_not_found_by_name(agent_client, demo):
    case = kfz("UL-F 1", name="Gerda Geheim", email="gerda@example.org")
    case.ticket.status = Ticket.CLOSED_STATUS
    case.ticket.save()
    assert references(agent_client.get(URL, {"q": "Geheim", "zustand": "alle"}))
    anonymise_ticket(case.ticket)
    assert references(agent_client.get(URL, {"q": "Geheim", "zustand": "alle"})) == []
    assert references(agent_client.get(URL, {"q": "gerda@example.org", "zustand": "alle"})) == []


def test_a_move_by_the_hosts_form_names_the_departments(agent_client, demo):
    case = kfz("UL-G 1")
    kfz_queue = Queue.objects.get(slug="kfz-zulassung")
    page = agent_client.get(reverse("helpdesk:view", args=[case.ticket_id]))
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.pop("public", None)
    form.update({"comment": "Bitte übernehmen.", "queue": str(kfz_queue.pk)})
    response = agent_client.post(reverse("helpdesk:update", args=[case.ticket_id]), form)
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.department == kfz_queue
    history = visible_text(agent_client.get(reverse("helpdesk:view", args=[case.ticket_id])))
    assert "Servicecenter" in history
    assert "von 1 in" not in history
    from helpdesk.models import TicketChange

    change = TicketChange.objects.get(followup__ticket=case.ticket)
    assert (change.old_value, change.new_value) == ("Servicecenter", "Kfz-Zulassung")


def test_a_long_list_is_counted_only_so_far(agent_client, demo, monkeypatch):
    from ulm_servicepoint import worklist

    monkeypatch.setattr(worklist, "COUNT_CAP", 3)
    monkeypatch.setattr(worklist, "PAGE_SIZE", 2)
    for number in range(5):
        kfz(f"UL-H {number + 1}")
    first = agent_client.get(URL, {"kanal": "phone"})
    assert "Mehr als 3 Anliegen · Seite 1" in visible_text(first)
    seen = references(first)
    page = 1
    while soup(first).select_one("a[rel=next]"):
        page += 1
        first = agent_client.get(URL, {"kanal": "phone", "seite": page})
        seen += references(first)
    assert page == 3
    assert len(seen) == len(set(seen)) == 5
    assert references(agent_client.get(URL, {"kanal": "phone", "seite": 9})) == []


def test_bulk_set_type_of_untyped_requests(agent_client, demo):
    untyped = list(CaseRecord.objects.filter(request_type__isnull=True)[:2])
    kind = RequestType.objects.get(slug="sperrmuell-abholung")
    response = agent_client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {"fall": [c.ticket_id for c in untyped], "aktion": "typ", "anliegenart": kind.pk},
    )
    assert response.status_code == 302
    assert {c.request_type for c in CaseRecord.objects.filter(pk__in=[c.pk for c in untyped])} == {
        kind
    }
    refused = agent_client.post(
        reverse("ulm_servicepoint:worklist_bulk"),
        {"fall": [untyped[0].ticket_id], "aktion": "typ", "anliegenart": ""},
    )
    assert refused.status_code == 400
    assert "Bitte wählen Sie eine Anliegenart" in visible_text(refused)
