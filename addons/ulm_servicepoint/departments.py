"""Departments (2nd level) and the service center (1st level): their queues and groups, set up
once, and the site the host's mails link to."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from helpdesk.models import Queue

from ulm_servicepoint import conf
from ulm_servicepoint.access import SERVICE_CENTER_GROUP, own_groups, queue_permission


def departments() -> QuerySet[Queue]:
    """Every department's queue (all queues but the service center's), by title."""
    return Queue.objects.exclude(slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")).order_by(
        "title"
    )


def member_departments(user: Any) -> list[Queue]:
    """The departments the user belongs to (his own groups, not the service center's access;
    the same rule as ``access.is_department_member``), in two queries."""
    if not getattr(user, "is_authenticated", False):
        return []
    codenames = Permission.objects.filter(
        content_type__app_label="helpdesk", group__in=own_groups(user)
    ).values_list("codename", flat=True)
    names = [f"helpdesk.{codename}" for codename in codenames]
    return list(departments().filter(permission_name__in=names))


@transaction.atomic
def setup_service_center(title: str = "Servicecenter", email: str = "") -> Queue:
    """The 1st-level queue: where citizens' requests from every channel arrive.

    Like every queue it is closed to the host's public submission (allow_public_submission):
    the host would list a public queue's tickets to every clerk. Citizens reach it through our
    own form (ulm_channels), which puts their requests here."""
    queue, _ = Queue.objects.get_or_create(
        slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"),
        defaults={
            "title": title,
            "email_address": email or None,
            "locale": "de",
            "allow_public_submission": False,
            "allow_email_submission": True,
        },
    )
    group, _ = Group.objects.get_or_create(name=SERVICE_CENTER_GROUP)
    group.permissions.add(queue_permission(queue))
    return queue


@transaction.atomic
def setup_department(title: str, slug: str, email: str = "") -> Queue:
    """A specialist department (2nd level): a closed queue and a group with access to it alone.

    The service center's group gets access as well, so that the 1st level can tell a citizen
    where their request stands after it was handed on."""
    queue, _ = Queue.objects.get_or_create(
        slug=slug,
        defaults={
            "title": title,
            "email_address": email or None,
            "locale": "de",
            "allow_public_submission": False,
            "allow_email_submission": False,
        },
    )
    permission = queue_permission(queue)
    department_group, _ = Group.objects.get_or_create(name=title)
    department_group.permissions.add(permission)
    service_center, _ = Group.objects.get_or_create(name=SERVICE_CENTER_GROUP)
    service_center.permissions.add(permission)
    return queue


def sync_site() -> None:
    """The host writes links in mails from the current Site: keep it in step with SITE_URL."""
    from django.conf import settings
    from django.contrib.sites.models import Site

    domain = urlsplit(settings.SITE_URL).netloc or "localhost"
    Site.objects.update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": domain, "name": conf.get("ULM_SERVICEPOINT_CITY_NAME")},
    )


def service_center_queue() -> Queue:
    return Queue.objects.get(slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE"))
