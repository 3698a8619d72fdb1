"""PostgreSQL extensions and the German text search configuration the search relies on:
``ulm_german`` = PostgreSQL's ``german`` (snowball stemmer, stop words) with unaccent first."""

from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

CONFIG_SQL = """
CREATE TEXT SEARCH CONFIGURATION ulm_german (COPY = pg_catalog.german);
ALTER TEXT SEARCH CONFIGURATION ulm_german
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, german_stem;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        TrigramExtension(),
        UnaccentExtension(),
        migrations.RunSQL(CONFIG_SQL, "DROP TEXT SEARCH CONFIGURATION IF EXISTS ulm_german;"),
    ]
