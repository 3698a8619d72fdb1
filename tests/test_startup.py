"""Start-up and bad input: each mistake gives one clear sentence, never a traceback; the embedded
PostgreSQL is shared by concurrent processes, stopped by the last one, and survives a stale lock."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import psutil
import pytest

BASE_DIR = Path(__file__).resolve().parent.parent


def run(args: list[str], timeout: float = 120, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    environment.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "SECRET_KEY": "test-only", **env}
    )
    environment = {k: v for k, v in environment.items() if v is not None and v != "<unset>"}
    return subprocess.run(
        [sys.executable, *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_sentence(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-1500:]
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1, message
    for word in words:
        assert word in message, message


def test_unreachable_database_url():
    result = run(
        ["manage.py", "migrate", "--check"],
        DATABASE_URL="postgres://ulm:secret@127.0.0.1:1/ulm",
        PGCONNECT_TIMEOUT="3",
    )
    assert_one_sentence(result, "Cannot connect to the database", "DATABASE_URL")


def test_database_url_of_another_kind():
    result = run(["manage.py", "check"], DATABASE_URL="mysql://u:p@localhost/ulm")
    assert_one_sentence(result, "DATABASE_URL must point to PostgreSQL")


def test_missing_secret_key_in_production():
    result = run(["manage.py", "check"], DEBUG="false", SECRET_KEY="<unset>")
    assert_one_sentence(result, "SECRET_KEY is not set")


def test_production_settings_pass_the_deployment_checks():
    result = run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-" + "x" * 40,
        SECURE_SSL_REDIRECT="<unset>",  # production defaults, not the test run's relaxation
        SECURE_COOKIES="<unset>",
        SECURE_HSTS_SECONDS="<unset>",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_run_refuses_a_port_in_use(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["-m", "config.run"], PORT=str(port), ULM_VAR_DIR=str(tmp_path))
    assert_one_sentence(result, f"Port {port}", "in use", "make run PORT=")


def test_second_run_says_the_first_is_running(tmp_path):
    # a process that looks like a running `make run` holds the pid file
    first = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)", "config.run"])
    try:
        (tmp_path / "run.pid").write_text(str(first.pid))
        result = run(["-m", "config.run"], ULM_VAR_DIR=str(tmp_path))
    finally:
        first.kill()
        first.wait()
    assert_one_sentence(result, "already running", f"PID {first.pid}")


EMBEDDED = textwrap.dedent(
    """
    import sys, time
    from config import embedded_pg
    embedded_pg.ensure_running(database="probe")
    print("up", flush=True)
    sys.stdin.readline()  # hold the lease until told to go
    """
)


def start_user(pg_dir: Path) -> subprocess.Popen[str]:
    env = dict(os.environ, ULM_PG_DIR=str(pg_dir))
    user = subprocess.Popen(
        [sys.executable, "-c", EMBEDDED],
        cwd=BASE_DIR,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert user.stdout is not None
    line = user.stdout.readline().strip()
    assert line == "up", user.stderr.read() if user.stderr else ""
    return user


def postmaster(pg_dir: Path) -> psutil.Process | None:
    pidfile = pg_dir / "data" / "postmaster.pid"
    if not pidfile.exists():
        return None
    pid = int(pidfile.read_text().splitlines()[0])
    return psutil.Process(pid) if psutil.pid_exists(pid) else None


@pytest.fixture
def pg_dir():
    """A data directory outside pytest's temporary root, which pytest keeps at mode 0700 (and
    resets when another pytest session starts): PostgreSQL runs as another user and must
    reach it."""
    parent = BASE_DIR / "var" / "test-pg"
    parent.mkdir(parents=True, exist_ok=True)
    path = Path(tempfile.mkdtemp(dir=parent)) / "pg"
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.mark.timeout(300)
def test_embedded_server_is_shared_and_stopped_by_the_last_user(pg_dir):
    first = start_user(pg_dir)
    server = postmaster(pg_dir)
    assert server is not None
    second = start_user(pg_dir)
    assert postmaster(pg_dir).pid == server.pid, "the second process reuses the running server"

    first.communicate("\n", timeout=120)
    assert server.is_running(), "still in use by the second process"

    second.communicate("\n", timeout=120)
    server.wait(timeout=120)
    assert postmaster(pg_dir) is None, "the last user stopped it"


@pytest.mark.timeout(300)
def test_embedded_server_starts_over_a_stale_lock(pg_dir):
    # given a server that was killed hard, leaving postmaster.pid behind …
    user = start_user(pg_dir)
    server = postmaster(pg_dir)
    os.kill(server.pid, signal.SIGKILL)
    server.wait(timeout=120)
    user.kill()
    user.wait()
    # … whose PID now belongs to a live process that is not PostgreSQL
    impostor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        pidfile = pg_dir / "data" / "postmaster.pid"
        lines = pidfile.read_text().splitlines()
        pidfile.write_text("\n".join([str(impostor.pid), *lines[1:]]) + "\n")
        # when the next process needs the database, a new PostgreSQL starts (not the impostor)
        again = start_user(pg_dir)
        server = postmaster(pg_dir)
        assert server is not None
        assert server.pid != impostor.pid
        assert "postgres" in server.name()
        again.communicate("\n", timeout=120)
    finally:
        impostor.kill()
        impostor.wait()


RACE = textwrap.dedent(
    """
    import sys
    from config import embedded_pg
    embedded_pg.SYSTEM_USER = sys.argv[1]  # a user that does not exist yet on this machine
    embedded_pg.ensure_running(database="probe")
    print("up", flush=True)
    sys.stdin.readline()
    """
)


@pytest.mark.timeout(300)
def test_two_installations_set_up_at_once_both_succeed(pg_dir):
    """Two checkouts on one machine, each initialising its embedded server for the first time,
    both create the server's system user: one creates it, the other waits and uses it (this
    race once failed a ``make setup`` with "initdb: could not look up effective user ID")."""
    assert os.geteuid() == 0, "the system user is only created when running as root (CI is)"
    user = f"ulm_race_{os.getpid()}"
    dirs = [pg_dir.parent / "a", pg_dir.parent / "b"]
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, user],
            cwd=BASE_DIR,
            env=dict(os.environ, ULM_PG_DIR=str(path)),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in dirs
    ]
    try:
        for start in starts:
            out, err = start.communicate("\n", timeout=240)
            assert start.returncode == 0, err[-2000:]
            assert out.strip() == "up"
        for path in dirs:
            assert (path / "data" / "PG_VERSION").exists()
            assert postmaster(path) is None, "each stopped its server when it exited"
    finally:
        for start in starts:
            start.kill()
        subprocess.run(["userdel", user], capture_output=True, check=False)
        subprocess.run(["groupdel", user], capture_output=True, check=False)


def test_a_server_too_old_or_without_extensions_is_named_at_start():
    """PostgreSQL 14 and a server without contrib cannot be installed here (Debian 12 has 15,
    with contrib): the check reads the server's answer, given here as such a server sends it."""
    from config.startup import server_problem

    class Server:
        def __init__(self, row):
            self.row = row

        def cursor(self):
            return self

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, sql, params):
            assert "pg_available_extensions" in sql

        def fetchone(self):
            return self.row

    too_old = server_problem(Server((140011, "14.11", ["pg_trgm", "unaccent"])))
    assert "PostgreSQL 14.11 is too old" in too_old
    assert "15" in too_old
    bare = server_problem(Server((150020, "15.20", ["pg_trgm"])))
    assert "unaccent" in bare
    assert "pg_trgm" not in bare
    assert server_problem(Server((170000, "17.0", ["pg_trgm", "unaccent"]))) is None


def test_an_unmigrated_database_stops_a_command_with_one_sentence():
    from config import embedded_pg

    database = f"ulm_unmigrated_{os.getpid()}"
    try:
        result = run(["manage.py", "apply_retention"], ULM_DB_NAME=database)
    finally:
        embedded_pg.drop_database(database)
    assert_one_sentence(result, "migrate", "init_city")


@pytest.mark.django_db
def test_the_real_server_passes_the_start_check():
    from django.db import connection

    from config.startup import server_problem

    assert server_problem(connection) is None
