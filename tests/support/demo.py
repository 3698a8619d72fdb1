"""The demo city, loaded once per test run and restored for every test that asks for it.

Loading the demo city (departments, staff, request types, tickets; its knowledge base; its
routing) takes seconds; a few hundred tests use it. The first test that needs a combination
loads it the ordinary way (``load_demo_data`` and friends) on the freshly migrated database,
copies every table with PostgreSQL's ``COPY … (FORMAT binary)`` and rolls the load back; every
test that needs it then gets exactly those rows again: its tables truncated and copied back
inside its own transaction (rolled back after the test as before; for live-server tests
committed, and flushed afterwards by pytest-django as before), the sequences set as they were.

What each test sees is what it saw before: the migrated database plus the demo, loaded by the
same functions. Only the procrastinate job tables keep what the test has (the demo queues no
job inside a test's transaction) and the database cache is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import connection, transaction
from psycopg import sql

# which parts of the demo a test gets, by the fixtures it asks for
PARTS = {"knowledge": ("demo_knowledge",), "routing": ("city", "routing")}


def loaders() -> dict[str, object]:
    from ulm_knowledge import services as knowledge
    from ulm_routing import services as routing
    from ulm_servicepoint import services as platform

    return {
        "demo": platform.load_demo_data,
        "knowledge": knowledge.load_demo_knowledge,
        "routing": routing.load_demo_routing,
    }


def forget_caches() -> None:
    """In-process caches that hold rows or ids of the database."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sites.models import Site

    from ulm_knowledge import services as knowledge
    from ulm_routing import services as routing

    ContentType.objects.clear_cache()
    Site.objects.clear_cache()
    knowledge.forget_cached()
    routing.forget_compiled()


@dataclass
class Snapshot:
    tables: dict[str, bytes]
    sequences: dict[str, int | None]

    @classmethod
    def take(cls) -> Snapshot:
        tables: dict[str, bytes] = {}
        with connection.cursor() as cursor:
            for table in table_names(cursor):
                with cursor.cursor.copy(copy_table(table, "TO STDOUT")) as copy:
                    tables[table] = b"".join(bytes(chunk) for chunk in copy)
            cursor.execute(
                "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public'"
                " AND sequencename NOT LIKE 'procrastinate%%'"
            )
            sequences = dict(cursor.fetchall())
        return cls(tables, sequences)

    def restore(self) -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            # foreign keys are checked at the end (Django makes them deferrable); DELETE, as
            # TRUNCATE makes new files for each of the ~90 tables (130 ms against a few)
            for table in self.tables:
                cursor.cursor.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
            for table, data in self.tables.items():
                with cursor.cursor.copy(copy_table(table, "FROM STDIN")) as copy:
                    copy.write(data)
            for name, value in self.sequences.items():
                # the per-year reference sequences are made on first use, by the demo's tickets
                cursor.cursor.execute(
                    sql.SQL("CREATE SEQUENCE IF NOT EXISTS {}").format(sql.Identifier(name))
                )
                if value is None:
                    cursor.execute("SELECT setval(%s, 1, false)", [name])
                else:
                    cursor.execute("SELECT setval(%s, %s, true)", [name, value])
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the copied rows hold together
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        forget_caches()


def copy_table(table: str, direction: str) -> sql.Composed:
    return sql.SQL("COPY {} " + direction + " (FORMAT binary)").format(sql.Identifier(table))


def table_names(cursor) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN"
        " ('django_migrations', 'ulm_cache') AND tablename NOT LIKE 'procrastinate%%'"
        " ORDER BY tablename"
    )
    return [row[0] for row in cursor.fetchall()]


@dataclass
class DemoCity:
    """The migrated database as the run began, and each combination of demo parts once loaded."""

    base: Snapshot
    taken: dict[tuple[str, ...], Snapshot] = field(default_factory=dict)

    def restore(self, parts: tuple[str, ...]) -> None:
        if parts not in self.taken:
            self.taken[parts] = self.load(parts)
        self.taken[parts].restore()

    def load(self, parts: tuple[str, ...]) -> Snapshot:
        """Loads the demo with these parts the ordinary way on the migrated database, copies
        it, and rolls the load back."""
        load = loaders()
        with transaction.atomic():
            self.base.restore()
            for part in ("demo", *parts):
                load[part]()  # type: ignore[operator]
            snapshot = Snapshot.take()
            transaction.set_rollback(True)
        forget_caches()
        return snapshot


def parts_asked_for(fixturenames) -> tuple[str, ...]:
    return tuple(part for part, names in PARTS.items() if set(names) & set(fixturenames))


def give_demo_city(request) -> None:
    """Restores the demo city with every part the test asks for, once per test (``demo``,
    ``demo_knowledge``, ``city`` and ``routing`` all call this; the first one restores)."""
    parts = parts_asked_for(request.fixturenames)
    if getattr(request.node, "ulm_demo_parts", None) == parts:
        return
    request.getfixturevalue("demo_city_snapshots").restore(parts)
    request.node.ulm_demo_parts = parts
