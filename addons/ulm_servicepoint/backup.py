"""Backup and restore of an installation: the database and the uploaded files, as one unit.

A backup is a directory::

    manifest.json    product version, migration state, PostgreSQL version, counts, every file
    database.dump    pg_dump, custom format (restored with pg_restore)
    files/…          the uploads the database's rows refer to (attachments, held form files,
                     Art. 15 packages, reports), by their path below MEDIA_ROOT
    SHA256SUMS       SHA-256 of every file above (``sha256sum -c SHA256SUMS`` checks it, too)

**Consistent on a running system.** ``create_backup`` opens one REPEATABLE READ transaction,
exports its snapshot (``pg_export_snapshot()``), lets ``pg_dump --snapshot`` dump exactly that
state, and lists the files the rows of that same snapshot refer to. A file is written before
its row commits, so every row in the dump has its file; a file deleted after the snapshot (say,
by retention) is named in the manifest's ``missing_files``. The backup is written to a hidden
temporary directory next to the target and renamed when complete: a backup directory that
exists is whole.

**Restore** checks every checksum first, refuses a database that holds any ticket or any user
unless forced, refuses a backup made by newer code (migrations this code does not know), copies
the files into MEDIA_ROOT, replaces the database (``pg_restore --clean --if-exists
--no-owner``, one transaction) and says which migrations to apply when the backup is older.

Every problem an operator can meet is a ``BackupError`` whose message is one sentence.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, OperationalError, connection, models, transaction

FORMAT = "ulm-servicepoint-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
DUMP = "database.dump"
FILES = "files"
# the database cache holds nothing a restore needs (and stale pages it must not bring back)
CACHE_TABLES = ("ulm_cache",)
# the embedded server (config.embedded_pg) runs as this system user when we are root
EMBEDDED_SYSTEM_USER = "embedded_postgres"
EMBEDDED_ENGINE = "config.db"
DEBIAN_PG_BINS = "/usr/lib/postgresql/*/bin"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore cannot go on; the message is one sentence for the operator."""


@dataclass(frozen=True)
class Tool:
    path: str
    major: int
    version: str


@dataclass
class BackupResult:
    path: Path
    tickets: int
    files: int
    missing_files: list[str]
    size: int
    seconds: float


@dataclass
class RestoreResult:
    path: Path
    tickets: int
    files: int
    seconds: float
    # migrations the code has and the backup has not: run ``manage.py migrate``
    pending_migrations: list[str] = field(default_factory=list)


# --- checksums ----------------------------------------------------------------------------


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _entry(root: Path, relative: str) -> dict[str, Any]:
    path = root / relative
    return {"path": relative, "size": path.stat().st_size, "sha256": sha256_of(path)}


# --- PostgreSQL client tools --------------------------------------------------------------


def _embedded() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == EMBEDDED_ENGINE


def _candidate_dirs() -> list[Path]:
    dirs: list[Path] = []
    with contextlib.suppress(Exception):  # the wheel is optional with DATABASE_URL
        from config import embedded_pg

        dirs.append(embedded_pg.bin_dir())
    dirs.extend(sorted(Path("/").glob(DEBIAN_PG_BINS.lstrip("/"))))
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return dirs


def _version_of(path: Path) -> tuple[int, str] | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL tool found by find_tool
            [str(path), "--version"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except OSError:
        return None
    match = re.search(r"(\d+)(?:\.(\d+))?", out)
    if not match:
        return None
    return int(match.group(1)), match.group(0)


def find_tool(name: str, minimum_major: int) -> Tool:
    """The ``pg_dump``/``pg_restore`` with the lowest major version ≥ ``minimum_major`` (the
    embedded wheel's, Debian's /usr/lib/postgresql/*/bin, PATH): a newer client reads older
    servers and archives, but what a much newer pg_restore writes may not run on an older
    server, so the closest fitting one is taken."""
    found: dict[str, Tool] = {}
    for directory in _candidate_dirs():
        path = directory / name
        if str(path) in found or not os.access(path, os.X_OK):
            continue
        version = _version_of(path)
        if version:
            found[str(path)] = Tool(str(path), version[0], version[1])
    fitting = sorted((t for t in found.values() if t.major >= minimum_major), key=lambda t: t.major)
    if fitting:
        return fitting[0]
    seen = ", ".join(sorted({t.version for t in found.values()})) or "none"
    raise BackupError(
        f"No {name} of PostgreSQL {minimum_major} or newer was found (found: {seen}); "
        f"install the PostgreSQL {minimum_major} client tools "
        f"(Debian: apt install postgresql-client-{minimum_major})."
    )


def _tool_env() -> dict[str, str]:
    """libpq's environment for the configured database: the password goes in PGPASSWORD,
    never on a command line other users can read."""
    params = connection.get_connection_params()
    env = dict(os.environ)  # the operator's PGSSLROOTCERT, PGPASSFILE … stay
    mapping = {
        "host": "PGHOST",
        "port": "PGPORT",
        "user": "PGUSER",
        "password": "PGPASSWORD",
        "dbname": "PGDATABASE",
        "sslmode": "PGSSLMODE",
        "sslrootcert": "PGSSLROOTCERT",
        "sslcert": "PGSSLCERT",
        "sslkey": "PGSSLKEY",
        "passfile": "PGPASSFILE",
    }
    for key, variable in mapping.items():
        if params.get(key):
            env[variable] = str(params[key])
    env.setdefault("PGDATABASE", str(settings.DATABASES["default"]["NAME"]))
    return env


def _run_tool(args: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
    """Runs a client tool against the configured database; as the embedded server's system
    user when we are root and the server is the embedded one (as config.embedded_pg does).
    Archives pass through stdin/stdout, so that user never needs access to the backup."""
    if _embedded() and os.geteuid() == 0:
        with contextlib.suppress(KeyError):
            entry = pwd.getpwnam(EMBEDDED_SYSTEM_USER)
            kwargs.update(user=entry.pw_uid, group=entry.pw_gid, cwd="/")
    try:
        # pg_dump/pg_restore chosen by find_tool, fixed arguments, no shell
        return subprocess.run(args, env=_tool_env(), check=False, **kwargs)  # noqa: S603
    except OSError as exc:
        raise BackupError(f"{args[0]} could not be started ({exc}).") from None


def _tool_failed(tool: str, result: subprocess.CompletedProcess[bytes]) -> BackupError:
    lines = [
        line.strip()
        for line in (result.stderr or b"").decode(errors="replace").splitlines()
        if line.strip()
    ]
    errors = [line for line in lines if "error:" in line or "FATAL:" in line]
    reason = (errors or lines or [f"exit status {result.returncode}"])[0]
    return BackupError(f"{Path(tool).name} failed: {reason}")


# --- the database -------------------------------------------------------------------------


def _connect() -> None:
    try:
        connection.ensure_connection()
    except OperationalError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BackupError(
            f"Cannot connect to the database ({reason}); check DATABASE_URL or the embedded "
            "PostgreSQL."
        ) from None


def _scalar(sql: str, params: tuple[Any, ...] = ()) -> Any:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def _server_version() -> tuple[int, str]:
    return int(_scalar("SHOW server_version_num")) // 10000, str(_scalar("SHOW server_version"))


def _applied_migrations() -> dict[str, list[str]]:
    if "django_migrations" not in connection.introspection.table_names():
        return {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        applied: dict[str, list[str]] = {}
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def _count(table: str) -> int:
    if table not in connection.introspection.table_names():
        return 0
    # table names come from the models' meta, quoted by the backend (reviewed for B608)
    quoted = connection.ops.quote_name(table)
    return int(_scalar(f"SELECT count(*) FROM {quoted}"))  # noqa: S608  # nosec B608


def _ticket_table() -> str:
    return apps.get_model("helpdesk", "Ticket")._meta.db_table


def _user_table() -> str:
    from django.contrib.auth import get_user_model

    return get_user_model()._meta.db_table


def _file_fields() -> Iterator[tuple[type[models.Model], models.FileField]]:
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for model_field in meta.concrete_fields:
            if isinstance(model_field, models.FileField):
                yield model, model_field


def referenced_files() -> set[str]:
    """The names (below MEDIA_ROOT) of every file a row of the current transaction refers to:
    all FileFields of all installed models (attachments, held files, Art. 15 packages …)."""
    names: set[str] = set()
    tables = set(connection.introspection.table_names())
    for model, file_field in _file_fields():
        if model._meta.db_table not in tables:
            continue
        rows = (
            model._base_manager.exclude(**{f"{file_field.name}__isnull": True})
            .exclude(**{file_field.name: ""})
            .values_list(file_field.name, flat=True)
        )
        names.update(str(name) for name in rows.iterator(chunk_size=10000))
    return names


def _safe_relative(name: str) -> str | None:
    """``name`` as a relative POSIX path below MEDIA_ROOT, or None when it would leave it."""
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return str(path)


# --- product ------------------------------------------------------------------------------


def product_version() -> dict[str, str | None]:
    version = None
    with contextlib.suppress(Exception):
        from importlib.metadata import version as dist_version

        version = dist_version("ulm-servicepoint")
    if version is None:
        with contextlib.suppress(Exception):
            import tomllib

            pyproject = Path(settings.BASE_DIR) / "pyproject.toml"
            version = tomllib.loads(pyproject.read_text())["project"]["version"]
    git = None
    with contextlib.suppress(Exception):
        result = subprocess.run(
            ["git", "describe", "--tags", "--always", "--dirty"],  # noqa: S607
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        if result.returncode == 0:
            git = result.stdout.strip() or None
    return {"name": "ulm-servicepoint", "version": version, "git": git}


# --- backup -------------------------------------------------------------------------------


def _prepare_target(target: Path) -> None:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} already exists and is not empty; name a new directory.")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(f"{target.parent} cannot be created ({exc.strerror}).") from None
    if not os.access(target.parent, os.W_OK):
        raise BackupError(f"{target.parent} is not writable for this user.")


def _dump_in_snapshot(work: Path) -> dict[str, Any]:
    """Dumps the database and reads everything the manifest says about it, all in one
    REPEATABLE READ snapshot; returns the manifest's database part and the file names."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        major, version = _server_version()
        pg_dump = find_tool("pg_dump", major)
        excluded = [
            f"--exclude-table-data={table}"
            for table in CACHE_TABLES
            if table in connection.introspection.table_names()
        ]
        with open(work / DUMP, "wb") as out:
            result = _run_tool(
                [pg_dump.path, "--format=custom", f"--snapshot={snapshot}", *excluded],
                stdout=out,
                stderr=subprocess.PIPE,
            )
        if result.returncode != 0:
            raise _tool_failed(pg_dump.path, result)
        return {
            "snapshot": snapshot,
            "server_version": version,
            "server_major": major,
            "pg_dump_version": pg_dump.version,
            "pg_dump_major": pg_dump.major,
            "migrations": _applied_migrations(),
            "tickets": _count(_ticket_table()),
            "users": _count(_user_table()),
            "files": sorted(referenced_files()),
        }


def _copy_files(names: list[str], work: Path) -> tuple[list[str], list[str]]:
    media = Path(settings.MEDIA_ROOT)
    copied: list[str] = []
    missing: list[str] = []
    for name in names:
        relative = _safe_relative(name)
        if relative is None or not (media / relative).is_file():
            missing.append(name)
            continue
        source = media / relative
        destination = work / FILES / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copy2(source, destination)
        except FileNotFoundError:  # deleted after the snapshot (e.g. by retention)
            missing.append(name)
            continue
        copied.append(f"{FILES}/{relative}")
    return copied, missing


def _write_sums(root: Path, entries: list[dict[str, Any]]) -> None:
    lines = [f"{e['sha256']}  {e['path']}\n" for e in entries]
    lines.append(f"{sha256_of(root / MANIFEST)}  {MANIFEST}\n")
    (root / SUMS).write_text("".join(lines), encoding="utf-8")


def _fsync_tree(root: Path) -> None:
    for path in [*root.rglob("*"), root]:
        with contextlib.suppress(OSError):
            descriptor = os.open(path, os.O_RDONLY)
            try:
                os.fsync(descriptor)
            finally:
                os.close(descriptor)


def create_backup(target: Path | str) -> BackupResult:
    """Writes a complete backup of the configured database and its files to ``target`` (a
    directory that must not exist yet or be empty). Raises BackupError."""
    started = time.monotonic()
    target = Path(target).absolute()
    _prepare_target(target)
    _connect()
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        state = _dump_in_snapshot(work)
        copied, missing = _copy_files(state["files"], work)
        entries = [_entry(work, DUMP), *(_entry(work, name) for name in copied)]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "product": product_version(),
            "database": {
                "name": str(settings.DATABASES["default"]["NAME"]),
                "server_version": state["server_version"],
                "server_major": state["server_major"],
                "pg_dump_version": state["pg_dump_version"],
                "pg_dump_major": state["pg_dump_major"],
                "snapshot": state["snapshot"],
                "dump": DUMP,
            },
            "migrations": state["migrations"],
            "counts": {
                "tickets": state["tickets"],
                "users": state["users"],
                "files": len(copied),
            },
            "missing_files": missing,
            "files": entries,
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _write_sums(work, entries)
        _fsync_tree(work)
        if target.exists():
            target.rmdir()  # checked empty above
        work.chmod(0o700)  # the dump holds citizens' personal data
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    size = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
    return BackupResult(
        path=target,
        tickets=state["tickets"],
        files=len(copied),
        missing_files=missing,
        size=size,
        seconds=time.monotonic() - started,
    )


# --- verify -------------------------------------------------------------------------------


def _read_sums(source: Path) -> dict[str, str]:
    path = source / SUMS
    if not path.is_file():
        raise BackupError(f"{path} is missing: this backup is incomplete or damaged.")
    sums: dict[str, str] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines()):
        match = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line.strip())
        if not match:
            raise BackupError(f"{path} is damaged (line {number + 1} is not a checksum line).")
        sums[match.group(2)] = match.group(1)
    return sums


def read_manifest(source: Path | str) -> dict[str, Any]:
    """The backup's manifest, checked against SHA256SUMS; raises BackupError when it is
    missing, unreadable, of another format, or does not match its checksum."""
    source = Path(source).absolute()
    if not source.is_dir():
        raise BackupError(f"{source} is not a directory with a backup.")
    path = source / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} is not a backup: {MANIFEST} is missing.")
    sums = _read_sums(source)
    if sums.get(MANIFEST) != sha256_of(path):
        raise BackupError(f"{path} does not match its checksum in {SUMS}: the backup is damaged.")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is damaged ({exc}).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not the manifest of a ulm-servicepoint backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{path} has format version {manifest.get('format_version')!r}; this code reads "
            f"version {FORMAT_VERSION}."
        )
    try:
        entries = manifest["files"]
        names = [str(e["path"]) for e in entries]
        for entry in entries:
            int(entry["size"]), str(entry["sha256"])
        manifest["database"]["dump"], manifest["migrations"], manifest["counts"]["tickets"]
    except (KeyError, TypeError, ValueError):
        raise BackupError(f"{path} is damaged (a required entry is missing).") from None
    if DUMP not in names:
        raise BackupError(f"{path} is damaged (it lists no {DUMP}).")
    for name in names:
        safe = _safe_relative(name)
        if safe != name or not (name == DUMP or name.startswith(f"{FILES}/")):
            raise BackupError(f"{path} is damaged (it lists {name!r}, outside the backup).")
        if sums.get(name) is None:
            raise BackupError(f"{name} has no checksum in {SUMS}: the backup is damaged.")
    return manifest


def verify_backup(source: Path | str) -> dict[str, Any]:
    """Checks the manifest and every file's size and SHA-256; returns the manifest. Raises
    BackupError naming the first damaged or missing file."""
    source = Path(source).absolute()
    manifest = read_manifest(source)
    sums = _read_sums(source)
    for entry in manifest["files"]:
        name = entry["path"]
        path = source / name
        if not path.is_file():
            raise BackupError(f"The backup is damaged: {name} is missing.")
        if path.stat().st_size != int(entry["size"]):
            raise BackupError(
                f"The backup is damaged: {name} has {path.stat().st_size} bytes, "
                f"the manifest says {entry['size']}."
            )
        actual = sha256_of(path)
        if actual != entry["sha256"] or actual != sums[name]:
            raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    return manifest


# --- restore ------------------------------------------------------------------------------


def _migration_names(applied: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {(app, name) for app, names in applied.items() for name in names}


def _unknown_migrations(manifest: dict[str, Any]) -> list[str]:
    """Migrations the backup has applied that this code does not have (newer code made it)."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    installed = set(loader.migrated_apps)
    return sorted(
        f"{app}.{name}"
        for app, name in _migration_names(manifest["migrations"])
        if app in installed and (app, name) not in known
    )


def pending_migrations() -> list[str]:
    """Migrations of the code not applied to the configured database."""
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, backwards in plan]


def _refuse_non_empty(force: bool) -> None:
    tickets, users = _count(_ticket_table()), _count(_user_table())
    if (tickets or users) and not force:
        raise BackupError(
            f"The database {settings.DATABASES['default']['NAME']} is not empty ({tickets} "
            f"tickets, {users} users); restore into an empty database, or add --force to "
            "replace its contents."
        )


def _drop_relations() -> None:
    """Drops the tables, views and sequences of the public schema (pg_restore --clean drops
    only what the dump holds; tables of newer migrations would otherwise stay behind)."""
    kinds = {"r": "TABLE", "p": "TABLE", "v": "VIEW", "m": "MATERIALIZED VIEW", "S": "SEQUENCE"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname, c.relkind FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = 'public' AND c.relkind = ANY(%s) "
            "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid "
            "AND d.deptype IN ('e', 'i', 'a'))",
            [list(kinds)],
        )
        for name, kind in cursor.fetchall():
            cursor.execute(
                f"DROP {kinds[kind]} IF EXISTS public.{connection.ops.quote_name(name)} CASCADE"
            )


def _restore_files(source: Path, manifest: dict[str, Any]) -> int:
    media = Path(settings.MEDIA_ROOT)
    count = 0
    for entry in manifest["files"]:
        name = entry["path"]
        if name == DUMP:
            continue
        destination = media / name.removeprefix(f"{FILES}/")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
            partial = destination.with_name(f".{destination.name}.restoring")
            shutil.copy2(source / name, partial)
            os.replace(partial, destination)
        except OSError as exc:
            raise BackupError(f"{destination} cannot be written ({exc.strerror}).") from None
        count += 1
    return count


def restore_backup(source: Path | str, *, force: bool = False) -> RestoreResult:
    """Restores a backup into the configured database and MEDIA_ROOT: verifies it, refuses
    a non-empty database unless ``force``, refuses a backup of newer code, replaces the
    database in one transaction. ``pending_migrations`` of the result lists what
    ``manage.py migrate`` still has to apply (the backup is older). Raises BackupError."""
    started = time.monotonic()
    source = Path(source).absolute()
    manifest = verify_backup(source)
    unknown = _unknown_migrations(manifest)
    if unknown:
        shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise BackupError(
            f"This backup was made by a newer version of the product "
            f"({manifest['product'].get('git') or manifest['product'].get('version')}; "
            f"migrations this code does not know: {shown}); install that version to restore it."
        )
    _connect()
    server_major, _version = _server_version()
    pg_restore = find_tool(
        "pg_restore", max(server_major, int(manifest["database"].get("pg_dump_major", 0)))
    )
    _refuse_non_empty(force)
    files = _restore_files(source, manifest)
    _drop_relations()
    connection.close()
    with open(source / DUMP, "rb") as dump:
        result = _run_tool(
            [
                pg_restore.path,
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-privileges",
                "--single-transaction",
                "--exit-on-error",
                f"--dbname={_tool_env()['PGDATABASE']}",
            ],
            stdin=dump,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
    if result.returncode != 0:
        raise _tool_failed(pg_restore.path, result)
    connection.close()
    try:
        restored = _migration_names(_applied_migrations())
        if restored != _migration_names(manifest["migrations"]):
            raise BackupError(
                "The restored database's migration state differs from the manifest's; "
                "the restore is incomplete."
            )
        pending = pending_migrations()
        tickets = _count(_ticket_table())
    except DatabaseError as exc:
        raise BackupError(f"The restored database cannot be read ({exc}).") from None
    return RestoreResult(
        path=source,
        tickets=tickets,
        files=files,
        seconds=time.monotonic() - started,
        pending_migrations=pending,
    )
