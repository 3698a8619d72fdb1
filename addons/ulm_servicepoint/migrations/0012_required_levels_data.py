"""Data migration: what was required so far was what a department needs to process the request,
so a required field becomes "required for processing". Reversible: any level is "required".

Published schema versions are immutable and keep their ``"required": true/false``; readers take
true as "for processing" (``models.request_type.required_level``)."""

from django.db import migrations


def to_levels(apps, schema_editor):
    CaptureField = apps.get_model("ulm_servicepoint", "CaptureField")
    CaptureField.objects.filter(required=True).update(required_level="processing")
    CaptureField.objects.filter(required=False).update(required_level="no")


def to_flag(apps, schema_editor):
    CaptureField = apps.get_model("ulm_servicepoint", "CaptureField")
    CaptureField.objects.exclude(required_level="no").update(required=True)
    CaptureField.objects.filter(required_level="no").update(required=False)


class Migration(migrations.Migration):
    dependencies = [("ulm_servicepoint", "0011_required_levels")]

    operations = [migrations.RunPython(to_levels, to_flag)]
