"""Starting the project's own processes (worker, web server) against the test database."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """DATABASE_URL of the database this test uses (the test database on the same server)."""
    params = connection.get_connection_params()
    host = quote(str(params.get("host") or "localhost"), safe="")
    port = f":{params['port']}" if params.get("port") else ""
    password = f":{quote(params['password'])}" if params.get("password") else ""
    return f"postgres://{params.get('user', 'postgres')}{password}@{host}{port}/{params['dbname']}"


def project_env(**extra: str) -> dict[str, str]:
    # the browser tests relax Django's async guard in this process, never in the project's own
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        DEBUG="false",
        SECRET_KEY=env.get("SECRET_KEY", "test-only-not-secret"),
        SECURE_SSL_REDIRECT="false",
        **extra,
    )
    return env


def start_manage(*args: str, **extra_env: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env=project_env(**extra_env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
