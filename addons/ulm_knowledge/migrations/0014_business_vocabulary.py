"""Data: kinds of small business and the words for giving one up (seventh pass: "Kiosk",
"aufhören"), added to the shipped synonym list (issue 17) where an installation lacks them.
Existing rows, possibly edited in the admin, stay as they are."""

from django.db import migrations


def load(apps, schema_editor):
    from ulm_knowledge.synonyms import add_missing

    add_missing(apps.get_model("ulm_knowledge", "Synonym"))


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0013_phrase_vocabulary")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
