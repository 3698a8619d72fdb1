"""Escalation of overdue handoffs and callbacks: the clerk, then the department's heads, then
the service-center lead, each step once and recorded; mail to staff through the outbox; the
citizen only when the department says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone
from helpdesk.models import Queue

from tests.support.routing import capture_sperrmuell
from ulm_channels.models import OutboundMail
from ulm_routing import services as routing
from ulm_routing.models import Absence, DepartmentSettings, Escalation, Handoff
from ulm_servicepoint.services import Outcome

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(city, agent, django_user_model):
    waste = Queue.objects.get(slug="abfallwirtschaft")
    head = django_user_model.objects.create_user(
        "hans.chef", email="hans.chef@ulm.example", is_staff=True
    )
    lead = django_user_model.objects.create_user(
        "lena.test", email="lena.test@ulm.example", is_staff=True
    )
    Group.objects.get_or_create(name="Servicecenter-Leitung")[0].user_set.add(lead)
    settings_row, _new = DepartmentSettings.objects.get_or_create(queue=waste)
    settings_row.heads.set([head])
    ticket = capture_sperrmuell(agent, Outcome.FORWARD)
    return {"ticket": ticket, "head": head, "lead": lead, "waste": waste}


def staff_mails(ticket):
    return list(OutboundMail.objects.filter(ticket=ticket, kind="escalation").order_by("pk"))


def test_three_steps_each_once(setup, django_user_model):
    ticket = setup["ticket"]
    handoff = Handoff.objects.get(ticket=ticket)
    now = timezone.now()
    # not yet due: nothing happens
    assert routing.escalate_overdue(now) == {"handoffs": 0, "callbacks": 0}
    # due a working week ago: all three steps are due at once
    Handoff.objects.filter(pk=handoff.pk).update(due_at=now - timedelta(days=7))
    assert routing.escalate_overdue(now)["handoffs"] == 3
    steps = {e.step: e.recipients for e in Escalation.objects.filter(handoff=handoff)}
    assert steps[1] == ["berta.abfall"]  # no assignee yet: the department's members
    assert steps[2] == ["hans.chef"]
    assert steps[3] == ["lena.test"]
    mails = staff_mails(ticket)
    assert [m.recipients for m in mails] == [
        ["berta.abfall@ulm.example"],
        ["hans.chef@ulm.example"],
        ["lena.test@ulm.example"],
    ]
    assert "überfällig" in mails[0].subject
    # the citizen hears nothing, and nothing is sent twice
    assert not OutboundMail.objects.filter(ticket=ticket, to_citizen=True, kind="escalation")
    assert routing.escalate_overdue(now + timedelta(hours=1))["handoffs"] == 0
    assert len(staff_mails(ticket)) == 3
    handoff.refresh_from_db()
    assert handoff.escalation_step == 3


def test_steps_follow_open_hours_and_substitutes(setup, django_user_model):
    ticket = setup["ticket"]
    handoff = Handoff.objects.get(ticket=ticket)
    berta = django_user_model.objects.get(username="berta.abfall")
    routing.take(handoff, berta)
    stand_in = django_user_model.objects.create_user(
        "vera.vertretung", email="vera@ulm.example", is_staff=True
    )
    now = timezone.now()
    Absence.objects.create(
        user=berta,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
        substitute=stand_in,
    )
    calendar = routing.load_calendar(queue=setup["waste"])
    # due one open hour ago: only step 1 (step 2 waits for four open hours)
    due = calendar.add_open_time(now, timedelta(hours=-0)) - timedelta(seconds=1)
    Handoff.objects.filter(pk=handoff.pk).update(due_at=due)
    assert routing.escalate_overdue(now)["handoffs"] == 1
    assert Escalation.objects.get(handoff=handoff).recipients == ["vera.vertretung"]


def test_citizen_told_only_when_configured(setup):
    ticket = setup["ticket"]
    DepartmentSettings.objects.filter(queue=setup["waste"]).update(
        notify_citizen_on_escalation=True
    )
    Handoff.objects.filter(ticket=ticket).update(due_at=timezone.now() - timedelta(days=7))
    routing.escalate_overdue()
    [mail] = OutboundMail.objects.filter(ticket=ticket, to_citizen=True, kind="escalation")
    assert "länger" in mail.subject


def test_overdue_callback_escalates_to_the_person(setup, agent, django_user_model):
    berta = django_user_model.objects.get(username="berta.abfall")
    now = timezone.now()
    callback = routing.record_callback(
        caller_name="Frau Berger",
        phone="0731 1610",
        subject="Termin",
        department=setup["waste"],
        person=berta,
        window_start=now,
        window_end=now + timedelta(minutes=30),
        by=agent,
    )
    assert routing.escalate_overdue(now)["callbacks"] == 0
    later = now + timedelta(days=7)
    assert routing.escalate_overdue(later)["callbacks"] == 3
    assert Escalation.objects.get(callback=callback, step=1).recipients == ["berta.abfall"]


def test_escalation_is_a_periodic_worker_job():
    from procrastinate.contrib.django import app

    assert "ulm_routing.escalate" in app.tasks
    assert any(
        p.task.name == "ulm_routing.escalate" for p in app.periodic_registry.periodic_tasks.values()
    )
