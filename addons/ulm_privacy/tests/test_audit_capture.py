"""Each way to personal data leaves the event a data-protection officer expects — who, what,
which object — and a refused request (403, 404, a foreign ticket) leaves none."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.base import ContentFile
from django.urls import reverse
from helpdesk.models import FollowUp, FollowUpAttachment, Ticket

from tests.support.html import form_fields, soup, visible_text
from ulm_privacy import audit
from ulm_privacy.models import AuditEvent
from ulm_privacy.tests.audit_fixtures import events
from ulm_servicepoint.models import Citizen, RequestType

pytestmark = pytest.mark.django_db


def test_the_host_ticket_page_records_who_viewed_which_ticket(client, agent, kfz_ticket):
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    assert page.status_code == 200
    assert events() == [("anna.agentin", "view", "helpdesk.ticket", str(kfz_ticket.id))]
    event = AuditEvent.objects.get()
    assert event.user == agent
    assert event.path == f"/helpdesk/tickets/{kfz_ticket.id}/"


def test_a_foreign_or_missing_ticket_leaves_no_event(client, kfz_clerk, waste_ticket):
    client.force_login(kfz_clerk)
    # the host sends the clerk back to his list: he saw nothing of the ticket
    foreign = client.get(reverse("helpdesk:view", args=[waste_ticket.id]))
    assert foreign.status_code == 302
    assert (
        client.get(reverse("ulm_servicepoint:case_edit", args=[waste_ticket.id])).status_code == 404
    )
    assert client.get(reverse("helpdesk:ticket_cc", args=[waste_ticket.id])).status_code == 404
    assert client.get(reverse("helpdesk:view", args=[999_999])).status_code in (302, 404)
    refused = client.post(
        reverse("helpdesk:update", args=[waste_ticket.id]), {"comment": "Fremdzugriff"}
    )
    assert refused.status_code in (403, 404)
    assert events() == []


def test_a_403_leaves_no_event(client, agent):
    client.force_login(agent)
    assert client.get(reverse("ulm_kpi:export", args=["csv"])).status_code == 403
    assert events() == []


def test_nobody_logged_in_leaves_no_event(client, kfz_ticket):
    response = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    assert response.status_code == 302  # to the login
    assert events() == []


def test_our_ticket_pages_record_a_view(client, agent, kfz_ticket):
    client.force_login(agent)
    assert client.get(reverse("helpdesk:ticket_cc", args=[kfz_ticket.id])).status_code == 200
    assert events() == [("anna.agentin", "view", "helpdesk.ticket", str(kfz_ticket.id))]


def test_an_update_is_recorded_as_a_change(client, agent, kfz_ticket):
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    # a form shown again with its errors changed nothing: no event
    invalid = client.post(reverse("helpdesk:update", args=[kfz_ticket.id]), {})
    assert invalid.status_code in (200, 400)
    form.update({"comment": "Rückruf vereinbart", "public": "0"})
    response = client.post(reverse("helpdesk:update", args=[kfz_ticket.id]), form)
    assert response.status_code == 302
    assert FollowUp.objects.filter(ticket=kfz_ticket, comment="Rückruf vereinbart").exists()
    assert events(action="change") == [
        ("anna.agentin", "change", "helpdesk.ticket", str(kfz_ticket.id))
    ]


def test_a_deletion_is_recorded(client, admin_user, waste_ticket):
    client.force_login(admin_user)
    response = client.post(reverse("helpdesk:delete", args=[waste_ticket.id]))
    assert response.status_code == 302
    assert not Ticket.objects.filter(pk=waste_ticket.pk).exists()
    assert events(action="delete") == [("admin", "delete", "helpdesk.ticket", str(waste_ticket.id))]


def test_searches_record_the_query(client, agent):
    client.force_login(agent)
    assert client.get(reverse("ulm_servicepoint:worklist")).status_code == 200
    assert events() == []  # the list without a search: nobody was looked for
    assert client.get(reverse("ulm_servicepoint:worklist"), {"q": "Müller"}).status_code == 200
    assert client.get(reverse("helpdesk:list"), {"q": "Tonne"}).status_code == 200
    assert events() == [
        ("anna.agentin", "search", "", ""),
        ("anna.agentin", "search", "", ""),
    ]
    assert [e.detail["query"] for e in AuditEvent.objects.order_by("pk")] == ["Müller", "Tonne"]
    assert [e.path for e in AuditEvent.objects.order_by("pk")] == [
        "/helpdesk/arbeitsliste/",
        "/helpdesk/tickets/",
    ]


def test_a_caller_looked_up_by_phone_and_a_known_citizen_opened(client, agent):
    client.force_login(agent)
    response = client.get(reverse("ulm_servicepoint:capture_start"), {"telefon": "0731 161-0"})
    assert response.status_code == 200
    citizen = Citizen.objects.create(name="Erika Muster", email="erika@example.org")
    slug = RequestType.objects.filter(active=True).first().slug
    screen = client.get(reverse("ulm_servicepoint:capture", args=[slug]), {"buerger": citizen.uuid})
    assert screen.status_code == 200
    assert events() == [
        ("anna.agentin", "search", "ulm_servicepoint.citizen", ""),
        ("anna.agentin", "view", "ulm_servicepoint.citizen", str(citizen.pk)),
    ]
    assert AuditEvent.objects.order_by("pk").first().detail == {"query": "0731 161-0"}


def test_an_attachment_download_is_an_export(client, agent, kfz_ticket):
    followup = FollowUp.objects.filter(ticket=kfz_ticket).first()
    attachment = FollowUpAttachment(
        followup=followup, filename="antrag.pdf", mime_type="application/pdf", size=9
    )
    attachment.file.save("antrag.pdf", ContentFile(b"%PDF-1.4\n"), save=True)
    client.force_login(agent)
    response = client.get(attachment.file.url)
    assert response.status_code == 200
    b"".join(response.streaming_content)
    [(user, action, object_type, object_id)] = events()
    assert (user, action, object_type) == ("anna.agentin", "export", "file")
    assert attachment.file.name.startswith(object_id)  # the first 64 characters
    assert AuditEvent.objects.get().path == attachment.file.url


def test_the_key_figure_export_is_recorded_with_its_filters(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("ulm_kpi:export", args=["csv"]), {"zeitraum": "7"})
    assert response.status_code == 200
    assert events() == [("admin", "export", "ulm_kpi.figures", "csv")]
    assert AuditEvent.objects.get().detail == {"zeitraum": "7"}


def _admin_form(client, url: str) -> dict:
    page = soup(client.get(url))
    form = page.select_one("form#citizen_form")
    data = {}
    for field in form.select("input[name], select[name], textarea[name]"):
        if field.name == "select":
            chosen = field.select_one("option[selected]")
            data[field["name"]] = chosen["value"] if chosen else ""
        elif field.get("type") == "checkbox":
            if field.has_attr("checked"):
                data[field["name"]] = "on"
        elif field.name == "textarea":
            data[field["name"]] = field.text
        elif field.get("type") != "submit":
            data[field["name"]] = field.get("value", "")
    return data


def test_admin_views_changes_and_deletions_are_recorded(client, admin_user):
    citizen = Citizen.objects.create(name="Erika Muster", email="erika@example.org")
    client.force_login(admin_user)
    url = reverse("admin:ulm_servicepoint_citizen_change", args=[citizen.pk])
    data = _admin_form(client, url)
    data["city"] = "Neu-Ulm"
    saved = client.post(url, data)
    assert saved.status_code == 302, visible_text(saved)[:2000]
    assert LogEntry.objects.count() == 1
    listed = client.get(reverse("admin:ulm_servicepoint_citizen_changelist"), {"q": "Muster"})
    assert listed.status_code == 200
    deleted = client.post(
        reverse("admin:ulm_servicepoint_citizen_delete", args=[citizen.pk]), {"post": "yes"}
    )
    assert deleted.status_code == 302
    assert not Citizen.objects.filter(pk=citizen.pk).exists()
    pk = str(citizen.pk)
    assert events() == [
        ("admin", "view", "ulm_servicepoint.citizen", pk),  # the change page
        ("admin", "correct", "ulm_servicepoint.citizen", pk),  # Art. 16: the fields changed
        ("admin", "change", "ulm_servicepoint.citizen", pk),  # its LogEntry
        ("admin", "search", "ulm_servicepoint.citizen", ""),
        ("admin", "delete", "ulm_servicepoint.citizen", pk),
    ]
    change = AuditEvent.objects.get(action="change")
    assert change.detail == {"admin": "change", "fields": ["City"]}  # labels, no values
    assert "Muster" not in str(change.detail)  # the person's name is not copied into the log
    assert AuditEvent.objects.get(action="search").detail == {"query": "Muster"}


def test_an_admin_bulk_deletion_is_recorded_once(client, admin_user):
    first = Citizen.objects.create(name="A", email="a@example.org")
    second = Citizen.objects.create(name="B", email="b@example.org")
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:ulm_servicepoint_citizen_changelist"),
        {"action": "delete_selected", "_selected_action": [first.pk, second.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Citizen.objects.filter(pk__in=[first.pk, second.pk]).exists()
    [event] = AuditEvent.objects.filter(action="delete")
    assert event.object_type == "ulm_servicepoint.citizen"
    assert sorted(event.detail["objects"]) == sorted([str(first.pk), str(second.pk)])


def test_a_page_that_cannot_be_recorded_is_not_shown(client, agent, kfz_ticket, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    assert page.status_code == 503
    text = visible_text(page)
    assert "nicht protokolliert" in text
    assert "Wunschkennzeichen" not in text


def test_a_change_that_cannot_be_recorded_is_rolled_back(client, agent, kfz_ticket, monkeypatch):
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[kfz_ticket.id]))
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.update({"comment": "Nicht protokolliert", "public": "0"})

    def broken(*args, **kwargs):
        raise RuntimeError("audit table unavailable")

    monkeypatch.setattr(audit, "record", broken)
    response = client.post(reverse("helpdesk:update", args=[kfz_ticket.id]), form)
    assert response.status_code == 503
    assert "nicht protokolliert" in visible_text(response)
    assert not FollowUp.objects.filter(comment="Nicht protokolliert").exists()


def test_public_pages_cost_no_event(client):
    assert client.get(reverse("ulm_channels:request_types")).status_code == 200
    assert events() == []


def test_a_clerks_answer_to_a_handoff_is_a_change(city, agent, berta, client):
    from tests.support.routing import capture_sperrmuell
    from ulm_routing.models import Handoff
    from ulm_servicepoint.services import Outcome

    ticket = capture_sperrmuell(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    client.force_login(berta)
    url = reverse("ulm_routing:handoff_action", args=[handoff.uuid, "antworten"])
    assert client.post(url, {"text": ""}).status_code == 400  # nothing answered: no event
    assert client.post(url, {"text": "Abholung am 12.12."}).status_code == 302
    [event] = AuditEvent.objects.filter(username="berta.abfall")
    assert (event.action, event.object_type, event.object_id) == (
        "change",
        "ulm_routing.handoff",
        str(handoff.uuid),
    )
    assert event.detail == {"url_action": "antworten"}
