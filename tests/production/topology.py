"""The production topology on this machine, started the way the README's production guide says.

- **PostgreSQL**: Debian's PostgreSQL 15 (``postgresql`` package). As root, a cluster of its
  own is made with ``pg_createcluster`` (owned by the ``postgres`` system user, as a production
  install is), started and restarted with ``pg_ctlcluster`` and removed with ``pg_dropcluster``.
  As any other user the same server binaries are run directly (``initdb``/``pg_ctl`` from
  ``/usr/lib/postgresql/15/bin``) in a temporary directory. Either way: a free loopback port, a
  role ``ulm`` with a random password, password authentication (scram-sha-256) only over TCP,
  a database ``ulm`` owned by that role. Clusters left by a killed test run are swept away the
  next time (their name carries the creating process's id).
- **The product** reaches it only through ``DATABASE_URL=postgres://ulm:PASSWORD@127.0.0.1:PORT/ulm``
  with production settings (``DEBUG=false``, a ``SECRET_KEY``, ``SECURE_SSL_REDIRECT=false`` as
  behind a TLS proxy, ``EMAIL_HOST`` a real SMTP server on loopback).
- static files: those ``make setup``'s ``collectstatic`` left in ``var/static``;
- ``manage.py migrate``, then the city's data: ``manage.py
  init_city config/city.example.yaml`` (or ``manage.py load_demo``, see ``city_config``).
- **Supervision** like the guide's systemd units (``Restart=always``), see ``supervise``.
- **Web**: N gunicorn instances, the command of ``deploy/ulm-servicepoint-web.service`` (its
  ``--bind`` and ``--workers`` set per instance).
- **Workers**: M processes, the command of ``deploy/ulm-servicepoint-worker@.service``.

Every process runs in its own process group with its output in a log file under
``Topology.dir`` (``web-0.log``, ``worker-1.log``, …); nothing is read from pipes.

Usage (stable API, used by tests/production and bench/ — part L)::

    from tests.production.topology import Topology

    with Topology(webs=2, workers=2, env={"ULM_CHANNELS_RATE_LIMIT_PER_IP": "100000"}) as topo:
        topo.web_urls                 # ["http://127.0.0.1:PORT0", "http://127.0.0.1:PORT1"]
        topo.database_url             # postgres://ulm:…@127.0.0.1:PORT/ulm
        topo.smtp.messages            # mail the workers delivered (tests.support.smtp.SmtpServer)
        topo.sql("SELECT count(*) FROM helpdesk_ticket")   # → [(n,)]  (own short connection)
        topo.manage("poll_mail")      # subprocess.CompletedProcess, production env, checked
        topo.kill_web(0); topo.start_web(0)           # SIGKILL the instance's process group
        topo.kill_worker(1); topo.start_worker(1)
        topo.stop_worker(1)                            # SIGTERM (graceful)
        topo.postgres.restart() / .stop() / .start()   # the database server
        topo.wait_web_ready(0)                         # /healthz answers 200
        topo.log("worker-0")                           # text of a process's log
        topo.get(0, "/kontakt/")                       # (status, body); (0, reason) if no answer
        topo.env()                                     # the product's environment (for Popen)
        topo.timings, topo.restarts, topo.admin_password

    # a citizen at the contact form over HTTP (CSRF, time trap): tests/production/citizens.py
    from tests.production.citizens import submit_contact_form
    result = submit_contact_form(topo.web_urls[0], subject="…", email="…@example.org")
    result.acknowledged, result.reference, result.seconds

``Topology(...)`` arguments (all keywords, all optional):

- ``webs=2``, ``workers=2``, ``web_processes=2`` (gunicorn ``--workers``);
- ``env``: extra environment for every product process (also ``manage``);
- ``smtp``: a started ``tests.support.smtp.SmtpServer`` to deliver to (default: one is started
  and stopped with the topology); ``smtp_port``: deliver to this port instead (no server made);
- ``city_config``: the YAML for ``manage.py init_city`` (default ``config/city.example.yaml``:
  Stadt Musterstadt, first admin ``admin`` with password ``topo.admin_password``);
  ``None``: ``manage.py load_demo`` instead (the demo city with its agents, e.g. for a load
  bench that logs agents in: ``ulm_servicepoint.demo.DEMO_PASSWORD``);
- ``load_data=False`` skips the data step (the caller loads its own);
- ``supervise=True``: like the production guide's systemd units (``Restart=always``), a web
  instance or worker that ends by itself (a procrastinate worker ends when its listening
  database connection breaks, e.g. in a PostgreSQL restart) is started again after
  ``restart_seconds=2.0``; ``topo.restarts`` counts it per process name.
  Processes ended through ``kill_*``/``stop_*`` are not restarted (call ``start_*``);
- ``keep=False``: ``True`` leaves the cluster and log directory in place after ``stop()``
  (for looking at a failure; the next run sweeps the cluster).

``start()`` returns ``self`` and cleans up everything it started when it fails part-way;
``stop()`` is idempotent and also runs at interpreter exit. Module-level helpers:
``PostgresCluster`` (the server alone: ``start/stop/restart/drop``, ``url``, ``port``,
``password``, ``superuser_sql``) and ``sweep_stale_clusters()``.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

from tests.support.deploy import WEB_UNIT, WORKER_UNIT, local_command, unit_command, with_option
from tests.support.net import free_port
from tests.support.smtp import SmtpServer
from tests.support.wait import wait_for

BASE_DIR = Path(__file__).resolve().parents[2]
PG_VERSION = "15"
PG_BIN = Path(f"/usr/lib/postgresql/{PG_VERSION}/bin")
CLUSTER_PREFIX = "ulmtest_"
DB_NAME = DB_USER = "ulm"
# a real city's first start (``manage.py init_city``), as the production guide begins
EXAMPLE_CITY = BASE_DIR / "config" / "city.example.yaml"
DEFAULT_CITY_CONFIG = str(EXAMPLE_CITY) if EXAMPLE_CITY.exists() else None


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _debian_tools() -> bool:
    """pg_createcluster can be used: we are root (a cluster is owned by ``postgres``)."""
    return os.geteuid() == 0 and shutil.which("pg_createcluster") is not None


def sweep_stale_clusters() -> list[str]:
    """Drops clusters a previous, killed test run left behind (``ulmtest_<pid>_…`` whose
    process is gone). Returns their names."""
    dropped: list[str] = []
    if not _debian_tools():
        return dropped
    etc = Path(f"/etc/postgresql/{PG_VERSION}")
    for conf in etc.glob(f"{CLUSTER_PREFIX}*") if etc.exists() else []:
        try:
            pid = int(conf.name[len(CLUSTER_PREFIX) :].split("_")[0])
        except ValueError:
            continue
        if not _pid_alive(pid):
            subprocess.run(["pg_dropcluster", "--stop", PG_VERSION, conf.name], capture_output=True)
            dropped.append(conf.name)
    return dropped


class PostgresCluster:
    """A PostgreSQL 15 cluster of the test's own on a free loopback port."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.password = secrets.token_urlsafe(18)
        self.debian = _debian_tools()
        self.name = f"{CLUSTER_PREFIX}{os.getpid()}_{self.port}"
        self.dir = Path(tempfile.mkdtemp(prefix="ulm-pg-"))  # initdb mode's data and socket
        self.created = False

    @property
    def url(self) -> str:
        return f"postgres://{DB_USER}:{self.password}@127.0.0.1:{self.port}/{DB_NAME}"

    @property
    def logfile(self) -> Path:
        if self.debian:
            return Path(f"/var/log/postgresql/postgresql-{PG_VERSION}-{self.name}.log")
        return self.dir / "postgresql.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(
                f"{' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
            )
        return result

    def create(self) -> PostgresCluster:
        options = [
            "listen_addresses='127.0.0.1'",
            "password_encryption=scram-sha-256",
            "max_connections=100",
            "shared_buffers=64MB",
            # a test server: no waiting for the disk (a clean stop/restart still loses nothing;
            # only an operating-system crash would)
            "fsync=off",
            "synchronous_commit=off",
            "full_page_writes=off",
        ]
        if self.debian:
            sweep_stale_clusters()
            args = ["pg_createcluster", PG_VERSION, self.name, "-p", str(self.port)]
            args += ["--start-conf=manual", "--locale=C.UTF-8", "-q"]
            # local (socket) connections: the postgres system user only; TCP: scram passwords
            args += ["--", "--auth-local=peer", "--auth-host=scram-sha-256"]
            self._run(*args)
            conf_d = Path(f"/etc/postgresql/{PG_VERSION}/{self.name}/conf.d")
            conf_d.mkdir(exist_ok=True)
            (conf_d / "ulm-test.conf").write_text("\n".join(options) + "\n", encoding="utf-8")
        else:
            data = self.dir / "data"
            self._run(
                str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--locale=C.UTF-8",
                "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256",
            )  # fmt: skip
            with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
                for option in [
                    *options,
                    f"port={self.port}",
                    f"unix_socket_directories='{self.dir}'",
                ]:
                    conf.write(option + "\n")
        self.created = True
        self.start()
        self.superuser_sql(
            f"CREATE ROLE {DB_USER} LOGIN PASSWORD '{self.password}'",
            f"CREATE DATABASE {DB_NAME} OWNER {DB_USER}",
        )
        return self

    def superuser_sql(self, *statements: str, database: str = "postgres") -> str:
        """Runs SQL as the cluster's superuser over the local socket (psql)."""
        if self.debian:
            args = [
                "runuser",
                "-u",
                "postgres",
                "--",
                "psql",
                "--cluster",
                f"{PG_VERSION}/{self.name}",
            ]
        else:
            args = [
                str(PG_BIN / "psql"),
                "-h",
                str(self.dir),
                "-p",
                str(self.port),
                "-U",
                "postgres",
            ]
        args += ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", database]
        for statement in statements:
            args += ["-c", statement]
        return self._run(*args).stdout

    def _ctl(self, action: str) -> None:
        if self.debian:
            self._run(
                "pg_ctlcluster",
                PG_VERSION,
                self.name,
                action,
                *(["-m", "fast"] if action in ("stop", "restart") else []),
            )
        else:
            args = [
                str(PG_BIN / "pg_ctl"),
                "-D",
                str(self.dir / "data"),
                "-w",
                "-l",
                str(self.logfile),
            ]
            if action in ("stop", "restart"):
                args += ["-m", "fast"]
            self._run(*args, action)

    def start(self) -> None:
        self._ctl("start")

    def stop(self) -> None:
        self._ctl("stop")

    def restart(self) -> None:
        self._ctl("restart")

    def is_running(self) -> bool:
        import socket

        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", self.port), timeout=0.5),
        ):
            return True
        return False

    def drop(self) -> None:
        """Stops the server and removes the cluster (data, configuration, log)."""
        if self.created:
            if self.debian:
                subprocess.run(
                    ["pg_dropcluster", "--stop", PG_VERSION, self.name], capture_output=True
                )
                with contextlib.suppress(OSError):
                    self.logfile.unlink()
            else:
                subprocess.run(
                    [
                        str(PG_BIN / "pg_ctl"),
                        "-D",
                        str(self.dir / "data"),
                        "-m",
                        "immediate",
                        "stop",
                    ],
                    capture_output=True,
                )
            self.created = False
        shutil.rmtree(self.dir, ignore_errors=True)


class Topology:
    """PostgreSQL 15 + ``webs`` gunicorn instances + ``workers`` procrastinate workers."""

    def __init__(
        self,
        *,
        webs: int = 2,
        workers: int = 2,
        web_processes: int = 2,
        env: dict[str, str] | None = None,
        smtp: SmtpServer | None = None,
        smtp_port: int | None = None,
        city_config: str | None = DEFAULT_CITY_CONFIG,
        load_data: bool = True,
        keep: bool = False,
        supervise: bool = True,
        restart_seconds: float = 2.0,
    ) -> None:
        self.webs, self.workers, self.web_processes = webs, workers, web_processes
        self.extra_env = dict(env or {})
        self._own_smtp = smtp is None and smtp_port is None
        self.smtp: SmtpServer | None = smtp
        self.smtp_port = smtp_port
        self.city_config, self.load_data, self.keep = city_config, load_data, keep
        self.dir = Path(tempfile.mkdtemp(prefix="ulm-topology-"))
        self.postgres = PostgresCluster()
        self.web_ports = [free_port() for _ in range(webs)]
        self.processes: dict[str, subprocess.Popen] = {}
        self.secret_key = secrets.token_urlsafe(40)
        self.admin_password = secrets.token_urlsafe(12)  # init_city's first administrator
        self.city_name = ""  # ULM_CITY_NAME, from the city's configuration
        if city_config:
            import yaml

            self.city_name = str(yaml.safe_load(Path(city_config).read_text("utf-8"))["city"])
        self._started = False
        # seconds each start-up step took: cluster, migrate, data, web+workers
        self.timings: dict[str, float] = {}
        # like systemd's Restart=always (the production guide's units): a web instance or worker
        # that ends by itself is started again after ``restart_seconds``; ``restarts`` counts it
        self.supervise = supervise
        self.restart_seconds = restart_seconds
        self.restarts: Counter[str] = Counter()
        self._supervisor: threading.Thread | None = None
        self._lock = threading.RLock()

    # --- lifecycle ------------------------------------------------------------------------
    def __enter__(self) -> Topology:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> Topology:
        atexit.register(self.stop)
        self._started = True
        try:
            if self._own_smtp:
                self.smtp = SmtpServer().start()
            step = time.monotonic()

            def took(name: str) -> None:
                nonlocal step
                self.timings[name] = round(time.monotonic() - step, 1)
                step = time.monotonic()

            self.postgres.create()
            took("cluster")
            self.manage("migrate", "--no-input", "-v", "0")
            took("migrate")
            if self.load_data:
                if self.city_config:
                    self.manage("init_city", self.city_config)
                else:
                    self.manage("load_demo")
                took("data")
            for index in range(self.webs):
                self.start_web(index)
            for index in range(self.workers):
                self.start_worker(index)
            for index in range(self.webs):
                self.wait_web_ready(index)
            took("processes")
            if self.supervise:
                self._supervisor = threading.Thread(target=self._watch, daemon=True)
                self._supervisor.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if not self._started:
            return
        self._started = False
        if self._supervisor is not None:
            self._supervisor.join(timeout=5)
        for name in list(self.processes):
            self._stop_process(name, signal.SIGTERM)
        if not self.keep:
            self.postgres.drop()
        if self._own_smtp and self.smtp is not None:
            self.smtp.stop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)
        with contextlib.suppress(Exception):
            atexit.unregister(self.stop)

    # --- environment and commands ---------------------------------------------------------
    @property
    def database_url(self) -> str:
        return self.postgres.url

    @property
    def web_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.web_ports]

    def env(self, **extra: str) -> dict[str, str]:
        """The environment of every product process: production settings, our database."""
        keep = {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PYTHONPATH"}
        env = {k: v for k, v in os.environ.items() if k in keep}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.database_url,
            DEBUG="false",
            SECRET_KEY=self.secret_key,
            SECURE_SSL_REDIRECT="false",
            SECURE_COOKIES="false",  # plain http on loopback (production: TLS at the proxy)
            ALLOWED_HOSTS="127.0.0.1,localhost",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=str(self.smtp.port if self.smtp is not None else self.smtp_port),
            EMAIL_USE_TLS="false",
            # the static files ``make setup`` collected (collectstatic compresses every file:
            # minutes on a busy machine, the same result each time); uploads are the topology's
            ULM_VAR_DIR=str(BASE_DIR / "var"),
            MEDIA_ROOT=str(self.dir / "media"),
            ULM_ADMIN_PASSWORD=self.admin_password,
            **({"ULM_CITY_NAME": self.city_name} if self.city_name else {}),
            PYTHONUNBUFFERED="1",
        )
        env.update(self.extra_env)
        env.update(extra)
        return env

    def manage(
        self, *args: str, check: bool = True, timeout: float = 600, **extra_env: str
    ) -> subprocess.CompletedProcess:
        """``python manage.py ARGS`` with the production environment; output captured."""
        result = subprocess.run(
            [sys.executable, str(BASE_DIR / "manage.py"), *args],
            cwd=BASE_DIR,
            env=self.env(**extra_env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def sql(self, query: str, params: Any = None) -> list[tuple]:
        """Runs one statement as the product's role on a short connection of its own; the rows
        (empty for statements without a result). Committed."""
        import psycopg

        with psycopg.connect(
            self.database_url.replace("postgres://", "postgresql://"), autocommit=True
        ) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    # --- processes ------------------------------------------------------------------------
    def _watch(self) -> None:
        while self._started:
            time.sleep(0.5)
            with self._lock:
                ended = [n for n, p in self.processes.items() if p.poll() is not None]
            for name in ended:
                time.sleep(self.restart_seconds)
                with self._lock:
                    process = self.processes.get(name)
                    if not self._started or process is None or process.poll() is None:
                        continue  # stopped on purpose meanwhile, or already started again
                    self.restarts[name] += 1
                    kind, index = name.rsplit("-", 1)
                    if kind == "web":
                        self.start_web(int(index))
                    else:
                        self.start_worker(int(index))

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen:
        with self._lock:
            return self._spawn_locked(name, args)

    def _spawn_locked(self, name: str, args: list[str]) -> subprocess.Popen:
        self._stop_process(name, signal.SIGKILL)
        log = (self.dir / f"{name}.log").open("ab")
        log.write(f"\n=== started {time.strftime('%H:%M:%S')}: {' '.join(args)}\n".encode())
        log.flush()
        process = subprocess.Popen(
            args, cwd=BASE_DIR, env=self.env(), stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.processes[name] = process
        return process

    def _stop_process(self, name: str, sig: int, timeout: float = 20) -> None:
        with self._lock:  # popped first: the supervisor does not start it again
            process = self.processes.pop(name, None)
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        if sig != signal.SIGKILL:  # gunicorn's workers, should any outlive their master
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    def start_web(self, index: int) -> subprocess.Popen:
        port = self.web_ports[index]
        return self._spawn(
            f"web-{index}",
            local_command(
                with_option(
                    with_option(unit_command(WEB_UNIT), "--bind", f"127.0.0.1:{port}"),
                    "--workers",
                    str(self.web_processes),
                )
            ),
        )

    def kill_web(self, index: int) -> None:
        """SIGKILL to the instance (master and its workers: the whole process group)."""
        self._stop_process(f"web-{index}", signal.SIGKILL)

    def stop_web(self, index: int) -> None:
        self._stop_process(f"web-{index}", signal.SIGTERM)

    def start_worker(self, index: int) -> subprocess.Popen:
        return self._spawn(
            f"worker-{index}",
            local_command(unit_command(WORKER_UNIT)),
        )

    def kill_worker(self, index: int) -> None:
        """SIGKILL to the worker: it ends wherever it is, mid-job included."""
        self._stop_process(f"worker-{index}", signal.SIGKILL)

    def stop_worker(self, index: int) -> None:
        """SIGTERM: the worker finishes its current job and ends."""
        self._stop_process(f"worker-{index}", signal.SIGTERM, timeout=60)

    def running(self, name: str) -> bool:
        process = self.processes.get(name)
        return process is not None and process.poll() is None

    def log(self, name: str) -> str:
        path = self.dir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def logs(self) -> str:
        """Every process's log, last 4000 characters each (for assertion messages)."""
        return "\n".join(
            f"--- {path.stem}\n{path.read_text(errors='replace')[-4000:]}"
            for path in sorted(self.dir.glob("*.log"))
        )

    # --- HTTP -----------------------------------------------------------------------------
    def get(self, index: int, path: str, timeout: float = 10) -> tuple[int, str]:
        """GET on web instance ``index``: (status, body); (0, reason) when it does not answer."""
        try:
            with urllib.request.urlopen(self.web_urls[index] + path, timeout=timeout) as response:  # noqa: S310 - loopback
                return response.status, response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")
        except (OSError, urllib.error.URLError) as error:
            return 0, str(error)

    def wait_web_ready(self, index: int, timeout: float = 60) -> None:
        if not wait_for(
            lambda: self.get(index, "/healthz", timeout=3)[0] == 200, timeout=timeout, every=0.2
        ):
            raise RuntimeError(
                f"web-{index} did not answer /healthz with 200:\n"
                + self.log(f"web-{index}")[-4000:]
            )
