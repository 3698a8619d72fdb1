"""The database cache's table (settings.CACHES: the forms' single-use tokens, rate limits).

Django makes it only with ``manage.py createcachetable``; as a migration, every installation
that migrates has it (make setup, the production guide's migrate step, the tests)."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("ulm_servicepoint", "0006_references_for_existing_tickets")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
