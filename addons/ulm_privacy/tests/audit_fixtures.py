"""Fixtures of the audit log's tests (imported by its test modules; the addon's conftest is
left to the other parts of ulm_privacy)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from helpdesk.models import Ticket

from ulm_privacy.models import AuditEvent


@pytest.fixture
def dpo(demo, django_user_model):
    """The data-protection officer: reads the audit log, edits no ticket."""
    user = django_user_model.objects.create_user("dora.datenschutz", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_audit_log"))
    return user


@pytest.fixture
def kfz_ticket(demo):
    return Ticket.objects.get(title__startswith="Wunschkennzeichen")


@pytest.fixture
def waste_ticket(demo):
    return Ticket.objects.get(title="Gelbe Tonne nicht geleert")


def events(**filters) -> list[tuple[str, str, str, str]]:
    """(user name, action, object type, object id) of the events, oldest first."""
    return list(
        AuditEvent.objects.filter(**filters)
        .order_by("pk")
        .values_list("username", "action", "object_type", "object_id")
    )


def insert_event(at: datetime, username: str = "alt", action: str = "view") -> int:
    """An event written at ``at`` (the model sets the time itself: raw SQL, as a test only)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ulm_privacy_auditevent (at, username, action, object_type, object_id,"
            " path, detail) VALUES (%s, %s, %s, 'helpdesk.ticket', '1', '', '{}') RETURNING id",
            [at, username, action],
        )
        return cursor.fetchone()[0]
