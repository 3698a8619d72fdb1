"""Verbs of ulm_servicepoint: departments and their groups, who sees which ticket, demo data,
worker heartbeats. Views, commands and tasks call these; they hold no logic of their own."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Group, Permission
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from helpdesk.models import FollowUp, FollowUpAttachment, KBIAttachment, Queue, Ticket
from helpdesk.user import HelpdeskUser

from ulm_servicepoint import conf
from ulm_servicepoint.models import WorkerHeartbeat

SERVICE_CENTER_GROUP = "Servicecenter"
ADMIN_GROUP = "Administration"


# --- Who sees what ----------------------------------------------------------------------------
def tickets_visible_to(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Ticket]:
    """The one place that says which tickets a user may see: the host's per-queue rule
    (a granted queue, or a ticket assigned to the user); superusers see all."""
    return HelpdeskUser(user).accessible_tickets()


def queues_visible_to(user: AbstractBaseUser | AnonymousUser) -> list[Queue]:
    """Queues whose tickets the user may open (not merely pick for a new ticket)."""
    return HelpdeskUser(user).accessible_queues()


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


# --- Departments ------------------------------------------------------------------------------
def queue_permission(queue: Queue) -> Permission:
    return Permission.objects.get(
        content_type__app_label="helpdesk", codename=queue.permission_name.split(".", 1)[1]
    )


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


# --- Worker heartbeat -------------------------------------------------------------------------
def record_heartbeat(source: str, token: str = "") -> WorkerHeartbeat:
    """Called by the worker: proves that it runs and reaches the database."""
    return WorkerHeartbeat.objects.create(source=source, token=token, worker_pid=os.getpid())


def request_worker_ping() -> str:
    """Enqueues a ping job for the worker; returns the token its heartbeat will carry."""
    from ulm_servicepoint.jobs import ping

    token = secrets.token_hex(16)
    ping.defer(token=token)
    return token


def worker_status() -> dict[str, object]:
    """What /healthz reports about the worker."""
    last = WorkerHeartbeat.objects.filter(source=WorkerHeartbeat.Source.PERIODIC).first()
    stale_after = timedelta(seconds=conf.get("ULM_SERVICEPOINT_WORKER_STALE_SECONDS"))
    return {
        "last_seen": last.created_at.isoformat() if last else None,
        "ok": bool(last and timezone.now() - last.created_at <= stale_after),
    }


def prune_heartbeats(keep: timedelta = timedelta(days=1)) -> int:
    deleted, _ = WorkerHeartbeat.objects.filter(created_at__lt=timezone.now() - keep).delete()
    return deleted


# --- Demo data "Stadt Ulm (Demo)" ---------------------------------------------------------------
DEMO_PASSWORD = "ulm-demo-2026"  # noqa: S105 - printed by `make run`; demo installations only

DEMO_DEPARTMENTS = [
    ("Bürgerdienste", "buergerdienste"),
    ("Kfz-Zulassung", "kfz-zulassung"),
    ("Ordnungsamt", "ordnungsamt"),
    ("Standesamt", "standesamt"),
    ("Abfallwirtschaft", "abfallwirtschaft"),
    ("Bauordnung", "bauordnung"),
    ("Steuern", "steuern"),
    ("Soziales", "soziales"),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str = DEMO_PASSWORD


DEMO_LOGINS = [
    DemoLogin("admin", "Administration (alle Rechte)"),
    DemoLogin("anna.agentin", "Servicecenter-Agentin (1st level)"),
    DemoLogin("karl.kfz", "Sachbearbeiter Kfz-Zulassung"),
    DemoLogin("berta.abfall", "Sachbearbeiterin Abfallwirtschaft"),
]

DEMO_TICKETS = [
    # (queue slug, title, submitter, description, status, days ago)
    (
        "servicecenter",
        "Frage zu Öffnungszeiten des Bürgerbüros",
        "maria.mueller@example.org",
        "Guten Tag, hat das Bürgerbüro am Samstag geöffnet? "
        "Ich brauche einen neuen Personalausweis.",
        Ticket.OPEN_STATUS,
        0,
    ),
    (
        "servicecenter",
        "Sperrmüll-Abholung anmelden",
        "j.schneider@example.org",
        "Ich möchte einen alten Schrank und ein Sofa abholen lassen. Wie melde ich das an?",
        Ticket.OPEN_STATUS,
        1,
    ),
    (
        "kfz-zulassung",
        "Wunschkennzeichen UL-AB 123 reservieren",
        "peter.wagner@example.org",
        "Ist das Kennzeichen UL-AB 123 noch frei? Ich möchte es für mein neues Auto reservieren.",
        Ticket.OPEN_STATUS,
        2,
    ),
    (
        "abfallwirtschaft",
        "Gelbe Tonne nicht geleert",
        "s.fischer@example.org",
        "In der Frauenstraße 12 wurde die Gelbe Tonne am Dienstag nicht geleert.",
        Ticket.RESOLVED_STATUS,
        5,
    ),
    (
        "ordnungsamt",
        "Lärmbeschwerde Baustelle Neue Straße",
        "k.weber@example.org",
        "Auf der Baustelle in der Neuen Straße wird seit Tagen ab 5 Uhr morgens gearbeitet.",
        Ticket.CLOSED_STATUS,
        9,
    ),
    (
        "standesamt",
        "Geburtsurkunde für Rentenantrag",
        "h.becker@example.org",
        "Ich brauche eine beglaubigte Geburtsurkunde für meinen Rentenantrag. "
        "Geburtsort Ulm, 1961.",
        Ticket.REOPENED_STATUS,
        14,
    ),
]


def demo_loaded() -> bool:
    return Queue.objects.filter(
        slug=conf.get("ULM_SERVICEPOINT_SERVICE_CENTER_QUEUE")
    ).exists() and (get_user_model().objects.filter(username="anna.agentin").exists())


@transaction.atomic
def load_demo_data() -> bool:
    """Loads "Stadt Ulm (Demo)" once; returns False when it was there already."""
    if demo_loaded():
        return False
    user_model = get_user_model()
    setup_service_center(email="servicecenter@ulm.example")
    for title, slug in DEMO_DEPARTMENTS:
        setup_department(title, slug, email=f"{slug}@ulm.example")
    Group.objects.get_or_create(name=ADMIN_GROUP)

    def make_user(username: str, first: str, last: str, groups: list[str], superuser: bool = False):
        user = user_model.objects.create_user(
            username=username,
            email=f"{username}@ulm.example",
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=True,
            is_superuser=superuser,
        )
        user.groups.set(Group.objects.filter(name__in=groups))
        return user

    make_user("admin", "Ada", "Admin", [ADMIN_GROUP], superuser=True)
    agent = make_user("anna.agentin", "Anna", "Agentin", [SERVICE_CENTER_GROUP])
    make_user("karl.kfz", "Karl", "Kaiser", ["Kfz-Zulassung"])
    make_user("berta.abfall", "Berta", "Brandt", ["Abfallwirtschaft"])

    now = timezone.now()
    for slug, title, submitter, description, status, days_ago in DEMO_TICKETS:
        ticket = Ticket.objects.create(
            title=title,
            queue=Queue.objects.get(slug=slug),
            submitter_email=submitter,
            description=description,
            status=status,
            priority=3,
        )
        Ticket.objects.filter(pk=ticket.pk).update(created=now - timedelta(days=days_ago))
        FollowUp.objects.create(
            ticket=ticket,
            title="Anliegen erfasst",
            comment=description,
            public=True,
            user=None,
        )
        if status != Ticket.OPEN_STATUS:
            FollowUp.objects.create(
                ticket=ticket,
                title="Antwort an die Bürgerin / den Bürger",
                comment="Vielen Dank für Ihre Nachricht. Wir haben uns darum gekümmert.",
                public=True,
                user=agent,
                new_status=status,
            )
    return True
