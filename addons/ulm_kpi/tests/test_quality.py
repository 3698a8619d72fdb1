"""Quality sampling as the lead and the agents meet it: the weekly drawing per agent (the job
and the command), the lead's review with its checklist, the agent's own reviews, who may see
what, and the figures per team the dashboard shows."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from helpdesk.models import Queue, Ticket

from tests.support.html import soup, visible_text
from ulm_kpi import quality
from ulm_kpi.models import QualityReview, QualitySample, QualityWeek, SampleKind
from ulm_servicepoint import services as platform
from ulm_servicepoint.models import CaseRecord, RequestType
from ulm_servicepoint.services import CitizenData, Outcome

LEAD_GROUP = "Servicecenter-Leitung"
ALL_YES = {
    "correct": "yes",
    "knowledge_item": "yes",
    "department": "na",
    "tone": "yes",
    "privacy": "yes",
}


@pytest.fixture
def week() -> date:
    """The week before this one: the one the Monday job draws."""
    return quality.previous_week()


def in_week(monday: date, day: int = 1, hour: int = 10) -> datetime:
    return datetime.combine(
        monday + timedelta(days=day), time(hour), tzinfo=timezone.get_current_timezone()
    )


def person(django_user_model, username, first, last, groups):
    user = django_user_model.objects.create_user(
        username=username, first_name=first, last_name=last, is_staff=True
    )
    user.groups.set(Group.objects.filter(name__in=groups))
    return user


@pytest.fixture
def lead(demo, django_user_model):
    """Servicecenter-Leitung: the service center's queues, and the lead's group."""
    return person(django_user_model, "lea.leitung", "Lea", "Leitner", ["Servicecenter", LEAD_GROUP])


@pytest.fixture
def colleague(demo, django_user_model):
    """A second Servicecenter-Agentin."""
    return person(django_user_model, "paul.platz", "Paul", "Platz", ["Servicecenter"])


def closed(agent, closed_at, *, forward=False, title="Frage zum Personalausweis", kbitem=None):
    """A request the agent captured and answered at first contact (or forwarded, and the
    department closed it), closed at ``closed_at``."""
    case = platform.capture_request(
        RequestType.objects.get(slug="personalausweis"),
        {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
        channel="phone",
        citizen=CitizenData(name="Maria Müller", email="maria.mueller@example.org"),
        captured_by=agent,
        outcome=Outcome.FORWARD if forward else Outcome.FIRST_CONTACT,
        answer="" if forward else "Termin online buchen; Foto mitbringen.",
        title=title,
        acknowledge=False,
        kbitem=kbitem,
    )
    if forward:
        ticket = Ticket.objects.get(pk=case.ticket_id)
        ticket.status = Ticket.CLOSED_STATUS
        ticket.save()
    CaseRecord.objects.filter(pk=case.pk).update(closed_at=closed_at)
    return Ticket.objects.get(pk=case.ticket_id)


def sampled(week_row: QualityWeek, agent) -> list[QualitySample]:
    return list(week_row.samples.filter(agent=agent))


# --- The drawing -------------------------------------------------------------------------------


def test_each_agent_gets_the_configured_number_of_samples(settings, agent, colleague, week):
    settings.ULM_KPI_QUALITY_SAMPLE_SIZE = 2
    for day in range(5):
        closed(agent, in_week(week, day))
    closed(colleague, in_week(week, 3))

    drawn, created = quality.draw_week(week, seed=1)

    assert created
    assert len(sampled(drawn, agent)) == 2
    assert len(sampled(drawn, colleague)) == 1  # fewer closed tickets than the sample size
    assert drawn.sample_size == 2
    assert {s.team for s in drawn.samples.all()} == {"Servicecenter"}


def test_first_contact_answers_and_forwards_are_both_in_each_sample(settings, agent, week):
    settings.ULM_KPI_QUALITY_SAMPLE_SIZE = 2
    answered = [closed(agent, in_week(week, day % 5)) for day in range(6)]
    forwarded = closed(agent, in_week(week, 4), forward=True)

    # whatever the chance: one of each, drawn from the agent's tickets of that week
    pool = [c for c in quality.candidates(week) if c.agent_id == agent.pk]
    assert len(pool) == 7
    for seed in range(30):
        chosen = quality.pick(pool, 2, quality.random.Random(seed))
        assert {c.kind for c in chosen} == {SampleKind.FIRST_CONTACT, SampleKind.FORWARD}
    drawn, _created = quality.draw_week(week, seed=7)
    kinds = {s.ticket_id: s.kind for s in sampled(drawn, agent)}
    assert kinds[forwarded.pk] == SampleKind.FORWARD
    assert set(kinds) - {forwarded.pk} <= {t.pk for t in answered}


def test_a_week_is_drawn_once_by_the_job_or_the_command(settings, agent, colleague, week):
    settings.ULM_KPI_QUALITY_SAMPLE_SIZE = 1
    for day in range(4):
        closed(agent, in_week(week, day))
    first, created = quality.draw_week(week)
    assert created
    before = list(first.samples.values_list("ticket_id", flat=True))

    # more closed tickets later, the command run by hand, the job on Monday: nothing changes
    closed(colleague, in_week(week, 2))
    label = quality.week_label(week)
    out = _command("--week", label)
    assert f"Woche {label} wurde bereits gezogen (1 Stichproben)" in out
    from ulm_kpi.jobs import quality_sample

    quality_sample(timestamp=0)
    assert QualityWeek.objects.count() == 1
    assert list(QualitySample.objects.values_list("ticket_id", flat=True)) == before


def test_the_command_draws_last_week_and_refuses_bad_weeks_in_german(agent, week):
    closed(agent, in_week(week, 2))
    out = _command()
    assert f"Woche {quality.week_label(week)} gezogen: 1 Stichproben." in out
    with pytest.raises(CommandError, match="Bitte geben Sie die Woche als JJJJ-Www an"):
        _command("--week", "letzte Woche")
    with pytest.raises(CommandError, match="Die Woche 2026-W54 gibt es nicht"):
        _command("--week", "2026-W54")
    this_week = quality.week_label(quality.today())
    with pytest.raises(CommandError, match="ist noch nicht vorbei"):
        _command("--week", this_week)


def test_only_tickets_closed_in_that_week_and_closed_still_are_drawn(agent, week):
    inside = closed(agent, in_week(week, 6, 23))  # Sunday night, Berlin time
    closed(agent, in_week(week, -1, 23))  # the Sunday before
    closed(agent, in_week(week, 7, 0))  # Monday 00:00 of this week
    reopened = closed(agent, in_week(week, 2))
    reopened.status = Ticket.REOPENED_STATUS
    reopened.save()
    platform.capture_request(  # open: never closed
        RequestType.objects.get(slug="personalausweis"),
        {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
        channel="phone",
        captured_by=agent,
        acknowledge=False,
    )

    drawn, _created = quality.draw_week(week, size=10)

    assert [s.ticket_id for s in drawn.samples.all()] == [inside.pk]


def test_the_agent_of_a_mail_ticket_is_its_assignee(agent, kfz_clerk, week):
    ticket = Ticket.objects.create(
        title="Frage per E-Mail", queue=Queue.objects.get(slug="kfz-zulassung"), status=1
    )
    ticket.assigned_to = kfz_clerk
    ticket.status = Ticket.CLOSED_STATUS
    ticket.save()
    CaseRecord.objects.filter(ticket=ticket).update(closed_at=in_week(week, 1))

    drawn, _created = quality.draw_week(week)

    sample = drawn.samples.get()
    assert (sample.agent, sample.team, sample.team_queue.slug) == (
        kfz_clerk,
        "Kfz-Zulassung",
        "kfz-zulassung",
    )


def test_the_drawing_is_a_monday_job_of_the_worker():
    from procrastinate.contrib.django import app

    periodic = [
        p
        for p in app.periodic_registry.periodic_tasks.values()
        if p.task.name == "ulm_kpi.quality_sample"
    ]
    assert [p.cron for p in periodic] == ["30 4 * * 1"]


# --- The lead's review -------------------------------------------------------------------------


def drawn_sample(agent, week, **kw) -> QualitySample:
    ticket = closed(agent, in_week(week, 1), **kw)
    drawn, _created = quality.draw_week(week)
    return drawn.samples.get(ticket=ticket)


def test_the_lead_sees_the_open_samples_of_the_week(client, lead, agent, colleague, week):
    closed(agent, in_week(week, 1), title="Personalausweis verloren")
    closed(colleague, in_week(week, 2), forward=True, title="Sperrmüll anmelden")
    quality.draw_week(week)
    client.force_login(lead)

    response = client.get("/helpdesk/qualitaet/")

    assert response.status_code == 200
    text = visible_text(response)
    assert f"Woche {quality.week_label(week)}" in text
    rows = soup(response).select("tr.stichprobe")
    assert len(rows) == 2
    assert "Personalausweis verloren" in text
    assert "Anna Agentin" in text
    assert "An eine Fachabteilung weitergeleitet" in text
    assert "Paul Platz" in text
    # in the helpdesk's layout, with the staff sidebar
    assert soup(response).select_one("nav ul.sidebar") is not None
    # another week by its name; a badly written one is refused in German
    assert client.get(f"/helpdesk/qualitaet/?woche={quality.week_label(week)}").status_code == 200
    bad = client.get("/helpdesk/qualitaet/?woche=gestern")
    assert bad.status_code == 400
    assert "Bitte geben Sie die Woche als JJJJ-Www an" in visible_text(bad)


def test_the_overview_costs_the_same_few_queries_for_more_samples(
    client, settings, lead, agent, colleague, week
):
    settings.ULM_KPI_QUALITY_SAMPLE_SIZE = 10
    closed(agent, in_week(week, 1))
    drawn, _created = quality.draw_week(week)
    client.force_login(lead)
    client.get("/helpdesk/qualitaet/")  # caches warmed
    with CaptureQueriesContext(connection) as few:
        client.get("/helpdesk/qualitaet/")
    for day in range(6):
        ticket = closed(colleague if day % 2 else agent, in_week(week, day))
        QualitySample.objects.create(
            week=drawn, ticket=ticket, agent=colleague, team="Servicecenter", kind="other"
        )
    quality.save_review(lead, drawn.samples.first().pk, ALL_YES)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/helpdesk/qualitaet/")
    assert len(soup(response).select("tr.stichprobe")) == 6
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_lead_group_may_see_the_figures_and_review(demo):
    group = Group.objects.get(name=LEAD_GROUP)
    assert set(group.permissions.values_list("codename", flat=True)) >= {
        "view_kpis",
        "review_quality",
    }


def test_the_review_saves_every_criterion_and_shows_what_was_told(client, lead, agent, week):
    sample = drawn_sample(agent, week)
    client.force_login(lead)
    url = reverse("ulm_kpi:quality_review", args=[sample.pk])

    page = client.get(url)
    assert page.status_code == 200
    assert "Frage zum Personalausweis" in visible_text(page)
    assert "Termin online buchen" in visible_text(page)  # the answer given
    assert not QualityReview.objects.exists()  # a GET saves nothing

    response = client.post(
        url,
        {
            "correct": "partly",
            "knowledge_item": "no",
            "department": "na",
            "tone": "yes",
            "privacy": "yes",
            "note": "  Gebühr fehlte.  ",
        },
    )

    assert response.status_code == 302
    review = QualityReview.objects.get(sample=sample)
    assert (
        review.correct,
        review.knowledge_item,
        review.department,
        review.tone,
        review.privacy,
        review.note,
        review.reviewer,
    ) == ("partly", "no", "na", "yes", "yes", "Gebühr fehlte.", lead)
    # the week's page now lists it as reviewed
    assert "Jede Stichprobe dieser Woche ist geprüft" in visible_text(client.get(response.url))


def test_the_review_shows_the_knowledge_item_and_version_given(
    client, lead, agent, week, demo_knowledge
):
    service = demo_knowledge.published_services().exclude(kbitem=None).first()
    sample = drawn_sample(agent, week, kbitem=service.kbitem)
    client.force_login(lead)

    page = client.get(reverse("ulm_kpi:quality_review", args=[sample.pk]))

    given = soup(page).select_one("#wissen").get_text(" ", strip=True)
    assert given == f"„{service.kbitem.title}“, Version {service.version}"


def test_a_half_done_review_is_not_saved(client, lead, agent, week):
    sample = drawn_sample(agent, week)
    client.force_login(lead)
    url = reverse("ulm_kpi:quality_review", args=[sample.pk])

    half = client.post(url, {"correct": "yes", "tone": "yes"})
    assert half.status_code == 400
    assert "Bitte beantworten Sie jede Frage der Checkliste" in visible_text(half)
    assert "Richtige Fachabteilung" in visible_text(half)
    bad = client.post(url, {**ALL_YES, "tone": "perfekt", "note": "x" * 2001})
    assert bad.status_code == 400
    assert "keine gültige Auswahl" in visible_text(bad)
    # "not applicable" is no answer to whether the information was correct
    assert client.post(url, {**ALL_YES, "correct": "na"}).status_code == 400
    assert not QualityReview.objects.exists()
    assert client.get(url.replace(str(sample.pk), "999999")).status_code == 404


def test_clerks_and_agents_may_not_open_the_lead_pages(client, kfz_clerk, agent, week):
    sample = drawn_sample(agent, week)
    for user in (kfz_clerk, agent):
        client.force_login(user)
        for url in ("/helpdesk/qualitaet/", f"/helpdesk/qualitaet/{sample.pk}/"):
            response = client.get(url)
            assert response.status_code == 403
            assert "Sie dürfen diese Seite nicht öffnen" in visible_text(response)
        assert client.post(f"/helpdesk/qualitaet/{sample.pk}/", ALL_YES).status_code == 403
    assert not QualityReview.objects.exists()
    client.logout()
    assert client.get("/helpdesk/qualitaet/meine/").status_code == 302  # to the login


def test_the_lead_sees_no_content_of_a_ticket_they_may_not_open(
    client, django_user_model, kfz_clerk, week
):
    # a lead of the Kfz-Zulassung's quality, without access to its tickets
    outsider = person(django_user_model, "otto.aussen", "Otto", "Außen", [LEAD_GROUP])
    ticket = Ticket.objects.create(
        title="Kennzeichen UL-AB 123", queue=Queue.objects.get(slug="kfz-zulassung"), status=1
    )
    ticket.assigned_to, ticket.status = kfz_clerk, Ticket.CLOSED_STATUS
    ticket.save()
    CaseRecord.objects.filter(ticket=ticket).update(closed_at=in_week(week, 1))
    drawn, _created = quality.draw_week(week)
    sample = drawn.samples.get()
    client.force_login(outsider)

    overview = client.get("/helpdesk/qualitaet/")
    review = client.get(f"/helpdesk/qualitaet/{sample.pk}/")

    for response in (overview, review):
        assert response.status_code == 200
        assert "UL-AB 123" not in response.content.decode()
        assert reverse("helpdesk:view", args=[ticket.pk]) not in response.content.decode()
    assert "Sie dürfen dieses Ticket nicht öffnen" in visible_text(review)


# --- The agent's own reviews -------------------------------------------------------------------


def test_the_agent_sees_only_their_own_reviews(client, lead, agent, colleague, week):
    mine = drawn_sample(agent, week, title="Ausweis für Anna")
    other = QualitySample.objects.create(
        week=mine.week,
        ticket=closed(colleague, in_week(week, 2), title="Ausweis für Paul"),
        agent=colleague,
        team="Servicecenter",
        kind=SampleKind.FIRST_CONTACT,
    )
    quality.save_review(lead, mine.pk, {**ALL_YES, "tone": "partly", "note": "Freundlich, knapp."})
    quality.save_review(lead, other.pk, {**ALL_YES, "note": "Notiz zu Paul"})
    client.force_login(agent)

    response = client.get("/helpdesk/qualitaet/meine/")

    assert response.status_code == 200
    text = visible_text(response)
    assert "Ausweis für Anna" in text
    assert "Freundlich, knapp." in text
    assert "teilweise" in text
    assert "Ausweis für Paul" not in text
    assert "Notiz zu Paul" not in text
    assert len(soup(response).select("section.pruefung")) == 1
    client.force_login(colleague)
    assert "Freundlich, knapp." not in visible_text(client.get("/helpdesk/qualitaet/meine/"))


# --- Figures for the dashboard -----------------------------------------------------------------


def test_quality_figures_per_team_on_known_data(lead, agent, colleague, kfz_clerk, week):
    ticket_ids = [closed(agent, in_week(week, d)).pk for d in range(3)]
    ticket_ids.append(closed(colleague, in_week(week, 4)).pk)
    mail = Ticket.objects.create(
        title="Frage per E-Mail", queue=Queue.objects.get(slug="kfz-zulassung"), status=1
    )
    mail.assigned_to, mail.status = kfz_clerk, Ticket.CLOSED_STATUS
    mail.save()
    CaseRecord.objects.filter(ticket=mail).update(closed_at=in_week(week, 1))
    drawn, _created = quality.draw_week(week, size=5)
    samples = {s.ticket_id: s for s in drawn.samples.all()}
    answers = [
        {**ALL_YES},
        {**ALL_YES, "correct": "partly", "knowledge_item": "na"},
        {**ALL_YES, "tone": "no", "knowledge_item": "no"},
        {**ALL_YES, "privacy": "no"},
    ]
    for ticket_id, answer in zip(ticket_ids, answers, strict=True):
        quality.save_review(lead, samples[ticket_id].pk, answer)
    quality.save_review(lead, samples[mail.pk].pk, {**ALL_YES, "department": "yes"})
    today = quality.today()

    figures = quality.quality_figures(today - timedelta(days=1), today)

    assert figures == {
        "reviews": 5,
        "by_team": [
            {
                "team": "Kfz-Zulassung",
                "reviews": 1,
                "criteria": {
                    "correct": 1.0,
                    "knowledge_item": 1.0,
                    "department": 1.0,
                    "tone": 1.0,
                    "privacy": 1.0,
                },
            },
            {
                "team": "Servicecenter",
                "reviews": 4,
                "criteria": {
                    "correct": 0.75,
                    "knowledge_item": 2 / 3,  # one "not applicable" left out
                    "department": None,  # nothing forwarded: never applied
                    "tone": 0.75,
                    "privacy": 0.75,
                },
            },
        ],
    }
    kfz = Queue.objects.get(slug="kfz-zulassung")
    assert quality.quality_figures(today, today, [kfz.pk])["reviews"] == 1
    assert quality.quality_figures(today, today, [])["reviews"] == 0


def test_an_empty_period_has_no_reviews_and_no_shares(lead, agent, week):
    quality.save_review(lead, drawn_sample(agent, week).pk, ALL_YES)
    long_ago = date(2020, 1, 1)

    assert quality.quality_figures(long_ago, long_ago + timedelta(days=30)) == {
        "reviews": 0,
        "by_team": [],
    }
    with pytest.raises(ValueError, match="since"):
        quality.quality_figures(date(2026, 2, 1), date(2026, 1, 1))


def _command(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("quality_sample", *args, stdout=out)
    return out.getvalue()
