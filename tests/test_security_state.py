"""No state change on GET: the host's URLs that acted on a plain GET (so that an image in a
citizen's message acted with the viewer's rights) now ask for confirmation and act only on a
POST with CSRF. Also: identity (a submission never changes whose request it is), login
throttling, and the security headers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from helpdesk.models import FollowUp, KBItem, Ticket

from tests.support.html import form_fields, visible_text
from ulm_channels.tests.web import later
from ulm_servicepoint import services
from ulm_servicepoint.models import CaseRecord, Citizen, RequestType

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(demo):
    return Ticket.objects.get(title__startswith="Wunschkennzeichen")


def confirm_then_post(client, url: str):
    """GET shows a German question whose button POSTs to the same address (with CSRF)."""
    page = client.get(url)
    assert page.status_code == 200
    assert "Bitte bestätigen" in visible_text(page)
    data = form_fields(page, "main form[method=post], form[method=post]")
    assert "csrfmiddlewaretoken" in data
    return client.post(url, data)


def test_hold_and_unhold_act_only_on_post(client, agent, ticket):
    client.force_login(agent)
    url = reverse("helpdesk:hold", args=[ticket.id])
    client.get(url)
    ticket.refresh_from_db()
    assert not ticket.on_hold, "a GET (an <img> in a message) must not put the ticket on hold"
    assert confirm_then_post(client, url).status_code == 302
    ticket.refresh_from_db()
    assert ticket.on_hold
    client.get(reverse("helpdesk:unhold", args=[ticket.id]))
    ticket.refresh_from_db()
    assert ticket.on_hold


def test_follow_up_delete_acts_only_on_post(client, admin_user, ticket):
    client.force_login(admin_user)
    followup = FollowUp.objects.filter(ticket=ticket).first()
    url = reverse("helpdesk:followup_delete", args=[ticket.id, followup.id])
    client.get(url)
    assert FollowUp.objects.filter(pk=followup.pk).exists()
    confirm_then_post(client, url)
    assert not FollowUp.objects.filter(pk=followup.pk).exists()


def test_a_follow_up_id_of_another_ticket_is_not_found(client, admin_user, ticket):
    client.force_login(admin_user)
    other = FollowUp.objects.exclude(ticket=ticket).first()
    url = reverse("helpdesk:followup_delete", args=[ticket.id, other.id])
    assert client.post(url).status_code == 404
    assert FollowUp.objects.filter(pk=other.pk).exists()


def test_take_and_close_on_the_ticket_page_act_only_on_post(client, agent, ticket):
    client.force_login(agent)
    url = reverse("helpdesk:view", args=[ticket.id]) + "?take"
    client.get(url)
    ticket.refresh_from_db()
    assert ticket.assigned_to is None
    confirm_then_post(client, url)
    ticket.refresh_from_db()
    assert ticket.assigned_to == agent


def test_a_kb_vote_acts_only_on_post_and_only_for_published_items(client, agent, demo_knowledge):
    from ulm_knowledge.models import Answer, Status

    client.force_login(agent)
    published = Answer.objects.filter(status=Status.PUBLISHED).first().kbitem
    url = reverse("helpdesk:kb_vote", args=[published.id, "up"])
    client.get(url)
    assert KBItem.objects.get(pk=published.pk).votes == 0
    confirm_then_post(client, url)
    assert KBItem.objects.get(pk=published.pk).votes == 1
    draft = Answer.objects.filter(status=Status.PUBLISHED).last()
    draft.status = Status.DRAFT
    draft.save()
    response = client.post(reverse("helpdesk:kb_vote", args=[draft.kbitem_id, "up"]))
    assert response.status_code == 400
    assert "veröffentlichte" in visible_text(response)
    assert KBItem.objects.get(pk=draft.kbitem_id).votes == 0


# --- Identity -------------------------------------------------------------------------------------
def test_a_typed_form_with_someone_elses_phone_number_is_not_filed_under_them(client, demo, smtp):
    """An attacker gives the victim's number with another name and address: the request gets
    its own citizen (marked as a possible duplicate), and the answer goes to the address given."""
    victim = services.find_or_create_citizen(
        services.CitizenData(name="Maria Müller", email="maria@example.org", phone="0731 4455667")
    )
    url = reverse("ulm_channels:typed_request", args=["strassenschaden"])
    data = form_fields(client.get(url), "main form")
    data.update(
        {
            "f-art": "Straßenlaterne",
            "f-ort": "Olgastraße 12",
            "f-gefahr": "no",
            "name": "Eve Angreiferin",
            "email": "eve@example.org",
            "phone": "0731 4455667",
            "privacy": "on",
        }
    )
    with later():
        assert client.post(url, data).status_code == 302
    case = CaseRecord.objects.latest("created_at")
    assert case.citizen != victim
    assert case.citizen.possible_duplicate_of == victim
    assert case.citizen.name == "Eve Angreiferin"
    assert case.ticket.submitter_email == "eve@example.org"
    victim.refresh_from_db()
    assert (victim.name, victim.email) == ("Maria Müller", "maria@example.org")
    assert not smtp.to("maria@example.org")


def test_matching_details_still_find_the_same_citizen(demo):
    first = services.find_or_create_citizen(
        services.CitizenData(name="Jonas Schneider", email="j.schneider@example.org")
    )
    again = services.find_or_create_citizen(
        services.CitizenData(name="jonas  schneider", phone="0731 998877", email="")
    )
    assert again != first  # no shared key: a new person
    by_mail = services.find_or_create_citizen(
        services.CitizenData(
            name="Jonas  SCHNEIDER", email="J.Schneider@example.org", phone="0731 4455661"
        )
    )
    assert by_mail == first  # same address, the same name written differently: the same person
    assert Citizen.objects.get(pk=first.pk).phone == "+497314455661"


def test_the_address_given_is_the_one_answered(demo, agent):
    known = services.find_or_create_citizen(
        services.CitizenData(name="Peter Wagner", email="peter.wagner@example.org")
    )
    case = services.capture_request(
        RequestType.objects.get(slug="fundsache"),
        {"verloren_gefunden": "Verloren", "gegenstand": "Schlüssel", "datum": "2026-11-30"},
        channel="email",
        citizen=services.CitizenData(name="Peter Wagner", email="p.wagner@example.net"),
        captured_by=agent,
    )
    assert case.ticket.submitter_email == "p.wagner@example.net"
    assert case.citizen != known
    assert case.citizen.possible_duplicate_of is None


# --- Login ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("login_url", ["/helpdesk/login/", "/admin/login/"])
def test_logins_are_throttled_per_account_and_unlocked_by_an_admin(demo, settings, login_url):
    """After the limit, even the right password is refused with a German page; an admin's
    unlock (deleting the attempt record) lets the person in again."""
    from axes.models import AccessAttempt

    limit = settings.AXES_FAILURE_LIMIT
    client = Client()
    for attempt in range(limit):
        response = client.post(
            login_url, {"username": "anna.agentin", "password": f"falsch{attempt}"}
        )
        assert response.status_code in (200, 429)
    locked = client.post(login_url, {"username": "anna.agentin", "password": "ulm-demo-2026"})
    assert locked.status_code == 429
    assert "Anmeldung vorübergehend gesperrt" in visible_text(locked)
    assert "_auth_user_id" not in client.session
    AccessAttempt.objects.filter(username="anna.agentin").delete()
    unlocked = client.post(login_url, {"username": "anna.agentin", "password": "ulm-demo-2026"})
    assert unlocked.status_code == 302
    assert client.session.get("_auth_user_id")


def test_guessing_across_accounts_is_throttled_per_address(demo, settings):
    limit = settings.AXES_FAILURE_LIMIT
    client = Client(REMOTE_ADDR="203.0.113.9")
    for attempt in range(limit):
        client.post("/helpdesk/login/", {"username": f"nobody{attempt}", "password": "x"})
    locked = client.post("/helpdesk/login/", {"username": "karl.kfz", "password": "ulm-demo-2026"})
    assert locked.status_code == 429
    other_place = Client(REMOTE_ADDR="203.0.113.10")
    ok = other_place.post("/helpdesk/login/", {"username": "karl.kfz", "password": "ulm-demo-2026"})
    assert ok.status_code == 302


def test_the_apis_take_no_http_basic_authentication(client, demo):
    import base64

    basic = "Basic " + base64.b64encode(b"admin:ulm-demo-2026").decode()
    for url in ("/helpdesk/api/tickets/", "/api/servicepoint/anliegenarten/"):
        assert client.get(url, HTTP_AUTHORIZATION=basic).status_code in (401, 403)


def test_weak_passwords_are_refused_where_accounts_are_made(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        "/helpdesk/api/users/",
        {"username": "neu", "email": "neu@ulm.example", "password": "password123"},
    )
    assert response.status_code == 400
    assert "password" in response.json()


# --- Headers --------------------------------------------------------------------------------------
def test_every_page_forbids_inline_scripts_and_powerful_features(client, agent, ticket):
    client.force_login(agent)
    for url in ("/kontakt/", reverse("helpdesk:view", args=[ticket.id]), "/admin/", "/healthz"):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        script_src = next(p for p in policy.split(";") if p.strip().startswith("script-src "))
        assert "'unsafe-inline'" not in script_src
        assert "'nonce-" in script_src
        assert "script-src-attr 'none'" in policy
        assert "camera=()" in response["Permissions-Policy"]


def test_inline_scripts_carry_the_nonce_and_citizen_text_never_does(client, agent, ticket):
    """The nonce is written into templates, never into data: a citizen's <script> in a ticket is
    escaped, and every script element of the page carries this response's nonce."""
    from tests.support.html import soup

    ticket.description = '<script>alert(1)</script><script nonce="x">alert(2)</script>'
    ticket.save()
    client.force_login(agent)
    response = client.get(reverse("helpdesk:view", args=[ticket.id]))
    nonce = response["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    inline = [
        s
        for s in soup(response).find_all("script")
        if not s.get("src") and "json" not in s.get("type", "")  # JSON data blocks never run
    ]
    assert inline, "the host's ticket page has inline scripts"
    assert all(s.get("nonce") == nonce for s in inline)
    assert "alert(1)" not in "".join(s.text for s in inline)
