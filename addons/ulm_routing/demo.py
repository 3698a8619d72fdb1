"""The demo city's routing: calendars (the standard one with Ulm's closing days, Kfz-Zulassung
with shorter hours), SLA policies and a handful of rules for the demo request types."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from helpdesk.models import Queue

from ulm_routing import conf, rules_io
from ulm_routing.calendars import STANDARD_NAME
from ulm_routing.models import (
    AnswerMode,
    BusinessCalendar,
    ClosingDay,
    DepartmentSettings,
    Handoff,
    OpeningHours,
    RuleSet,
    SLAPolicy,
)

CITY_CLOSING_DAYS: list[tuple[str, str, dict[str, Any]]] = [
    # (name, kind, fields)
    (
        "Schwörmontag (ab 12 Uhr geschlossen)",
        "nth_weekday",
        {"month": 7, "weekday": 0, "nth": -2, "open_until": time(12)},
    ),
    ("Heiligabend", "yearly", {"month": 12, "day": 24}),
    ("Silvester", "yearly", {"month": 12, "day": 31}),
]

DEMO_RULES = """\
version: 1
rule_sets:
- name: Zuständigkeit
  mode: first_match
  active: true
  rules:
  - name: Akute Gefahr im Straßenraum
    description: Gefährliche Straßenschäden sofort und dringend an das Ordnungsamt.
    conditions:
    - {type: request_type, in: [strassenschaden]}
    - {type: field, field: gefahr, op: 'yes'}
    actions:
    - {type: forward, department: ordnungsamt}
    - {type: priority, set: 1}
    - {type: sla, policy: Dringend}
    - {type: tag, name: gefahr}
    - {type: note, text: Akute Gefahr gemeldet – bitte sofort Kontakt mit dem Bauhof aufnehmen.}
  - name: Sperrmüll mit Elektrogeräten
    conditions:
    - {type: request_type, in: [sperrmuell-abholung]}
    - {type: field, field: elektro, op: 'yes'}
    actions:
    - {type: forward, department: abfallwirtschaft}
    - {type: tag, name: elektrogeräte}
    - {type: note, text: Elektrogeräte werden getrennt abgeholt (Elektroschrott).}
  - name: Sperrmüll
    conditions:
    - {type: request_type, in: [sperrmuell-abholung]}
    actions:
    - {type: forward, department: abfallwirtschaft}
  - name: Kfz-Zulassung (Leistung)
    conditions:
    - {type: service, leika: ['99036012104000']}
    actions:
    - {type: forward, department: kfz-zulassung}
    - {type: sla, policy: Kfz-Zulassung}
    - {type: assign, strategy: round_robin}
  - name: Kennzeichen im Text
    description: Allgemeine Anfragen, die ein Ulmer Kennzeichen nennen.
    conditions:
    - {type: text, regex: '\\bUL[- ]?[A-Z]{1,2}[- ]?\\d{1,4}\\b'}
    - {type: channel, in: [email, web_form]}
    actions:
    - {type: forward, department: kfz-zulassung}
  - name: Lärm in der Nacht
    conditions:
    - {type: request_type, in: [laermbeschwerde]}
    - {type: schedule, from: '22:00', until: '06:00'}
    actions:
    - {type: forward, department: ordnungsamt}
    - {type: priority, set: 2}
  - name: Baumfällung in Ulm
    conditions:
    - {type: request_type, in: [baumfaellung]}
    - {type: field, field: grundstueck.postcode, op: prefix, value: '890'}
    actions:
    - {type: forward, department: bauordnung}
- name: Hinweise
  mode: all_match
  active: true
  rules:
  - name: Beschwerde
    conditions:
    - {type: text, words: [Beschwerde, Frechheit, Unverschämtheit]}
    actions:
    - {type: tag, name: beschwerde}
    - {type: notify, to: servicecenter-leitung@ulm.example, subject: Beschwerde eingegangen}
  - name: Anruf ohne bekannte Person
    conditions:
    - {type: channel, in: [phone]}
    - {type: citizen, known: false}
    actions:
    - {type: note, text: Anrufende Person ist nicht im Register – Rückrufnummer erfragen.}
"""


def _closing_days(calendar: BusinessCalendar) -> None:
    for name, kind, fields in CITY_CLOSING_DAYS:
        ClosingDay.objects.get_or_create(calendar=calendar, name=name, kind=kind, defaults=fields)


@transaction.atomic
def load_demo_routing() -> bool:
    """Loads the demo's calendars, SLA policies and rules once (after the demo city); returns
    False when they were there already."""
    if RuleSet.objects.exists():
        return False
    standard, _new = BusinessCalendar.objects.get_or_create(
        is_default=True, defaults={"name": STANDARD_NAME}
    )
    if not standard.opening_hours.exists():
        for day in range(5):
            OpeningHours.objects.create(
                calendar=standard, weekday=day, opens=time(8), closes=time(18)
            )
    _closing_days(standard)
    kfz_queue = Queue.objects.filter(slug="kfz-zulassung").first()
    kfz, _new = BusinessCalendar.objects.get_or_create(
        name="Kfz-Zulassung", defaults={"queue": kfz_queue}
    )
    if not kfz.opening_hours.exists():
        for day in range(5):
            OpeningHours.objects.create(
                calendar=kfz, weekday=day, opens=time(7, 30), closes=time(12, 30)
            )
        OpeningHours.objects.create(calendar=kfz, weekday=3, opens=time(14), closes=time(17, 30))
    _closing_days(kfz)
    if not SLAPolicy.objects.filter(is_default=True).exists():
        SLAPolicy.objects.create(name="Standard", calendar=standard, is_default=True)
    # (name, calendar, first response, handoff feedback, resolution) in open hours
    for name, calendar, first, feedback, resolution in (
        ("Dringend", standard, 2, 4, 16),
        ("Kfz-Zulassung", kfz, 10, 24, 50),
    ):
        SLAPolicy.objects.get_or_create(
            name=name,
            defaults={
                "calendar": calendar,
                "first_response_hours": Decimal(first),
                "handoff_feedback_hours": Decimal(feedback),
                "resolution_hours": Decimal(resolution),
            },
        )
    rules_io.import_rules(DEMO_RULES)
    return True


# --- The whole loop for `make run`: people, department settings, handoffs, callbacks ---------
# (not part of load_demo_routing, which the tests' fixtures use: the demo fixture's people and
# ticket counts stay as they are)
DEMO_CLERKS = [
    # (user name, first name, last name, department slug)
    ("bernd.buerger", "Bernd", "Bürger", "buergerdienste"),
    ("olga.ordnung", "Olga", "Ordner", "ordnungsamt"),
    ("stefan.standesamt", "Stefan", "Stand", "standesamt"),
    ("bruno.bau", "Bruno", "Baumann", "bauordnung"),
    ("sina.steuer", "Sina", "Steuer", "steuern"),
    ("sonja.sozial", "Sonja", "Sozial", "soziales"),
]
LEAD_USER = ("lena.leitung", "Lena", "Leitung")


def load_demo_loop() -> bool:
    """A clerk for every department the demo's request types name (those without one), a
    head per department (``<slug>.leitung``), the service-center lead ``lena.leitung`` in the
    group "Servicecenter-Leitung", department settings (Standesamt answers through the service
    center), and a few handoffs and callbacks in different states. Once; False when loaded."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from ulm_servicepoint import services as platform

    users = get_user_model()
    if users.objects.filter(username=LEAD_USER[0]).exists():
        return False
    with transaction.atomic():
        person = platform.make_demo_user
        for username, first, last, slug in DEMO_CLERKS:
            queue = Queue.objects.get(slug=slug)
            if not users.objects.filter(username=username).exists():
                person(username, first, last, [queue.title])
        lead_group, _new = Group.objects.get_or_create(name=conf.get("ULM_ROUTING_LEAD_GROUP"))
        lead = person(*LEAD_USER, [platform.SERVICE_CENTER_GROUP])
        lead.groups.add(lead_group)
        for queue in platform.departments():
            head = users.objects.filter(username=f"{queue.slug}.leitung").first() or person(
                f"{queue.slug}.leitung", "Leitung", queue.title, []
            )
            row, _new = DepartmentSettings.objects.get_or_create(queue=queue)
            row.heads.add(head)
        DepartmentSettings.objects.filter(queue__slug="standesamt").update(
            answer_mode=AnswerMode.VIA_FIRST_LEVEL
        )
    _demo_handoffs()
    return True


def _demo_handoffs() -> None:
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from ulm_routing import callbacks, handoffs
    from ulm_servicepoint.models import RequestType
    from ulm_servicepoint.services import CitizenData, Outcome, capture_request

    users = get_user_model()
    agent = users.objects.get(username="anna.agentin")
    berta = users.objects.get(username="berta.abfall")
    olga = users.objects.get(username="olga.ordnung")

    def forward(slug, values, name, email, title=""):
        case = capture_request(
            RequestType.objects.get(slug=slug),
            values,
            channel="phone",
            citizen=CitizenData(name=name, email=email),
            captured_by=agent,
            outcome=Outcome.FORWARD,
            title=title,
        )
        return Handoff.objects.get(ticket=case.ticket, state__in=["open"])

    address = {"street": "Hirschstraße", "house_number": "4", "postcode": "89073", "city": "Ulm"}
    # with the department, overdue (forwarded three working days ago)
    late = forward(
        "sperrmuell-abholung",
        {"abholadresse": address, "gegenstaende": "Kleiderschrank", "menge": "2", "elektro": False},
        "Paula Weiß",
        "paula.weiss@example.org",
    )
    Handoff.objects.filter(pk=late.pk).update(
        forwarded_at=timezone.now() - timedelta(days=5),
        clock_started_at=timezone.now() - timedelta(days=5),
        due_at=timezone.now() - timedelta(days=2),
    )
    # asked back: the citizen (clock paused) and the service center
    asked = forward(
        "sperrmuell-abholung",
        {"abholadresse": address, "gegenstaende": "Waschmaschine", "menge": "1", "elektro": True},
        "Ömer Yılmaz",
        "oemer.yilmaz@example.org",
    )
    handoffs.ask(asked, berta, "In welchem Stockwerk steht die Waschmaschine?", "citizen")
    noise = forward(
        "laermbeschwerde",
        {
            "quelle": "Gaststätte",
            "ort": "Fischerviertel",
            "datum": "2026-11-28",
            "uhrzeit": "23:40",
        },
        "Klaus Nacht",
        "k.nacht@example.org",
    )
    handoffs.ask(noise, olga, "Ist das die Gaststätte am Schiefen Haus?", "first_level")
    # answered: the loop closed
    done = forward(
        "sperrmuell-abholung",
        {"abholadresse": address, "gegenstaende": "Sofa", "menge": "1", "elektro": False},
        "Greta Sommer",
        "greta.sommer@example.org",
    )
    handoffs.answer(
        done,
        berta,
        "Ihre Abholung ist am Dienstag ab 7 Uhr; bitte stellen Sie das Sofa bis dahin "
        "an die Straße.",
    )
    now = timezone.now()
    for name, phone, subject, slug, hours in (
        ("Herr Albrecht", "0731 9876543", "Rückfrage zum Bauantrag", "bauordnung", 3),
        ("Frau Kaya", "0151 23456789", "Termin Eheschließung", "standesamt", -2),
    ):
        callbacks.record_callback(
            caller_name=name,
            phone=phone,
            subject=subject,
            department=Queue.objects.get(slug=slug),
            window_start=now - timedelta(hours=4),
            window_end=now + timedelta(hours=hours) if hours > 0 else now + timedelta(minutes=1),
            by=agent,
        )
