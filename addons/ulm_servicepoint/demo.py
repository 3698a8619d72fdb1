"""The demo city "Stadt Ulm (Demo)": departments, logins, tickets, request types (from
``demo_request_types``) and a few captured requests, each loaded once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from helpdesk.models import FollowUp, Queue, Ticket

from ulm_servicepoint import conf
from ulm_servicepoint.access import ADMIN_GROUP, SERVICE_CENTER_GROUP
from ulm_servicepoint.capture import Outcome, capture_request
from ulm_servicepoint.citizens import CitizenData
from ulm_servicepoint.departments import (
    service_center_queue,
    setup_department,
    setup_service_center,
)
from ulm_servicepoint.models import CaptureField, CaseRecord, RequestType
from ulm_servicepoint.models.case import Channel
from ulm_servicepoint.request_types import publish_schema

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
    # made by `manage.py load_demo_routing` (make run), with a clerk and a head per department
    DemoLogin("olga.ordnung", "Sachbearbeiterin Ordnungsamt"),
    DemoLogin("lena.leitung", "Servicecenter-Leitung"),
    DemoLogin("kfz-zulassung.leitung", "Leitung Kfz-Zulassung"),
    # made by `manage.py load_demo_kpi` (make run)
    DemoLogin("vera.verwaltung", "Verwaltungsleitung (Kennzahlen)"),
    # made by `manage.py load_demo_privacy` (make run), which also puts the heads above in
    # the group "Fachbereichsleitung"
    DemoLogin("dora.datenschutz", "Datenschutzbeauftragte (Protokoll, Auskunft, Löschung)"),
    DemoLogin("wilma.wissen", "Wissensredaktion"),
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
def load_demo_request_types() -> int:
    """The demo city's thirteen request types with their schemas; adds only what is missing.
    Returns how many types were created."""
    from ulm_servicepoint.demo_request_types import DEMO_REQUEST_TYPES, retention_of

    created = 0
    for spec in DEMO_REQUEST_TYPES:
        request_type, new = RequestType.objects.get_or_create(
            slug=spec["slug"],
            defaults={
                "name": spec["name"],
                "topic_group": spec["topic_group"],
                "default_queue": (
                    Queue.objects.get(slug=spec["queue"])
                    if spec["queue"]
                    else service_center_queue()
                ),
                "leika_keys": spec["leika"],
                "public": spec.get("public", True),
                "description": spec["description"],
                "description_easy": spec["easy"],
                **retention_of(spec),
            },
        )
        if not new:
            continue
        created += 1
        for position, (key, label, kind, required, audience, extra) in enumerate(spec["fields"]):
            CaptureField.objects.create(
                request_type=request_type,
                position=position,
                key=key,
                label=label,
                field_type=kind,
                required_level=required,
                audience=audience,
                help_text=extra.get("help", ""),
                choices="\n".join(extra.get("choices", [])),
                pattern=extra.get("pattern", ""),
                pattern_example=extra.get("example", ""),
            )
        publish_schema(request_type)
    return created


DEMO_CASES: list[tuple[str, dict[str, Any], str, CitizenData, str, str]] = [
    # (request type, values, channel, citizen, outcome, answer)
    (
        "sperrmuell-abholung",
        {
            "abholadresse": {
                "street": "Frauenstraße",
                "house_number": "12",
                "postcode": "89073",
                "city": "Ulm",
            },
            "gegenstaende": "1 Sofa, 1 Schrank",
            "menge": "3",
            "elektro": False,
        },
        Channel.PHONE,
        CitizenData(name="Jonas Schneider", email="j.schneider@example.org", phone="0731 4455667"),
        Outcome.FORWARD,
        "",
    ),
    (
        "personalausweis",
        {"geburtsdatum": "1980-05-01", "anlass": "Ablauf"},
        Channel.PHONE,
        CitizenData(name="Maria Müller", email="maria.mueller@example.org"),
        Outcome.FIRST_CONTACT,
        "Termin online buchen; biometrisches Foto und alten Ausweis mitbringen. Gebühr 37 Euro.",
    ),
    (
        "kfz-zulassung",
        {"vorgang": "Wunschkennzeichen", "kennzeichen": "UL-AB 123"},
        Channel.EMAIL,
        CitizenData(name="Peter Wagner", email="peter.wagner@example.org"),
        Outcome.FORWARD,
        "",
    ),
    (
        "laermbeschwerde",
        {"quelle": "Baustelle", "ort": "Neue Straße", "datum": "2026-11-20", "uhrzeit": "05:10"},
        Channel.COUNTER,
        CitizenData(name="Klara Weber", phone="0731 98765"),
        Outcome.OPEN,
        "",
    ),
]


@transaction.atomic
def load_demo_cases() -> int:
    """A few captured requests for `make run`'s demo (not for the tests' demo fixture, whose
    ticket counts stay as they are). Only when no case record exists yet."""
    if CaseRecord.objects.filter(request_type__isnull=False).exists():
        return 0
    agent = get_user_model().objects.filter(username="anna.agentin").first()
    for slug, values, channel, citizen, outcome, answer in DEMO_CASES:
        capture_request(
            RequestType.objects.get(slug=slug),
            values,
            channel=channel,
            citizen=citizen,
            captured_by=agent,
            outcome=outcome,
            answer=answer,
        )
    return len(DEMO_CASES)


def make_demo_user(
    username: str, first: str, last: str, groups: list[str], superuser: bool = False
) -> Any:
    """A demo staff account (password DEMO_PASSWORD, address <username>@ulm.example) in the
    named groups; every addon's demo people are made this way."""
    user = get_user_model().objects.create_user(
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


@transaction.atomic
def load_demo_data() -> bool:
    """Loads "Stadt Ulm (Demo)" once; returns False when it was there already (missing demo
    request types are still added, so an older demo installation gains them)."""
    if demo_loaded():
        load_demo_request_types()
        return False
    setup_service_center(email="servicecenter@ulm.example")
    for title, slug in DEMO_DEPARTMENTS:
        setup_department(title, slug, email=f"{slug}@ulm.example")
    Group.objects.get_or_create(name=ADMIN_GROUP)
    make_demo_user("admin", "Ada", "Admin", [ADMIN_GROUP], superuser=True)
    agent = make_demo_user("anna.agentin", "Anna", "Agentin", [SERVICE_CENTER_GROUP])
    make_demo_user("karl.kfz", "Karl", "Kaiser", ["Kfz-Zulassung"])
    make_demo_user("berta.abfall", "Berta", "Brandt", ["Abfallwirtschaft"])

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
        created = now - timedelta(days=days_ago)
        Ticket.objects.filter(pk=ticket.pk).update(created=created)
        CaseRecord.objects.filter(ticket=ticket).update(received_at=created)
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
    load_demo_request_types()
    return True
