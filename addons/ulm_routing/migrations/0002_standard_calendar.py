"""Data: the standard calendar (Mon–Fri 08:00–18:00, Baden-Württemberg's public holidays) and
the default SLA policy (handoff feedback within 24 open hours). Reversible."""

from datetime import time
from decimal import Decimal

from django.db import migrations

CALENDAR = "Standard (Mo–Fr 8–18 Uhr)"
POLICY = "Standard"


def create(apps, schema_editor):
    calendars = apps.get_model("ulm_routing", "BusinessCalendar")
    hours = apps.get_model("ulm_routing", "OpeningHours")
    policies = apps.get_model("ulm_routing", "SLAPolicy")
    if calendars.objects.filter(is_default=True).exists():
        return
    calendar = calendars.objects.create(name=CALENDAR, is_default=True, holiday_region="BW")
    for day in range(5):
        hours.objects.create(calendar=calendar, weekday=day, opens=time(8), closes=time(18))
    if not policies.objects.filter(is_default=True).exists():
        policies.objects.create(
            name=POLICY,
            calendar=calendar,
            is_default=True,
            first_response_hours=Decimal(8),
            handoff_feedback_hours=Decimal(24),
            resolution_hours=Decimal(80),
        )


def remove(apps, schema_editor):
    apps.get_model("ulm_routing", "SLAPolicy").objects.filter(name=POLICY).delete()
    apps.get_model("ulm_routing", "BusinessCalendar").objects.filter(name=CALENDAR).delete()


class Migration(migrations.Migration):
    dependencies = [("ulm_routing", "0001_initial")]
    operations = [migrations.RunPython(create, remove)]
