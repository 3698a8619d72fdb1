"""Backup and restore of a large database, as the operator runs them: time and size.

Runs ``manage.py backup DIR`` on a database with TICKETS generated tickets, then ``manage.py
restore DIR`` into a new, empty database, and compares the ticket counts. Prints the backup's
time and size (dump, files, database on disk) and the restore's time.

    DEBUG=false SECRET_KEY=x SECURE_SSL_REDIRECT=false \\
        .venv/bin/python bench/restore.py [--tickets 1000000] [--source NAME] [--keep]

The source database (default ``bench_restore``) is generated when it does not exist yet or has
fewer tickets: with ``bench/generate.py`` (the shared 1,000,000-ticket generator) when it is
there, else with ``bench/bulk_tickets.py``. ``--source`` may name an already generated database
(e.g. one of bench/generate.py's): the backup only reads it. The restore target (``--target``,
default ``bench_restore_target``, made empty) and the backup directory are removed afterwards
unless ``--keep``.
Uses the embedded PostgreSQL, or the server of DATABASE_URL (its database name is replaced).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(BASE_DIR))


def env_for(database: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if env.get("DATABASE_URL"):
        parts = urlsplit(env["DATABASE_URL"])
        env["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{database}"))
    else:
        env["ULM_DB_NAME"] = database
    return env


def manage(database: str, *args: str, media: Path | None = None) -> tuple[float, str]:
    env = env_for(database)
    if media is not None:
        env["MEDIA_ROOT"] = str(media)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed: {result.stderr.strip()}")
    return took, result.stdout.strip()


def setup_django(database: str) -> None:
    os.environ.update(env_for(database))
    import django
    from django.conf import settings

    settings.DATABASES["default"]["NAME"] = database
    django.setup()


def admin_sql(sql: str, params: list | None = None) -> list[tuple]:
    from django.db import connection

    with connection._nodb_cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchall() if cursor.description else []


def ticket_count(database: str) -> int:
    rows = admin_sql("SELECT 1 FROM pg_database WHERE datname = %s", [database])
    if not rows:
        return -1
    _took, out = manage(
        database,
        "shell",
        "-c",
        "from helpdesk.models import Ticket; print(Ticket.objects.count())",
    )
    return int(out.splitlines()[-1])


def database_size(database: str) -> int:
    return int(admin_sql("SELECT pg_database_size(%s)", [database])[0][0])


def generate(database: str, tickets: int) -> float:
    """Fills ``database`` with ``tickets`` tickets (made and migrated first)."""
    started = time.perf_counter()
    if (BASE_DIR / "bench" / "generate.py").exists():
        subprocess.run(
            [
                sys.executable,
                str(BASE_DIR / "bench" / "generate.py"),
                "--tickets",
                str(tickets),
                "--database",
                database,
            ],
            cwd=BASE_DIR,
            env=env_for(database),
            check=True,
        )
        return time.perf_counter() - started
    manage(database, "migrate", "--verbosity=0")
    manage(database, "load_demo")
    code = (
        "from django.db import connection, transaction\n"
        "import bench.bulk_tickets as b\n"
        "with transaction.atomic(), connection.cursor() as c:\n"
        f"    (getattr(b, 'generate_city', None) or b.generate)(c, tickets={tickets})\n"
        "with connection.cursor() as c:\n"
        "    c.execute('VACUUM ANALYZE')\n"
    )
    manage(database, "shell", "-c", code)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--source", default="bench_restore", help="database to back up")
    parser.add_argument(
        "--target", default="bench_restore_target", help="made empty, restored into, dropped"
    )
    parser.add_argument("--keep", action="store_true", help="keep the restored database and DIR")
    parser.add_argument("--dir", default=None, help="where the backup goes (default: a temp dir)")
    args = parser.parse_args(argv)
    target = args.target
    setup_django("postgres")

    have = ticket_count(args.source)
    if have < args.tickets:
        if have > 0:
            raise SystemExit(
                f"{args.source} has {have:,} tickets, fewer than {args.tickets:,}; "
                "name another --source."
            )
        took = generate(args.source, args.tickets)
        print(f"generated {args.tickets:,} tickets in {args.source} in {took:.0f} s")
        have = ticket_count(args.source)
    if admin_sql("SELECT 1 FROM pg_database WHERE datname = %s", [target]):
        admin_sql(f'DROP DATABASE "{target}"')  # ours: made by an earlier run of this bench
    admin_sql(f'CREATE DATABASE "{target}"')

    work = Path(args.dir or tempfile.mkdtemp(prefix="ulm-restore-bench-"))
    backup = work / "backup"
    media = work / "media"
    restored_media = work / "restored-media"
    try:
        backup_seconds, out = manage(args.source, "backup", str(backup), media=media)
        print(out)
        manifest = json.loads((backup / "manifest.json").read_text())
        dump = (backup / "database.dump").stat().st_size
        total = sum(p.stat().st_size for p in backup.rglob("*") if p.is_file())
        restore_seconds, out = manage(target, "restore", str(backup), media=restored_media)
        print(out)
        restored = ticket_count(target)
        figures = {
            "tickets": have,
            "restored_tickets": restored,
            "database_bytes": database_size(args.source),
            "restored_database_bytes": database_size(target),
            "dump_bytes": dump,
            "backup_bytes": total,
            "files": manifest["counts"]["files"],
            "backup_seconds": round(backup_seconds, 1),
            "restore_seconds": round(restore_seconds, 1),
            "postgresql": manifest["database"]["server_version"],
        }
        print(json.dumps(figures, indent=1))
        print(
            f"{have:,} tickets: database {figures['database_bytes'] / 2**30:.2f} GiB, "
            f"backup {total / 2**30:.2f} GiB (dump {dump / 2**30:.2f} GiB) "
            f"in {backup_seconds:.0f} s; restore in {restore_seconds:.0f} s "
            f"(both including the command's start-up)"
        )
        if restored != have:
            print(f"MISMATCH: {restored:,} tickets restored of {have:,}")
            return 1
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
            from django.db import connections

            connections.close_all()
            admin_sql(f'DROP DATABASE IF EXISTS "{target}"')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
