"""What the benchmarks that run a live server share: the environment of a bench database on the
embedded PostgreSQL, migrating it and loading the demo city, and waiting for ``/healthz``."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import requests

BASE_DIR = Path(__file__).resolve().parent.parent
MANAGE = [sys.executable, str(BASE_DIR / "manage.py")]


def demo_env(port: int, db_name: str, **extra: str) -> dict[str, str]:
    """Settings of a server on 127.0.0.1:``port`` over its own database ``db_name``."""
    return dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="config.settings",
        ULM_DB_NAME=db_name,
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="false",
        SECURE_COOKIES="false",
        SITE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
        **extra,
    )


def prepare_demo(env: dict[str, str], *commands: str) -> None:
    """Migrates the database, collects the static files and loads the demo city, then runs
    ``commands`` (e.g. ``load_demo_knowledge``); each loads once, so a second run keeps what is
    there."""
    subprocess.run([*MANAGE, "migrate", "-v", "0"], cwd=BASE_DIR, env=env, check=True)
    # the server serves the static files of this checkout, not those of an older setup
    subprocess.run(
        [*MANAGE, "collectstatic", "--no-input", "-v", "0"], cwd=BASE_DIR, env=env, check=True
    )
    for command in ("load_demo", *commands):
        subprocess.run([*MANAGE, command], cwd=BASE_DIR, env=env, check=True, capture_output=True)


def start_gunicorn(env: dict[str, str], port: int, workers: int | str) -> subprocess.Popen:
    """The project's WSGI app under gunicorn on 127.0.0.1:``port``."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
        ],
        cwd=BASE_DIR,
        env=env,
    )


def wait_healthy(base: str, seconds: float = 60) -> None:
    """Until ``base``/healthz answers 200 (or ``seconds`` passed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
