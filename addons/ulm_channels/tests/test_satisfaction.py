"""Citizen feedback (Zufriedenheit): the answer mail carries one link per level, the link opens
the rating page with that level chosen, only the POST records, once per request; bad links,
levels and comments are refused in German; the comment goes with retention; the figures for
the dashboard are anonymous."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.core.mail import EmailMessage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Queue, Ticket

from tests.support.html import form_fields, soup, visible_text
from tests.support.outbox import deliver_outbox
from ulm_channels import services
from ulm_channels.models import OutboundMail, SatisfactionRating
from ulm_channels.tests.web import fill_contact_form
from ulm_servicepoint.models import CaseRecord, RequestType
from ulm_servicepoint.services import apply_retention

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MAIL = (
    b"From: Maria Huber <maria.huber@example.org>\r\nTo: servicecenter@ulm.example\r\n"
    b"Subject: Wohngeld\r\nMessage-ID: <wohngeld-rating@example.org>\r\n"
    b"Content-Type: text/plain; charset=utf-8\r\n\r\nWie beantrage ich Wohngeld?\r\n"
)
LINK = re.compile(r"^(\d) – ([^:\n]+): (\S+)\r?$", re.MULTILINE)


def web_request(email: str = "eva@example.org", title: str = "Laterne defekt") -> Ticket:
    return services.submit_web_request(
        services.WebRequest(subject=title, message="Vor Haus 12.", email=email)
    )


def answered(ticket: Ticket) -> Ticket:
    Ticket.objects.filter(pk=ticket.pk).update(status=Ticket.RESOLVED_STATUS)
    ticket.refresh_from_db()
    return ticket


def rating_path(ticket: Ticket, level: int | None = None) -> str:
    path = reverse("ulm_channels:rating", args=[ticket.citizen_link.token])
    return f"{path}?stufe={level}" if level else path


def chosen_level(response) -> str | None:
    checked = soup(response).select_one("input[name=level][checked]")
    return checked["value"] if checked else None


def rate(client: Client, ticket: Ticket, level, comment: str = ""):
    page = client.get(rating_path(ticket))
    data = form_fields(page, "main form")
    data.update({"level": str(level), "comment": comment})
    return client.post(rating_path(ticket), data)


# --- The answer mail ------------------------------------------------------------------------
def test_answer_mail_links_open_the_rating_page_and_only_the_post_records(client, demo, smtp):
    # given a request by e-mail, answered through the outbox and sent to the real SMTP server
    ticket = Ticket.objects.get(pk=services.ingest_message(MAIL, "rating").ticket)
    interim = services.send_interim_notice(ticket, "Soziales")
    answer = services.send_answer(ticket, "Den Antrag stellen Sie beim Sozialamt.")
    deliver_outbox()
    sent = {m["Message-ID"]: m for m in smtp.to("maria.huber@example.org")}
    text = sent[answer.message_id].get_content()
    assert "Den Antrag stellen Sie beim Sozialamt." in text
    assert "Wie zufrieden sind Sie mit unserer Antwort?" in text
    links = {int(level): (label, url) for level, label, url in LINK.findall(text)}
    assert sorted(links) == [1, 2, 3, 4, 5]
    assert links[5][0] == "sehr zufrieden"
    assert links[1][0] == "sehr unzufrieden"
    # the other notices carry no rating links
    assert "stufe=" not in sent[interim.message_id].get_content()

    # when the citizen clicks "4 – zufrieden"
    page = client.get(urlsplit(links[4][1]).path + "?" + urlsplit(links[4][1]).query)

    # then the page has "zufrieden" chosen, one button, and nothing is recorded yet
    assert page.status_code == 200
    assert chosen_level(page) == "4"
    assert [b.get_text(strip=True) for b in soup(page).select("main form button")] == [
        "Bewertung senden"
    ]
    assert page["Cache-Control"] == "private, no-store"
    assert not SatisfactionRating.objects.exists()

    # when they send it with a comment
    data = form_fields(page, "main form")
    data["comment"] = "Schnelle Antwort, danke."
    response = client.post(urlsplit(links[4][1]).path, data)

    # then it is recorded once and they are thanked
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Vielen Dank für Ihre Bewertung" in visible_text(thanks)
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.level, rating.comment) == (4, "Schnelle Antwort, danke.")


def test_a_mail_of_kind_answer_from_another_addon_gets_the_links_too(demo):
    # ulm_routing sends its answer with Django's mail API and the documented headers
    ticket = web_request()
    EmailMessage(
        "Antwort",
        "Der Bauhof repariert die Laterne.",
        to=[ticket.submitter_email],
        headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "answer"},
    ).send()
    EmailMessage(
        "Frage",
        "Welche Hausnummer?",
        to=[ticket.submitter_email],
        headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "other"},
    ).send()
    answer = OutboundMail.objects.get(ticket=ticket, kind="answer")
    assert len(LINK.findall(answer.body)) == 5
    assert str(ticket.citizen_link.token) in answer.body
    assert "stufe=" not in OutboundMail.objects.get(ticket=ticket, kind="other").body
    # a copy of an answer to someone else (e.g. the department) carries no links
    EmailMessage(
        "Antwort",
        "Kopie",
        to=["kfz@ulm.example"],
        headers={"X-Ulm-Ticket": str(ticket.pk), "X-Ulm-Kind": "answer"},
    ).send()
    assert "stufe=" not in OutboundMail.objects.get(ticket=ticket, recipient="kfz@ulm.example").body


def test_the_agents_resolving_reply_on_the_ticket_page_asks_too(
    client, demo, agent, smtp, host_mail_templates
):
    # given a citizen's request the agent answers on the helpdesk's ticket page
    ticket = Ticket.objects.get(submitter_email="maria.mueller@example.org")
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    # a public comment that leaves the ticket open is no answer yet
    form.update(comment="Wir prüfen das.", public="1")
    client.post(reverse("helpdesk:update", args=[ticket.pk]), form)
    # the answer that resolves it
    form.update(
        comment="Samstags ist geschlossen.", public="1", new_status=str(Ticket.RESOLVED_STATUS)
    )
    client.post(reverse("helpdesk:update", args=[ticket.pk]), form)
    deliver_outbox()

    # then only the resolving reply carries the links, in its text and its HTML version
    mails = smtp.to("maria.mueller@example.org")
    asking = [m for m in mails if "stufe=" in m.get_body(("plain",)).get_content()]
    assert len(mails) == 2  # "Wir prüfen das." and the answer
    assert len(asking) == 1
    assert "Samstags ist geschlossen." in asking[0].get_body(("plain",)).get_content()
    html = asking[0].get_body(("html",)).get_content()
    assert "5 – sehr zufrieden</a>" in html
    assert reverse("ulm_channels:rating", args=[ticket.citizen_link.token]) in html
    assert OutboundMail.objects.get(ticket=ticket, asks_rating=True).kind == "notification"


def test_the_citizen_is_asked_in_the_first_answer_only(demo):
    ticket = web_request()
    first = services.send_answer(ticket, "Der Bauhof kommt morgen.")
    second = services.send_answer(ticket, "Nachtrag: erst übermorgen.")
    assert "stufe=" in first.body
    assert "stufe=" not in second.body
    # the form stays on the status page until the citizen rates
    assert services.may_rate(ticket)


def test_never_asked_twice(client, demo):
    # given a request that was rated already
    ticket = answered(web_request())
    assert rate(client, ticket, 5).status_code == 302

    # when another answer goes out, it has no rating links
    mail = services.send_answer(ticket, "Noch ein Hinweis.")
    assert "stufe=" not in mail.body

    # and the old links lead to "already rated"
    again = client.get(rating_path(ticket, 2))
    assert again.status_code == 200
    assert "Sie haben dieses Anliegen bereits bewertet." in visible_text(again)
    assert not soup(again).select("main form")

    # and the status page thanks instead of asking
    status = client.get(reverse("ulm_channels:status", args=[ticket.citizen_link.token]))
    assert "Vielen Dank für Ihre Bewertung" in visible_text(status)
    assert not soup(status).select("input[name=level]")


def test_a_second_submission_is_refused_kindly(client, demo):
    ticket = answered(web_request())
    page = client.get(rating_path(ticket, 2))
    data = form_fields(page, "main form")
    assert client.post(rating_path(ticket), data).status_code == 302
    # the same form sent again (a second tab, the back button)
    data["level"] = "5"
    second = client.post(rating_path(ticket), data)
    assert second.status_code == 409
    assert "Sie haben dieses Anliegen bereits bewertet." in visible_text(second)
    assert SatisfactionRating.objects.get(ticket=ticket).level == 2


# --- The status page ------------------------------------------------------------------------
def test_status_page_offers_the_rating_once_answered(client, demo):
    fill_contact_form(client, email="eva@example.org", subject="Laterne defekt", message="Nr. 12")
    ticket = Ticket.objects.get(title="Laterne defekt")
    status = reverse("ulm_channels:status", args=[ticket.citizen_link.token])
    # open, no answer yet: no rating form, and the rating page says why
    assert not soup(client.get(status)).select("input[name=level]")
    early = client.get(rating_path(ticket, 5))
    assert "sobald Sie eine Antwort erhalten haben" in visible_text(early)
    assert client.post(rating_path(ticket), {"level": "5"}).status_code == 409
    assert not SatisfactionRating.objects.exists()

    # resolved: the form is there, a radio group in a fieldset with a legend, labels in words
    answered(ticket)
    page = client.get(status)
    fieldset = soup(page).select_one("form.rating-form fieldset")
    assert "Wie zufrieden sind Sie" in fieldset.legend.get_text()
    labels = [label.get_text(" ", strip=True) for label in fieldset.select("label")]
    assert labels == [
        "5 – sehr zufrieden",
        "4 – zufrieden",
        "3 – teils, teils",
        "2 – unzufrieden",
        "1 – sehr unzufrieden",
    ]
    data = form_fields(page, "form.rating-form")
    data["level"] = "3"
    response = client.post(soup(page).select_one("form.rating-form")["action"], data)
    assert response.status_code == 302
    assert SatisfactionRating.objects.get(ticket=ticket).level == 3


# --- Bad input ------------------------------------------------------------------------------
def test_get_changes_nothing(client, demo):
    ticket = answered(web_request())
    for level in (1, 5):
        assert client.get(rating_path(ticket, level)).status_code == 200
    assert client.get(reverse("ulm_channels:rating_thanks", args=[ticket.citizen_link.token]))[
        "Location"
    ].endswith(rating_path(ticket))
    assert not SatisfactionRating.objects.exists()


def test_unknown_or_malformed_token_is_404_in_german(client, demo):
    for path in (
        reverse("ulm_channels:rating", args=[uuid.uuid4()]) + "?stufe=5",
        reverse("ulm_channels:rating_thanks", args=[uuid.uuid4()]),
        "/mein-anliegen/123/bewertung/?stufe=5",
    ):
        response = client.get(path)
        assert response.status_code == 404
        assert "Diese Seite gibt es nicht" in visible_text(response)
    response = client.post(reverse("ulm_channels:rating", args=[uuid.uuid4()]), {"level": "5"})
    assert response.status_code == 404


@pytest.mark.parametrize("level", ["0", "6", "-1", "abc", "", "99999999999999999999"])
def test_level_outside_one_to_five_is_400_in_german(client, demo, level):
    ticket = answered(web_request())
    response = rate(client, ticket, level)
    assert response.status_code == 400
    text = visible_text(response)
    assert (
        "Die Bewertung muss eine Zahl von 1 bis 5 sein." in text
        or "Bitte wählen Sie, wie zufrieden Sie sind." in text
    )
    if level:
        shown = client.get(rating_path(ticket) + f"?stufe={level}")
        assert shown.status_code == 400
        assert "Die Bewertung muss eine Zahl von 1 bis 5 sein." in visible_text(shown)
    assert not SatisfactionRating.objects.exists()


def test_comment_too_long_names_the_field(client, demo):
    ticket = answered(web_request())
    response = rate(client, ticket, 4, comment="x" * 2001)
    assert response.status_code == 400
    summary = soup(response).select_one(".error-summary").get_text(" ", strip=True)
    assert "Ihr Kommentar" in summary
    assert "höchstens 2000 Zeichen" in summary
    assert "2001" in summary
    # what was chosen and typed is kept
    assert chosen_level(response) == "4"
    assert soup(response).select_one("textarea[name=comment]").text.strip() == "x" * 2001
    assert not SatisfactionRating.objects.exists()
    assert rate(client, ticket, 4, comment="x" * 2000).status_code == 302


def test_rating_posts_are_rate_limited_per_address(demo, settings):
    settings.ULM_CHANNELS_RATING_RATE_LIMIT_PER_IP = 3
    tickets = [answered(web_request(f"b{i}@example.org", f"Anliegen {i}")) for i in range(4)]
    client = Client(REMOTE_ADDR="192.0.2.44")
    # three attempts (a bad one counts too) …
    assert rate(client, tickets[0], "9").status_code == 400
    assert rate(client, tickets[0], 1).status_code == 302
    assert rate(client, tickets[1], 2).status_code == 302
    # … then the address must wait
    refused = rate(client, tickets[2], 3)
    assert refused.status_code == 429
    assert "Zu viele Versuche" in visible_text(refused)
    assert not SatisfactionRating.objects.filter(ticket=tickets[2]).exists()
    # another address is not affected, nor is the contact form's limit
    assert rate(Client(REMOTE_ADDR="192.0.2.45"), tickets[3], 4).status_code == 302
    assert not services.over_rate_limit("new@example.org", "192.0.2.44")


# --- Staff and retention --------------------------------------------------------------------
def test_the_ticket_page_shows_the_rating_to_staff(client, demo, agent):
    ticket = answered(web_request())
    rate(Client(), ticket, 2, comment="Zu spät.")
    client.force_login(agent)
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    text = soup(page).select_one("#satisfaction-rating").get_text(" ", strip=True)
    assert "2 – unzufrieden" in text
    assert "Zu spät." in text


def test_the_admin_lists_ratings_read_only(client, demo, admin_user):
    ticket = answered(web_request())
    rate(Client(), ticket, 3, comment="Geht so.")
    client.force_login(admin_user)
    listing = client.get(reverse("admin:ulm_channels_satisfactionrating_changelist"))
    assert listing.status_code == 200
    assert "Geht so." in visible_text(listing)
    assert client.get(reverse("admin:ulm_channels_satisfactionrating_add")).status_code == 403
    rating = SatisfactionRating.objects.get(ticket=ticket)
    change = reverse("admin:ulm_channels_satisfactionrating_change", args=[rating.pk])
    client.post(change, {"level": "5", "comment": "geändert"})
    rating.refresh_from_db()
    assert (rating.level, rating.comment) == (3, "Geht so.")


def test_anonymisation_erases_the_comment_and_keeps_the_level(client, demo, settings):
    settings.ULM_SERVICEPOINT_RETENTION_MONTHS = 6
    ticket = answered(web_request())
    rate(client, ticket, 1, comment="Frau Müller war unfreundlich.")
    Ticket.objects.filter(pk=ticket.pk).update(
        status=Ticket.CLOSED_STATUS, modified=timezone.now() - timedelta(days=400)
    )
    assert apply_retention().tickets == 1
    rating = SatisfactionRating.objects.get(ticket=ticket)
    assert (rating.level, rating.comment) == (1, "(gelöscht)")  # no name, no words left
    today = timezone.localdate()
    figures = services.satisfaction_figures(today, today)
    assert (figures["count"], figures["comments"]) == (1, 1)  # the figures stay as they were


# --- The figures ----------------------------------------------------------------------------
def given_rating(ticket: Ticket, level: int, at: datetime, comment: str = "", **case) -> None:
    rating = SatisfactionRating.objects.create(ticket=ticket, level=level, comment=comment)
    SatisfactionRating.objects.filter(pk=rating.pk).update(created_at=at)
    if case:
        CaseRecord.objects.filter(ticket=ticket).update(**case)


def test_satisfaction_figures_on_known_data(demo):
    kfz = Queue.objects.get(slug="kfz-zulassung")
    waste = Queue.objects.get(slug="abfallwirtschaft")
    request_type = RequestType.objects.first()
    t = [web_request(f"f{i}@example.org", f"Anliegen {i}") for i in range(6)]
    # Europe/Berlin days: 23:30 on 31 March (local) is still March, 00:10 on 1 April is not
    given_rating(
        t[0], 5, datetime(2026, 3, 31, 23, 30, tzinfo=BERLIN), department=kfz, channel="email"
    )
    given_rating(
        t[1], 4, datetime(2026, 3, 1, 0, 5, tzinfo=BERLIN), "gut", department=kfz, channel="phone"
    )
    given_rating(
        t[2],
        1,
        datetime(2026, 3, 15, 12, 0, tzinfo=BERLIN),
        "schlecht",
        department=waste,
        channel="email",
        request_type=request_type,
    )
    given_rating(t[3], 2, datetime(2026, 4, 1, 0, 10, tzinfo=BERLIN), department=kfz)
    given_rating(t[4], 3, datetime(2026, 2, 28, 23, 59, tzinfo=BERLIN), department=kfz)

    march = services.satisfaction_figures(date(2026, 3, 1), date(2026, 3, 31))
    assert march == {
        "count": 3,
        "average": round((5 + 4 + 1) / 3, 2),
        "by_level": {"1": 1, "2": 0, "3": 0, "4": 1, "5": 1},
        "comments": 2,
    }
    assert services.satisfaction_figures(
        date(2026, 3, 1), date(2026, 3, 31), department_ids=[kfz.pk]
    ) == {
        "count": 2,
        "average": 4.5,
        "by_level": {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1},
        "comments": 1,
    }
    assert (
        services.satisfaction_figures(date(2026, 3, 1), date(2026, 3, 31), channel="email")["count"]
        == 2
    )
    by_type = services.satisfaction_figures(
        date(2026, 3, 1), date(2026, 3, 31), request_type_id=request_type.pk
    )
    assert (by_type["count"], by_type["average"]) == (1, 1.0)
    combined = services.satisfaction_figures(
        date(2026, 3, 1), date(2026, 3, 31), department_ids=[kfz.pk], channel="email"
    )
    assert (combined["count"], combined["by_level"]["5"]) == (1, 1)
    assert (
        services.satisfaction_figures(date(2026, 3, 1), date(2026, 3, 31), department_ids=[])[
            "count"
        ]
        == 0
    )
    # one day
    assert services.satisfaction_figures(date(2026, 4, 1), date(2026, 4, 1))["by_level"]["2"] == 1


def test_satisfaction_figures_of_an_empty_period_are_zeros(demo):
    assert services.satisfaction_figures(date(2020, 1, 1), date(2020, 1, 31)) == {
        "count": 0,
        "average": None,
        "by_level": {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0},
        "comments": 0,
    }
    with pytest.raises(ValueError, match="Ende des Zeitraums"):
        services.satisfaction_figures(date(2020, 2, 1), date(2020, 1, 1))
