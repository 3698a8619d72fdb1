"""Assignment in a department: round robin and least loaded; absent members are skipped or
replaced by their substitute."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone
from helpdesk.models import Queue, Ticket

from ulm_routing import services
from ulm_routing.models import Absence
from ulm_routing.tests.factories import AbsenceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def kfz(demo, django_user_model):
    """The Kfz-Zulassung department with three clerks (karl.kfz and two more)."""
    group = Group.objects.get(name="Kfz-Zulassung")
    for username in ("kim.kfz", "kurt.kfz"):
        user = django_user_model.objects.create_user(username=username, is_staff=True)
        user.groups.add(group)
    return Queue.objects.get(slug="kfz-zulassung")


def names(users):
    return [u.username for u in users]


def test_members_are_the_department_not_the_service_center(kfz):
    assert names(services.department_members(kfz)) == ["karl.kfz", "kim.kfz", "kurt.kfz"]


def test_round_robin_takes_turns_and_skips_the_absent(kfz, django_user_model):
    picks = [services.pick_assignee(kfz, "round_robin").username for _ in range(4)]
    assert picks == ["karl.kfz", "kim.kfz", "kurt.kfz", "karl.kfz"]
    AbsenceFactory(user=django_user_model.objects.get(username="kim.kfz"))
    picks = [services.pick_assignee(kfz, "round_robin").username for _ in range(3)]
    assert picks == ["kurt.kfz", "karl.kfz", "kurt.kfz"]


def test_dry_run_pick_does_not_move_the_round_robin(kfz):
    assert services.pick_assignee(kfz, "round_robin", advance=False).username == "karl.kfz"
    assert services.pick_assignee(kfz, "round_robin").username == "karl.kfz"


def test_least_loaded_counts_open_tickets(kfz, django_user_model):
    karl = django_user_model.objects.get(username="karl.kfz")
    kim = django_user_model.objects.get(username="kim.kfz")
    for owner in (karl, karl, kim):
        Ticket.objects.create(title="Offen", queue=kfz, assigned_to=owner)
    Ticket.objects.create(
        title="Zu",
        queue=kfz,
        assigned_to=django_user_model.objects.get(username="kurt.kfz"),
        status=Ticket.CLOSED_STATUS,
    )
    assert services.pick_assignee(kfz, "least_loaded").username == "kurt.kfz"


def test_absent_member_is_replaced_by_the_substitute(kfz, django_user_model, agent):
    karl = django_user_model.objects.get(username="karl.kfz")
    AbsenceFactory(user=karl, substitute=agent)
    assert names(services.available(kfz)) == ["anna.agentin", "kim.kfz", "kurt.kfz"]
    # a substitute who is away too does not count; nor does an absence that is over
    AbsenceFactory(user=agent)
    assert names(services.available(kfz)) == ["kim.kfz", "kurt.kfz"]
    later = timezone.now() + timedelta(days=3)
    assert names(services.available(kfz, later)) == ["karl.kfz", "kim.kfz", "kurt.kfz"]


def test_absence_refuses_itself_as_substitute(kfz, django_user_model):
    karl = django_user_model.objects.get(username="karl.kfz")
    absence = Absence(
        user=karl,
        substitute=karl,
        starts_at=timezone.now(),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    with pytest.raises(ValidationError) as raised:
        absence.full_clean()
    assert raised.value.message_dict == {
        "ends_at": ["Die Abwesenheit muss nach ihrem Beginn enden."],
        "substitute": ["Niemand kann sich selbst vertreten."],
    }


def test_rule_assigns_in_the_department_it_forwards_to(routing, capture, kfz, django_user_model):
    AbsenceFactory(user=django_user_model.objects.get(username="karl.kfz"))
    ticket = capture("kfz-zulassung", {"vorgang": "Umschreibung"}, channel="counter")
    routing.route_ticket(ticket)
    ticket.refresh_from_db()
    assert (ticket.queue.slug, ticket.assigned_to.username) == ("kfz-zulassung", "kim.kfz")
