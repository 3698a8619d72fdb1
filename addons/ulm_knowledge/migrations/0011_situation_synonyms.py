"""Data: the synonyms for situations added to the shipped list (work, training and study from
abroad, flight, pensions, objections, transport, vehicles, countries' adjectives; issue 17),
where an installation lacks them. Existing rows, possibly edited in the admin, stay as they
are."""

from django.db import migrations


def load(apps, schema_editor):
    from ulm_knowledge.synonyms import add_missing

    add_missing(apps.get_model("ulm_knowledge", "Synonym"))


class Migration(migrations.Migration):
    dependencies = [("ulm_knowledge", "0010_passages_learned_words")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
