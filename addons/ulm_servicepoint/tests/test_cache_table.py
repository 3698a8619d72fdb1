"""The database cache's table comes with the migrations: an installation that only migrates (no
``createcachetable``) must not answer a citizen's form with a server error (seen in make run)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection


@pytest.mark.django_db(transaction=True)
def test_migrating_creates_the_cache_table():
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE ulm_cache")
    call_command("migrate", "ulm_servicepoint", "0006", verbosity=0)  # before the cache table
    call_command("migrate", verbosity=0)  # everything again, the apps that depend on it too
    assert "ulm_cache" in connection.introspection.table_names()
