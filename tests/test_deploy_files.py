"""The deployment descriptions say the same thing: the systemd units in deploy/, the
docker-compose.yml and the Dockerfile start the web server and the worker with the same
commands, and the production-topology tests (tests/production) start them from the units."""

from __future__ import annotations

import shlex
from pathlib import Path

import yaml

from tests.support.deploy import WEB_UNIT, WORKER_UNIT, unit_command

BASE_DIR = Path(__file__).resolve().parent.parent


def without_bind(words: list[str]) -> list[str]:
    out, skip = [], False
    for word in words:
        if skip:
            skip = False
            continue
        if word == "--bind":
            skip = True
            continue
        out.append(word)
    return out


def test_compose_and_the_units_run_the_same_commands():
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())["services"]
    web_unit = unit_command(WEB_UNIT)
    worker_unit = unit_command(WORKER_UNIT)
    assert web_unit[:2] == ["gunicorn", "config.wsgi"]
    assert without_bind(shlex.split(compose["web"]["command"])) == without_bind(web_unit)
    assert shlex.split(compose["worker"]["command"]) == worker_unit
    assert worker_unit == ["python", "manage.py", "procrastinate", "worker"]
    assert compose["worker"]["deploy"]["replicas"] >= 2, "two workers, as tested"
    # the image's default command is the web server's
    cmd = next(
        line
        for line in (BASE_DIR / "Dockerfile").read_text().splitlines()
        if line.startswith("CMD")
    )
    assert without_bind(yaml.safe_load(cmd[3:].strip())) == without_bind(web_unit)
    # every service reaches the database the same way
    for name in ("migrate", "init_city", "web", "worker"):
        assert compose[name]["environment"]["DATABASE_URL"].startswith("postgres://ulm:")
    assert "init_city" in compose["init_city"]["command"]
