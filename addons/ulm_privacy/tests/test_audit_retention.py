"""The audit log is append-only in PostgreSQL (a trigger), for everyone: only its own retention
deletes, and only events older than ULM_PRIVACY_AUDIT_RETENTION_MONTHS."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.checks import run_checks
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ulm_privacy import audit, jobs, services
from ulm_privacy.checks import check_audit_retention
from ulm_privacy.models import AuditEvent
from ulm_privacy.tests.audit_fixtures import insert_event

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(django_user_model):
    user = django_user_model.objects.create_user("pia.pruef", is_staff=True)
    return services.record(user, "view", "helpdesk.ticket", 7, "/helpdesk/tickets/7/")


def test_an_event_cannot_be_changed(event):
    event.action = "search"
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.update(username="jemand")
    event.refresh_from_db()
    assert (event.action, event.username) == ("view", "pia.pruef")


def test_an_event_cannot_be_deleted_not_even_in_sql(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.delete()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM ulm_privacy_auditevent")
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_the_retention_switch_ends_with_the_retention(event):
    # even inside a caller's transaction, the retention's switch does not outlast it
    with transaction.atomic():
        assert services.purge_expired_audit_events() == 0
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_a_deleted_account_keeps_its_events_under_its_name(event):
    event.user.delete()
    event.refresh_from_db()
    assert event.user is None
    assert event.username == "pia.pruef"


def test_the_retention_deletes_only_events_past_the_period(settings, event):
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = 24
    now = timezone.now()
    old = [insert_event(now - timedelta(days=740 + i)) for i in range(5)]
    kept = insert_event(now - timedelta(days=700))
    assert services.purge_expired_audit_events(batch=2) == 5
    remaining = set(AuditEvent.objects.values_list("pk", flat=True))
    assert remaining == {event.pk, kept}
    assert not remaining & set(old)
    # the next night: nothing more is due
    assert services.purge_expired_audit_events() == 0


def test_the_period_is_the_setting_in_months(settings):
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = 3
    now = timezone.now()
    insert_event(now - timedelta(days=100))
    young = insert_event(now - timedelta(days=80))
    assert services.purge_expired_audit_events() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [young]


def test_the_nightly_job_runs_the_retention(settings):
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = 1
    insert_event(timezone.now() - timedelta(days=40))
    jobs.audit_retention(timestamp=0)
    assert not AuditEvent.objects.exists()


def test_months_before_keeps_the_day_or_takes_the_months_last():
    moment = timezone.now().replace(year=2026, month=3, day=31)
    assert audit.months_before(moment, 1).date().isoformat() == "2026-02-28"
    assert audit.months_before(moment, 24).date().isoformat() == "2024-03-31"
    assert audit.months_before(moment, 3).date().isoformat() == "2025-12-31"


@pytest.mark.parametrize("months", [0, -1, "12", 1.5, True, None])
def test_a_retention_that_is_no_positive_number_of_months_is_refused(settings, months):
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = months
    assert [m.id for m in check_audit_retention()] == ["ulm_privacy.E001"]


def test_a_positive_retention_passes_the_check(settings):
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = 6
    assert check_audit_retention() == []
    settings.ULM_PRIVACY_AUDIT_RETENTION_MONTHS = 0
    assert "ulm_privacy.E001" in [m.id for m in run_checks()]  # registered with manage.py check
