"""The key figures' edge cases, made with the product's own verbs: a ticket forwarded twice
(passed on between departments), a reopened ticket, a handoff whose due time lies behind public
holidays, calls abandoned before 30 s (the phone page and the dashboard agree)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from helpdesk.models import Queue, Ticket
from helpdesk.update_ticket import update_ticket

from tests.support.routing import capture_sperrmuell
from ulm_channels.services import reachability
from ulm_kpi import services as kpi
from ulm_kpi.tests import data
from ulm_routing import services as routing
from ulm_routing.models import Handoff
from ulm_servicepoint.models import CaseRecord


def today_period() -> kpi.Period:
    today = timezone.localdate()
    return kpi.Period(today - timedelta(days=1), today)


@pytest.fixture
def clerks(city, django_user_model):
    return {
        "abfall": django_user_model.objects.get(username="berta.abfall"),
        "kfz": django_user_model.objects.get(username="karl.kfz"),
    }


def test_a_ticket_forwarded_twice_counts_two_handoffs_and_no_first_contact(city, agent, clerks):
    ticket = capture_sperrmuell(agent)
    first = routing.forward(ticket, agent)
    assert first.department.slug == "abfallwirtschaft"
    second = routing.pass_on(
        first, clerks["abfall"], Queue.objects.get(slug="kfz-zulassung"), "Falsche Stelle"
    )
    routing.answer(second, clerks["kfz"], "Erledigt, die Abholung ist bestellt.")
    kpi.refresh()
    scope = kpi.Scope(request_type=CaseRecord.objects.get(ticket=ticket).request_type)
    figures = kpi.compute(today_period(), scope)
    handoffs = figures["handoffs"]
    assert handoffs["total"] == 2
    by_department = {d["slug"]: d for d in handoffs["by_department"]}
    # the department that passed it on gave no feedback to the citizen: neither on time nor
    # late; the one that answered did, within the clock that started at the first forward
    assert (
        by_department["abfallwirtschaft"]["on_time"],
        by_department["abfallwirtschaft"]["late"],
    ) == (0, 0)
    assert by_department["kfz-zulassung"]["on_time"] == 1
    assert handoffs["on_time_rate"] == 1.0
    assert figures["first_contact_resolution"]["resolved"] == 0
    assert figures["contacts"]["total"] == 1


def test_a_reopened_ticket_counts_its_last_closing(demo, agent):
    center = data.queue("kpi-center", "KPI-Servicecenter")
    case = data.case("2026-03-02 09:00", center, "email")
    ticket = case.ticket
    update_ticket(agent, ticket, comment="Erledigt.", public=True, new_status=Ticket.CLOSED_STATUS)
    period = kpi.Period(date(2026, 3, 2), date(2026, 3, 2))
    kpi.refresh()
    assert kpi.compute(period)["resolution"]["count"] == 1
    ticket.refresh_from_db()
    update_ticket(agent, ticket, comment="Doch noch offen.", new_status=Ticket.REOPENED_STATUS)
    kpi.refresh()
    reopened = kpi.compute(period, kpi.Scope(department=center))
    assert reopened["resolution"]["count"] == 0  # not resolved while reopened
    assert reopened["backlog"]["total"] == 1
    ticket.refresh_from_db()
    update_ticket(agent, ticket, comment="Jetzt erledigt.", new_status=Ticket.CLOSED_STATUS)
    case.refresh_from_db()
    kpi.refresh()
    closed_again = kpi.compute(period)
    assert closed_again["resolution"]["count"] == 1
    # from 2 March to now: far beyond the first closing's minutes, in the last bucket
    assert closed_again["resolution"]["median_minutes"] == kpi.BOUNDS[-1]
    assert case.closed_at > timezone.now() - timedelta(minutes=5)


def test_a_handoff_due_behind_public_holidays_counts_service_hours(city, agent, clerks):
    ticket = capture_sperrmuell(agent)
    handoff = routing.forward(ticket, agent)
    # forwarded on Wednesday 23 December 2026 at 15:00; 25 and 26 December are holidays
    started = data.at("2026-12-23 15:00")
    Handoff.objects.filter(pk=handoff.pk).update(forwarded_at=started, clock_started_at=started)
    handoff.refresh_from_db()
    due = routing.feedback_due(handoff)
    local = timezone.localtime(due)
    assert local.date() not in (date(2026, 12, 25), date(2026, 12, 26), date(2026, 12, 27))
    assert due - started > timedelta(days=3)  # the holidays and the weekend are not counted
    # the department answers an hour before the due time: days after a naive 24-hour promise
    Handoff.objects.filter(pk=handoff.pk).update(
        due_at=due, feedback_at=due - timedelta(hours=1), state="answered"
    )
    kpi.refresh(date(2026, 12, 1))
    figures = kpi.compute(kpi.Period(date(2026, 12, 23), date(2026, 12, 23)))
    handoffs = figures["handoffs"]
    assert (handoffs["total"], handoffs["on_time"], handoffs["late"]) == (1, 1, 0)
    assert handoffs["on_time_rate"] == 1.0


def test_calls_abandoned_before_30_seconds_count_as_not_reached(demo):
    data.call("a1", "2026-03-02 09:00", 10, 120)  # answered in time
    data.call("a2", "2026-03-02 09:01", None, 5)  # gave up after 5 s
    data.call("a3", "2026-03-02 09:02", None, 29)  # gave up after 29 s
    data.call("a4", "2026-03-02 09:03", 31, 200)  # answered, too late
    kpi.refresh()
    figures = kpi.compute(kpi.Period(date(2026, 3, 2), date(2026, 3, 2)))
    phone_page = reachability(data.at("2026-03-02 00:00"), data.at("2026-03-03 00:00"))
    assert figures["reachability"]["calls"] == phone_page.calls == 4
    assert figures["reachability"]["answered_in_time"] == phone_page.answered_in_time == 1
    assert figures["reachability"]["rate"] == phone_page.share == 0.25
