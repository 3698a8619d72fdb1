"""What every entry point checks when it starts (``manage.py``, gunicorn via ``config.wsgi``;
the worker is ``manage.py procrastinate worker``): the PostgreSQL server is new enough and has the
extensions the product needs, and the city is set up. Each problem is one sentence on stderr.

A server that is too old or lacks an extension stops the process (nothing would work right); a
city that is not set up yet, or a server that cannot be reached at this moment, is only said: the
web answers 503 until it is fixed (``ulm_servicepoint.city``), the worker keeps trying."""

from __future__ import annotations

import sys

# PostgreSQL 15 is the oldest supported server (Debian 12's); tested on 15 and the embedded 17+
MIN_SERVER_VERSION = 150000
REQUIRED_EXTENSIONS = ("pg_trgm", "unaccent")
# commands that set the database up, or never need a city
QUIET_COMMANDS = {
    "backup",
    "changepassword",
    "check",
    "collectstatic",
    "compilemessages",
    "createcachetable",
    "createsuperuser",
    "dbshell",
    "help",
    "init_city",
    "load_demo",
    "makemessages",
    "makemigrations",
    "migrate",
    "restore",
    "shell",
    "showmigrations",
    "sqlmigrate",
    "test",
    "version",
}


class StartupError(RuntimeError):
    """The server cannot run the product; the message says why and what to do."""


def server_problem(connection) -> str | None:
    """One sentence when the server is too old or lacks an extension, else None."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_setting('server_version_num')::int, current_setting('server_version'),"
            " coalesce(array_agg(name), '{}') FROM pg_available_extensions WHERE name = ANY(%s)",
            [list(REQUIRED_EXTENSIONS)],
        )
        number, version, available = cursor.fetchone()
    if number < MIN_SERVER_VERSION:
        return (
            f"PostgreSQL {version} is too old: ulm-servicepoint needs PostgreSQL 15 or newer "
            "(README, Production)."
        )
    missing = sorted(set(REQUIRED_EXTENSIONS) - set(available))
    if missing:
        return (
            f"The PostgreSQL server lacks the extension(s) {', '.join(missing)}: install the "
            "server's contrib modules (Debian: they come with the postgresql package; elsewhere "
            "postgresql-contrib)."
        )
    return None


def check(command: str) -> None:
    """Runs the start-up checks of an entry point (``command``: the manage.py sub-command, or
    "web")."""
    if command in QUIET_COMMANDS:
        return
    from django.db import OperationalError, connection

    from config.errors import describe

    try:
        problem = server_problem(connection)
    except OperationalError as exc:
        print(describe(exc), file=sys.stderr)  # the server may come back: keep trying
        return
    if problem:
        raise StartupError(problem)
    from ulm_servicepoint.services import missing_setup

    missing = missing_setup()
    if missing and "helpdesk_queue" not in connection.introspection.table_names():
        raise StartupError(missing)  # not migrated: nothing but the set-up commands can run
    if missing:
        print(missing, file=sys.stderr)
    connection.close()
