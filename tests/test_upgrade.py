"""Upgrading from the previous release: its code fills a database with its data (the whole demo
city: tickets, cases, citizens, handoffs, knowledge, key figures, audit log), then today's
migrations run over it. Nothing may be lost and the pages must work afterwards.

The release is a git tag (RELEASES, newest last); a clone without tags finds it by its commit.
When a release is cut, add its tag here: the test then upgrades from it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import tempfile
import textwrap
from io import BytesIO
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent
# (tag, commit): the release the next upgrade starts from
RELEASES = [("v0.15", "57dd16f8e8442ec13e5bdfa142f4575ed09bc3d4")]
DEMO_LOADERS = ["load_demo", "load_demo_knowledge", "load_demo_routing", "load_demo_kpi"]
# what must survive the upgrade, row for row
COUNTED = [
    "helpdesk.Ticket",
    "helpdesk.FollowUp",
    "helpdesk.Queue",
    "auth.User",
    "auth.Group",
    "ulm_servicepoint.CaseRecord",
    "ulm_servicepoint.Citizen",
    "ulm_servicepoint.RequestType",
    "ulm_routing.Handoff",
    "ulm_routing.Callback",
    "ulm_knowledge.Service",
    "ulm_knowledge.Answer",
    "ulm_knowledge.AnswerUse",
    "ulm_channels.CitizenLink",
    "ulm_privacy.AuditEvent",
]
COUNTS = textwrap.dedent(
    """
    from django.apps import apps
    for label in LABELS:
        print(label, apps.get_model(label)._base_manager.count())
    """
)
PAGES = textwrap.dedent(
    """
    import json, sys
    from django.contrib.auth import get_user_model
    from django.test import Client
    from helpdesk.models import Ticket
    agent = Client()
    agent.force_login(get_user_model().objects.get(username="anna.agentin"))
    lead = Client()
    lead.force_login(get_user_model().objects.get(username="lena.leitung"))
    ticket = Ticket.objects.order_by("id").first()
    pages = {
        "/kontakt/": Client(),
        "/helpdesk/arbeitsliste/": agent,
        f"/helpdesk/tickets/{ticket.id}/": agent,
        "/helpdesk/erfassen/": agent,
        "/helpdesk/kennzahlen/": lead,
    }
    result = {}
    for path, client in pages.items():
        response = client.get(path, follow=True)
        result[path] = [response.status_code, ticket.title in response.content.decode()]
    print(json.dumps(result))
    """
)


def git(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=BASE_DIR, capture_output=True, check=False)


def release_source(target: Path) -> str:
    """The previous release's files in ``target``; returns its name."""
    tag, commit = RELEASES[-1]
    for ref in (f"{tag}^{{commit}}", commit):
        archive = git("archive", "--format=tar", ref)
        if archive.returncode == 0:
            with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
                tar.extractall(target, filter="data")
            return tag
    pytest.fail(
        f"Release {tag} ({commit}) is not in this clone; fetch the tags "
        "(git fetch --tags) or clone without --depth."
    )


def manage(code: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=code,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, (
        f"{code.name}: manage.py {' '.join(args)}\n{result.stderr[-3000:]}"
    )
    return result.stdout


def counts(code: Path, env: dict[str, str]) -> dict[str, int]:
    script = COUNTS.replace("LABELS", repr(COUNTED))
    out = manage(code, env, "shell", "-c", script)
    rows = [line.split() for line in out.splitlines()]
    return {row[0]: int(row[1]) for row in rows if len(row) == 2 and row[0] in COUNTED}


@pytest.mark.timeout(1200)
def test_upgrade_from_the_previous_release_keeps_every_row_and_the_pages_work():
    database = f"ulm_upgrade_{os.getpid()}"
    with tempfile.TemporaryDirectory(prefix="ulm-release-") as tmp:
        old = Path(tmp) / "release"
        release = release_source(old)
        env = {
            **os.environ,
            "ULM_DB_NAME": database,
            "ULM_PG_DIR": os.environ.get("ULM_PG_DIR", str(BASE_DIR / "var" / "pg")),
            "ULM_VAR_DIR": str(Path(tmp) / "var"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": "upgrade-test-only",
            "SECURE_SSL_REDIRECT": "false",
            "ALLOWED_HOSTS": "testserver",  # the pages are asked with Django's test client
        }
        env.pop("DATABASE_URL", None)
        try:
            upgrade(old, env, release)
        finally:
            from config import embedded_pg

            embedded_pg.drop_database(database)


def upgrade(old: Path, env: dict[str, str], release: str) -> None:
    # the release, with its own code, migrates and fills the database
    manage(old, env, "migrate", "--no-input", "-v", "0")
    for loader in DEMO_LOADERS:
        manage(old, env, loader)
    manage(old, env, "load_demo_privacy")
    before = counts(old, env)
    assert before["helpdesk.Ticket"] > 10, before
    assert before["ulm_routing.Handoff"] > 0, before

    # today's code takes over the same database
    plan = manage(BASE_DIR, env, "showmigrations", "--plan")
    pending = [line for line in plan.splitlines() if line.startswith("[ ]")]
    manage(BASE_DIR, env, "migrate", "--no-input", "-v", "0")
    after = counts(BASE_DIR, env)
    for table, number in before.items():
        assert after[table] >= number, f"{table}: {number} rows in {release}, {after[table]} after"
    assert after["helpdesk.Ticket"] == before["helpdesk.Ticket"]
    assert after["helpdesk.FollowUp"] == before["helpdesk.FollowUp"]
    assert "[ ]" not in manage(BASE_DIR, env, "showmigrations", "--plan")
    pages = json.loads(manage(BASE_DIR, env, "shell", "-c", PAGES).splitlines()[-1])
    for path, (status, _shows_ticket) in pages.items():
        assert status == 200, f"{path}: {status} after upgrading from {release}"
    ticket_page = next(v for k, v in pages.items() if "/tickets/" in k)
    assert ticket_page[1], "the oldest ticket is shown with its title after the upgrade"
    print(f"upgraded from {release}: {len(pending)} migrations applied")
