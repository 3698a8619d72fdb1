"""Data: the verbs, phrases, roles and status words citizens use for the act, wish or person
behind a service (fourth and fifth pass) and their short forms, international words and
misspellings (sixth pass), added to the shipped synonym list (issue 17) where an installation
lacks them. Existing rows, possibly edited in the admin, stay as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from ulm_knowledge.synonyms import add_missing

    add_missing(apps.get_model("ulm_knowledge", "Synonym"))


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0012_service_vocabulary")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
