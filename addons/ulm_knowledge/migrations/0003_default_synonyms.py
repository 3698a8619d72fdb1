"""Data: the shipped German municipal synonym list (data/synonyms_de.txt), editable afterwards."""

from django.db import migrations


def load(apps, schema_editor):
    from ulm_knowledge.synonyms import default_synonyms

    synonym = apps.get_model("ulm_knowledge", "Synonym")
    for term, expansion in default_synonyms():
        synonym.objects.get_or_create(term=term, defaults={"expansion": expansion})


def unload(apps, schema_editor):
    from ulm_knowledge.synonyms import default_synonyms

    synonym = apps.get_model("ulm_knowledge", "Synonym")
    synonym.objects.filter(term__in=[term for term, _ in default_synonyms()]).delete()


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0002_items")]
    operations = [migrations.RunPython(load, unload)]
