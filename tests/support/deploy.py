"""The commands of the systemd units in deploy/: the production-topology harness starts the web
server and the worker with them, and tests/test_deploy_files.py holds compose to them."""

from __future__ import annotations

import configparser
import shlex
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DEPLOY = BASE_DIR / "deploy"
WEB_UNIT = "ulm-servicepoint-web.service"
WORKER_UNIT = "ulm-servicepoint-worker@.service"


def unit_command(unit: str) -> list[str]:
    """The unit's ExecStart, its program by name (/opt/…/.venv/bin/gunicorn → gunicorn)."""
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(DEPLOY / unit)
    words = shlex.split(parser["Service"]["ExecStart"])
    return [Path(words[0]).name, *words[1:]]


def with_option(words: list[str], option: str, value: str) -> list[str]:
    """``words`` with ``option``'s value replaced (e.g. --bind, --workers)."""
    out = list(words)
    out[out.index(option) + 1] = value
    return out


def local_command(words: list[str]) -> list[str]:
    """A unit's command run from this checkout with this interpreter."""
    if words[0] == "gunicorn":
        return [sys.executable, "-m", "gunicorn", *words[1:]]
    if words[:2] == ["python", "manage.py"]:
        return [sys.executable, str(BASE_DIR / "manage.py"), *words[2:]]
    raise ValueError(f"unexpected command in a unit: {words}")
