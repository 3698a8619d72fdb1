"""Who sees what: the one place that says which tickets, queues and files a user may open,
who captures requests, and who belongs to a department (the host's per-queue permissions)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db.models import Q, QuerySet
from helpdesk.models import FollowUpAttachment, KBIAttachment, Queue, Ticket
from helpdesk.user import HelpdeskUser

from ulm_servicepoint import conf

SERVICE_CENTER_GROUP = "Servicecenter"
ADMIN_GROUP = "Administration"


def tickets_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """The one place that says which tickets a user may see: the host's per-queue rule
    (a granted queue, or a ticket assigned to the user); superusers see all."""
    return HelpdeskUser(user).accessible_tickets()


def queues_visible_to(user: AbstractBaseUser | AnonymousUser) -> list[Queue]:
    """Queues whose tickets the user may open (not merely pick for a new ticket)."""
    return HelpdeskUser(user).accessible_queues()


def users_with_access(queue: Queue) -> QuerySet[Any]:
    """Active staff who may open the tickets of ``queue``: its department, the service center
    (groups holding the queue's permission), direct holders of it, and superusers."""
    return users_with_access_to([queue])


def users_with_access_to(queues: Iterable[Queue]) -> QuerySet[Any]:
    """Active staff who may open the tickets of at least one of ``queues`` (one query)."""
    names = [queue.permission_name.split(".", 1)[1] for queue in queues]
    permissions = Permission.objects.filter(content_type__app_label="helpdesk", codename__in=names)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__permissions__in=permissions)
            | Q(user_permissions__in=permissions)
        )
        .distinct()
        .order_by("username")
    )


def file_visible_to(user: AbstractBaseUser | AnonymousUser, name: str):
    """The stored upload called ``name``, if ``user`` may download it; else None.

    Ticket attachments follow their ticket (``tickets_visible_to``); knowledge-base attachments
    follow their category (public, or staff with access to its queue)."""
    attachment = FollowUpAttachment.objects.select_related("followup").filter(file=name).first()
    if attachment is not None:
        visible = tickets_visible_to(user).filter(pk=attachment.followup.ticket_id).exists()
        return attachment if visible else None
    kb_attachment = (
        KBIAttachment.objects.select_related("kbitem__category").filter(file=name).first()
    )
    if kb_attachment is not None:
        allowed = HelpdeskUser(user).can_access_kbcategory(kb_attachment.kbitem.category)
        return kb_attachment if allowed else None
    return None


def can_capture(user: AbstractBaseUser | AnonymousUser) -> bool:
    """Staff with access to the service center's queue (the 1st level) capture requests."""
    if not getattr(user, "is_staff", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    # the one queue's permission, not every queue the user may open (one query, not three)
    queue = Queue.objects.filter(slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")).first()
    return queue is not None and HelpdeskUser(user).can_access_queue(queue)


def is_department_member(user: Any, queue: Queue) -> bool:
    """Whether ``user`` belongs to the department of ``queue`` itself (superusers count): the
    service center's group reaches every queue, but that does not make it the department."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return own_groups(user).filter(permissions=queue_permission(queue)).exists()


def own_groups(user: Any) -> QuerySet[Any]:
    """The groups that make the user a member of a department: all of his but the service
    center's, which reaches every queue without making its staff the department."""
    return user.groups.exclude(name=SERVICE_CENTER_GROUP)


def queue_permission(queue: Queue) -> Permission:
    return Permission.objects.get(
        content_type__app_label="helpdesk", codename=queue.permission_name.split(".", 1)[1]
    )
