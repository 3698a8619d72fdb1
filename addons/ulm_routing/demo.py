"""The demo city's routing: calendars (the standard one with Ulm's closing days, Kfz-Zulassung
with shorter hours), SLA policies and a handful of rules for the demo request types."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from typing import Any

from django.db import transaction
from helpdesk.models import Queue

from ulm_routing import rules_io
from ulm_routing.calendars import STANDARD_NAME
from ulm_routing.models import BusinessCalendar, ClosingDay, OpeningHours, RuleSet, SLAPolicy

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
