"""Data: the synonyms added to the shipped list since 0003, and four defaults that pointed to the
wrong service corrected (only where an installation still has the old text)."""

from django.db import migrations

CORRECTED = {
    "fahrzeugschein": "Zulassungsbescheinigung Teil I",
    "fahrzeugbrief": "Zulassungsbescheinigung Teil II",
    "punkte in flensburg": "Verkehrsverstöße Probezeit",
    "blue card": "Blaue Karte",
}


def load(apps, schema_editor):
    from ulm_knowledge.synonyms import default_synonyms

    synonym = apps.get_model("ulm_knowledge", "Synonym")
    for term, expansion in default_synonyms():
        row, created = synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})
        if not created and CORRECTED.get(term) == row.expansion and row.expansion != expansion:
            row.expansion = expansion
            row.save(update_fields=["expansion", "updated_at"])


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0004_request_types_feedback")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
