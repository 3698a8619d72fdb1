"""``make run``: the demo installation on http://127.0.0.1:8000 with a worker, in one terminal.

Starts the embedded PostgreSQL (unless DATABASE_URL is set), loads the demo data once, runs
gunicorn, the procrastinate worker and — unless EMAIL_HOST is set — a local SMTP catcher that
writes every mail the worker sends to var/mail/*.eml (config/mailcatcher.py), prints the
addresses and demo logins, and on Ctrl-C stops all of it, PostgreSQL included. It runs with
production settings (DEBUG off, a secret key kept in var/), relaxed only for plain http on the
loopback address.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
VAR = Path(os.environ.get("ULM_VAR_DIR", BASE_DIR / "var"))
PIDFILE = VAR / "run.pid"
PYTHON = sys.executable


def fail(sentence: str) -> None:
    print(sentence, file=sys.stderr)
    raise SystemExit(1)


def already_running() -> int | None:
    try:
        pid = int(PIDFILE.read_text().strip())
    except (FileNotFoundError, ValueError):
        return None
    if psutil.pid_exists(pid) and pid != os.getpid():
        try:
            if "config.run" in " ".join(psutil.Process(pid).cmdline()):
                return pid
        except psutil.Error:
            return None
    return None


def port_free(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return False
    return True


def local_environment() -> None:
    """Production settings, with what plain http on 127.0.0.1 needs."""
    VAR.mkdir(exist_ok=True)
    keyfile = VAR / "secret_key"
    if not keyfile.exists():
        keyfile.write_text(secrets.token_urlsafe(50))
        keyfile.chmod(0o600)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", keyfile.read_text().strip())
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("SECURE_HSTS_SECONDS", "0")


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_mail_catcher() -> subprocess.Popen | None:
    """The demo's mail goes to a catcher on loopback, never out: EMAIL_HOST/EMAIL_PORT point
    there for the web server and the worker. Not when EMAIL_HOST is set (a real relay)."""
    if os.environ.get("EMAIL_HOST"):
        return None
    port = free_loopback_port()
    catcher = subprocess.Popen(
        [PYTHON, "-m", "config.mailcatcher", "--port", str(port), "--dir", str(VAR / "mail")],
        cwd=BASE_DIR,
        stdout=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and catcher.poll() is None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        catcher.kill()
        fail("The local mail catcher did not start (config/mailcatcher.py).")
    os.environ["EMAIL_HOST"], os.environ["EMAIL_PORT"] = "127.0.0.1", str(port)
    os.environ["EMAIL_USE_TLS"] = os.environ["EMAIL_USE_SSL"] = "false"
    os.environ["EMAIL_HOST_USER"] = os.environ["EMAIL_HOST_PASSWORD"] = ""
    return catcher


def manage(*args: str) -> None:
    result = subprocess.run([PYTHON, str(BASE_DIR / "manage.py"), *args], cwd=BASE_DIR, check=False)
    if result.returncode != 0:
        raise SystemExit(result.returncode)


def main() -> int:
    host = os.environ.get("HOST", "127.0.0.1")
    port = int(os.environ.get("PORT", "8000"))
    pid = already_running()
    if pid:
        fail(
            f"ulm-servicepoint is already running (PID {pid}) on http://{host}:{port}/ - "
            "use that one, or stop it with Ctrl-C in its terminal first."
        )
    if not port_free(host, port):
        fail(
            f"Port {port} on {host} is in use by another program: stop it, "
            f"or choose another port with `make run PORT={port + 1}`."
        )
    local_environment()
    os.environ.setdefault("SITE_URL", f"http://{host}:{port}")
    PIDFILE.write_text(str(os.getpid()))

    # The database: started here (and held by this process) so that it outlives the children.
    from config.errors import explain_startup_errors

    with explain_startup_errors():
        import django

        django.setup()
        from django.db import connection

        connection.ensure_connection()
        connection.close()
    manage("load_demo")
    manage("load_demo_knowledge")
    manage("load_demo_routing")
    manage("load_demo_kpi")
    manage("load_demo_privacy")

    catcher = start_mail_catcher()
    children = [
        subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "config.wsgi",
                "--bind",
                f"{host}:{port}",
                "--workers",
                os.environ.get("WEB_CONCURRENCY", "3"),
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
        ),
        subprocess.Popen(
            [PYTHON, str(BASE_DIR / "manage.py"), "procrastinate", "worker"], cwd=BASE_DIR
        ),
        *([catcher] if catcher else []),
    ]
    from ulm_servicepoint.services import DEMO_LOGINS

    url = f"http://{host}:{port}"
    print(
        f"\nulm-servicepoint runs on {url}/\n"
        f"  Citizens (public form):  {url}/kontakt/\n"
        f"  Agents (login):          {url}/helpdesk/login/\n"
        f"  Administration:          {url}/admin/\n"
        f"  Health:                  {url}/healthz\n"
        f"  Mail sent (the outbox):  {url}/admin/ulm_channels/outboundmail/\n"
        + (
            f"  Mail is caught, not sent: each one as a file in {VAR / 'mail'}/ "
            f"(SMTP catcher on {os.environ['EMAIL_HOST']}:{os.environ['EMAIL_PORT']})\n"
            if catcher
            else f"  Mail goes to {os.environ['EMAIL_HOST']}:{os.environ.get('EMAIL_PORT', 25)}\n"
        )
        + "Demo logins (user / password / role):"
    )
    for login in DEMO_LOGINS:
        print(f"  {login.username:<14} {login.password:<14} {login.role}")
    print("Stop everything with Ctrl-C.\n", flush=True)

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    exit_code = 0
    while not stopping:
        for child in children:
            if child.poll() is not None and not stopping:
                print(
                    f"{child.args[2]} stopped unexpectedly (exit {child.returncode}).",
                    file=sys.stderr,
                )
                stopping, exit_code = True, 1
        time.sleep(0.5)
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
    from config import embedded_pg

    if not os.environ.get("DATABASE_URL"):
        embedded_pg.release()
        print("PostgreSQL stopped." if not embedded_pg.is_running() else "PostgreSQL still in use.")
    PIDFILE.unlink(missing_ok=True)
    print("ulm-servicepoint stopped.")
    return exit_code


if __name__ == "__main__":
    raise SystemExit(main())
