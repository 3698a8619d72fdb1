"""Who gets a ticket in a department: its members (the department's own group, not the service
center's), without the absent — an absent member's turn goes to their substitute when the
substitute is there — by round robin or to the least loaded."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from helpdesk.models import Queue, Ticket

from ulm_routing.models import Absence, AssignmentCursor
from ulm_servicepoint.services import SERVICE_CENTER_GROUP, queue_permission

OPEN_STATES = (Ticket.OPEN_STATUS, Ticket.REOPENED_STATUS)


def department_members(queue: Queue) -> list[Any]:
    """Active staff in a group that grants the queue, other than the service center's group,
    ordered by user name (superusers only when they are in such a group)."""
    groups = Group.objects.filter(permissions=queue_permission(queue)).exclude(
        name=SERVICE_CENTER_GROUP
    )
    return list(
        get_user_model()
        .objects.filter(is_active=True, is_staff=True, groups__in=groups)
        .distinct()
        .order_by("username")
    )


def absences_at(user_ids: list[int], at: datetime) -> dict[int, Absence]:
    """The absence each of the users is in at ``at`` (one query)."""
    found: dict[int, Absence] = {}
    for absence in Absence.objects.filter(
        user_id__in=user_ids, starts_at__lte=at, ends_at__gt=at
    ).select_related("substitute"):
        found.setdefault(absence.user_id, absence)
    return found


def available(queue: Queue, at: datetime | None = None) -> list[Any]:
    """The members who can take work now, in member order: the absent are skipped, or stand
    in as their substitute when the substitute is active and not absent too."""
    at = at or timezone.now()
    members = department_members(queue)
    away = absences_at([m.pk for m in members], at)
    substitutes = [a.substitute for a in away.values() if a.substitute_id]
    away_too = absences_at([s.pk for s in substitutes if s is not None], at)
    chosen: list[Any] = []
    for member in members:
        person = member
        absence = away.get(member.pk)
        if absence is not None:
            person = absence.substitute
            if person is None or not person.is_active or person.pk in away_too:
                continue
        if all(person.pk != c.pk for c in chosen):
            chosen.append(person)
    return chosen


def open_load(users: list[Any]) -> dict[int, int]:
    """Open tickets assigned to each user (one query)."""
    counts = dict(
        Ticket.objects.filter(assigned_to__in=users, status__in=OPEN_STATES)
        .values_list("assigned_to")
        .annotate(n=Count("pk"))
        .values_list("assigned_to", "n")
    )
    return {u.pk: counts.get(u.pk, 0) for u in users}


@transaction.atomic
def pick_assignee(
    queue: Queue, strategy: str, at: datetime | None = None, advance: bool = True
) -> Any | None:
    """The member to assign a new ticket to (None: nobody available). Round robin moves the
    department's position on (locked, so two routings never pick the same turn) unless
    ``advance`` is False (the dry run)."""
    people = available(queue, at)
    if not people:
        return None
    if strategy == "least_loaded":
        load = open_load(people)
        return min(people, key=lambda p: (load[p.pk], p.username))
    cursor = AssignmentCursor.objects.select_for_update().filter(queue=queue).first()
    last = cursor.last_user if cursor else None
    chosen = people[0]
    if last is not None:
        later = [p for p in people if p.username > last.username]
        chosen = later[0] if later else people[0]
    if advance:
        AssignmentCursor.objects.update_or_create(queue=queue, defaults={"last_user": chosen})
    return chosen


def absent_now(user: Any, at: datetime | None = None) -> Absence | None:
    at = at or timezone.now()
    return (
        Absence.objects.filter(Q(user=user), starts_at__lte=at, ends_at__gt=at)
        .select_related("substitute")
        .first()
    )
