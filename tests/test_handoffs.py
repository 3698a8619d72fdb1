"""The tracked handoff across addons: the agent forwards (capture or ticket page), the
department answers, asks back, rejects or passes on; the citizen hears through the outbox,
and a citizen's reply reaches the handoff. Two clerks at once: one wins."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from helpdesk.models import FollowUp, Queue, Ticket

from tests.support.routing import SPERRMUELL, capture_sperrmuell
from ulm_channels.models import OutboundMail
from ulm_routing import services as routing
from ulm_routing.calendars import load_calendar
from ulm_routing.models import (
    AnswerMode,
    DepartmentSettings,
    Handoff,
    HandoffState,
    IntakeMode,
    IntakePolicy,
    Rule,
)
from ulm_servicepoint.models import RequestType
from ulm_servicepoint.models.case import Level
from ulm_servicepoint.services import CitizenData, Outcome, capture_request, reference_of

pytestmark = pytest.mark.django_db

capture = capture_sperrmuell


def mails(ticket, kind):
    return list(OutboundMail.objects.filter(ticket=ticket, kind=kind).order_by("pk"))


def test_capture_forward_opens_a_tracked_handoff(city, agent):
    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    ticket.refresh_from_db()
    # the department the rules chose, the rule recorded, the agent stays the owner
    assert handoff.department.slug == ticket.queue.slug == "abfallwirtschaft"
    assert handoff.rule.name == "Sperrmüll"
    assert handoff.owner == agent
    assert handoff.state == HandoffState.OPEN
    assert ticket.case_record.level == Level.SECOND
    # a pre-qualified summary with the typed values in German
    assert ["Elektrogeräte dabei", "Nein"] in handoff.values or any(
        "Sofa" in value for _label, value in handoff.values
    )
    assert "Sperrmüll-Abholung" in handoff.summary
    # feedback due in 24 open hours of the department's calendar
    calendar = load_calendar(queue=handoff.department)
    assert calendar.open_time_between(handoff.forwarded_at, handoff.due_at) == timedelta(hours=24)
    # the citizen's interim notice, with the stable reference in the subject
    [interim] = mails(ticket, "interim")
    assert f"[{reference_of(ticket)}]" in interim.subject
    assert "weitergeleitet" in interim.subject
    assert "Abfallwirtschaft" in interim.body


def test_override_needs_a_reason_and_is_recorded(city, agent):
    ticket = capture(agent)
    standesamt = Queue.objects.get(slug="standesamt")
    with pytest.raises(routing.HandoffInvalid) as refused:
        routing.forward(ticket, agent, standesamt, "")
    assert "Abfallwirtschaft" in str(refused.value)
    assert "Begründung" in str(refused.value)
    assert not Handoff.objects.filter(ticket=ticket).exists()
    handoff = routing.forward(ticket, agent, standesamt, "Bürger wünscht Beratung vor Ort")
    assert handoff.proposed_department.slug == "abfallwirtschaft"
    assert handoff.override_reason == "Bürger wünscht Beratung vor Ort"
    assert handoff.rule is None
    # forwarding twice is refused while the first is open
    with pytest.raises(routing.HandoffConflict):
        routing.forward(ticket, agent)


def test_department_answers_the_citizen_once(city, agent, berta, kfz_clerk):
    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    with pytest.raises(PermissionError):  # another department's clerk
        routing.answer(handoff, kfz_clerk, "Nicht meins")
    routing.answer(handoff, berta, "Die Abholung ist am 12.12. ab 7 Uhr.")
    handoff.refresh_from_db()
    ticket.refresh_from_db()
    assert handoff.state == HandoffState.ANSWERED
    assert handoff.feedback_at
    assert ticket.status == Ticket.RESOLVED_STATUS
    [answer] = mails(ticket, "answer")
    assert "ab 7 Uhr" in answer.body
    assert reference_of(ticket) in answer.subject
    # the agent who owns the case hears of it
    assert OutboundMail.objects.filter(ticket=ticket, recipients__contains=[agent.email]).exists()
    with pytest.raises(routing.HandoffConflict) as conflict:
        routing.answer(handoff, berta, "Noch einmal")
    assert "Beantwortet" in str(conflict.value)
    assert len(mails(ticket, "answer")) == 1


def test_retention_erases_the_handoffs_texts_and_keeps_their_times(city, agent, berta):
    """When retention anonymises a ticket, what its handoff says about the citizen goes too (the
    summary, question and answer, the events' texts); state and times stay for the figures."""
    from ulm_servicepoint.services import anonymise_ticket

    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    routing.answer(handoff, berta, "Die Abholung ist am 12.12. ab 7 Uhr bei Frau Muster.")
    handoff.refresh_from_db()
    assert "Frau Muster" in handoff.answer
    assert handoff.summary
    feedback_at = handoff.feedback_at
    anonymise_ticket(Ticket.objects.get(pk=ticket.pk))
    handoff.refresh_from_db()
    assert (handoff.summary, handoff.question, handoff.answer) == ("", "", "")
    assert not handoff.events.exclude(text="").exists()
    assert handoff.state == HandoffState.ANSWERED
    assert handoff.feedback_at == feedback_at


def test_answer_through_the_service_center(city, agent, berta):
    DepartmentSettings.objects.create(
        queue=Queue.objects.get(slug="abfallwirtschaft"), answer_mode=AnswerMode.VIA_FIRST_LEVEL
    )
    ticket = capture(agent, Outcome.FORWARD)
    handoff = routing.answer(Handoff.objects.get(ticket=ticket), berta, "Termin 12.12.")
    assert handoff.state == HandoffState.ANSWER_FOR_FIRST_LEVEL
    assert mails(ticket, "answer") == []
    with pytest.raises(PermissionError):
        routing.send_prepared_answer(handoff, berta, "x")
    routing.send_prepared_answer(handoff, agent, "Ihr Termin: 12.12., ab 7 Uhr.")
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.ANSWERED
    assert "ab 7 Uhr" in mails(ticket, "answer")[0].body


def test_question_to_the_citizen_pauses_until_the_reply(city, agent, berta):
    from ulm_channels.models import CitizenLink
    from ulm_channels.services import add_citizen_message

    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    due_before = handoff.due_at
    routing.ask(handoff, berta, "Wie viele Teile sind es genau?", "citizen")
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.ASKED_CITIZEN
    assert handoff.due_at is None
    assert "Wie viele Teile" in mails(ticket, "other")[0].body
    # the question is public: the citizen sees it on the status page
    assert FollowUp.objects.filter(ticket=ticket, public=True, comment__contains="Teile").exists()
    link = CitizenLink.objects.create(ticket=ticket)
    add_citizen_message(link, "Es sind drei Teile.")
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.OPEN
    assert handoff.due_at is not None
    assert handoff.due_at >= due_before
    assert handoff.events.filter(kind="citizen_replied", text__contains="drei Teile").exists()


def test_question_to_the_service_center(city, agent, berta):
    ticket = capture(agent, Outcome.FORWARD)
    handoff = routing.ask(Handoff.objects.get(ticket=ticket), berta, "Welche Etage?", "first_level")
    assert handoff.state == HandoffState.ASKED_FIRST_LEVEL
    assert mails(ticket, "other") == []  # nothing to the citizen
    routing.reply_to_question(handoff, agent, "3. OG, kein Aufzug")
    handoff.refresh_from_db()
    assert handoff.state == HandoffState.OPEN


def test_not_responsible_returns_to_the_first_level_and_flags_the_rule(city, agent, berta):
    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    with pytest.raises(routing.HandoffInvalid):
        routing.reject(handoff, berta, "   ")
    routing.reject(handoff, berta, "Gewerbeabfall, nicht Hausmüll")
    ticket.refresh_from_db()
    assert ticket.queue.slug == "servicecenter"
    assert ticket.case_record.level == Level.FIRST
    rule = Rule.objects.get(name="Sperrmüll")
    assert rule.needs_review
    assert "Gewerbeabfall" in rule.review_note


def test_pass_on_keeps_history_and_clock(city, agent, berta):
    ticket = capture(agent, Outcome.FORWARD)
    first = Handoff.objects.get(ticket=ticket)
    second = routing.pass_on(
        first, berta, Queue.objects.get(slug="ordnungsamt"), "Illegale Ablagerung"
    )
    first.refresh_from_db()
    ticket.refresh_from_db()
    assert first.state == HandoffState.PASSED_ON
    assert second.previous == first
    assert second.clock_started_at == first.clock_started_at
    assert second.owner == agent
    assert ticket.queue.slug == "ordnungsamt"
    assert len(mails(ticket, "interim")) == 1  # the citizen is told once


def test_host_queue_change_keeps_the_level_right(city, agent, client):
    from django.urls import reverse

    from tests.support.html import form_fields

    ticket = capture(agent)
    client.force_login(agent)
    kfz = Queue.objects.get(slug="kfz-zulassung")
    page = client.get(reverse("helpdesk:view", args=[ticket.pk]))
    form = form_fields(page, "form#ticket_update_form, form[action$='update/']")
    form.update(queue=str(kfz.pk), comment="An die Zulassung")
    form.pop("public", None)
    response = client.post(reverse("helpdesk:update", args=[ticket.pk]), form)
    assert response.status_code in (200, 302)
    ticket.refresh_from_db()
    assert ticket.queue == kfz
    assert ticket.case_record.level == Level.SECOND
    assert ticket.case_record.forwarded_at is not None


def test_intake_policy_forward_at_once(city, agent):
    IntakePolicy.objects.create(
        channel="web_form",
        request_type=RequestType.objects.get(slug="sperrmuell-abholung"),
        mode=IntakeMode.FORWARD,
    )
    web = capture_request(
        RequestType.objects.get(slug="sperrmuell-abholung"),
        SPERRMUELL,
        channel="web_form",
        audience="citizen",
        citizen=CitizenData(name="Web", email="web@example.org"),
        acknowledge=False,
    ).ticket
    phone = capture(agent)
    routing.route_at_intake(web)
    routing.route_at_intake(phone)
    assert Handoff.objects.get(ticket=web).department.slug == "abfallwirtschaft"
    assert not Handoff.objects.filter(ticket=phone).exists()  # 1st level first


def test_failing_rule_never_blocks_intake(city, agent):
    from ulm_routing.models import RoutingRecord, RuleSet

    rule_set = RuleSet.objects.create(name="Kaputt", position=0)
    Rule.objects.create(
        rule_set=rule_set,
        name="Zahl",
        conditions=[
            {"type": "request_type", "in": ["sperrmuell-abholung"]},
            {"type": "field", "field": "gegenstaende", "op": "greater", "value": 3},
        ],
        actions=[{"type": "forward", "department": "ordnungsamt"}],
    )
    routing.forget_compiled()
    IntakePolicy.objects.create(mode=IntakeMode.FORWARD)
    ticket = capture(agent)
    routing.route_at_intake(ticket)
    ticket.refresh_from_db()
    record = RoutingRecord.objects.filter(ticket=ticket).first()
    assert record is not None
    assert record.errors
    # the first-match set "Zuständigkeit" still decided; intake went on
    assert ticket.queue.slug in ("abfallwirtschaft", "servicecenter")


@pytest.mark.django_db(transaction=True)
def test_two_clerks_at_once_one_wins(transactional_db, django_user_model):
    from ulm_servicepoint import services as platform

    platform.load_demo_data()
    routing.forget_compiled()
    routing.load_demo_routing()
    agent = django_user_model.objects.get(username="anna.agentin")
    berta = django_user_model.objects.get(username="berta.abfall")
    ticket = capture(agent, Outcome.FORWARD)
    handoff = Handoff.objects.get(ticket=ticket)
    barrier = threading.Barrier(2)
    results: list[str] = []

    def act(text):
        try:
            barrier.wait(timeout=10)
            routing.answer(handoff.uuid and str(handoff.uuid), berta, text)
            results.append("won")
        except routing.HandoffConflict as conflict:
            results.append(str(conflict))
        finally:
            connection.close()

    threads = [threading.Thread(target=act, args=(t,)) for t in ("Antwort A", "Antwort B")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results)[0] != "won" or results.count("won") == 1
    assert results.count("won") == 1
    assert any("Nichts wurde geändert" in r for r in results)
    assert OutboundMail.objects.filter(ticket=ticket, kind="answer").count() == 1
    routing.forget_compiled()


def test_summary_says_what_the_citizen_was_told(city, demo_knowledge, agent):
    from ulm_knowledge.models import Service

    service = Service.objects.exclude(kbitem=None).select_related("kbitem").first()
    ticket = capture(agent, Outcome.FORWARD, kbitem=service.kbitem_id)
    handoff = Handoff.objects.get(ticket=ticket)
    assert f"„{service.kbitem.title}“, Version {service.version}" in handoff.told_citizen
