"""Backup and restore as an operator runs them: ``python manage.py backup DIR`` and
``python manage.py restore DIR [--force]`` as subprocesses against the test database and a
MEDIA_ROOT of the test's own; what is compared is what a user would notice afterwards (ticket
counts, the attachments byte for byte, the work list and the ticket page)."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from helpdesk.models import FollowUpAttachment, Ticket

from tests.support.demo import forget_caches
from tests.support.html import visible_text
from tests.support.processes import BASE_DIR, project_env
from ulm_servicepoint import services
from ulm_servicepoint.backup import BackupError, find_tool
from ulm_servicepoint.models import RequestType

pytestmark = pytest.mark.django_db(transaction=True)

FOUND = {"verloren_gefunden": "Gefunden", "gegenstand": "Brille", "datum": "2026-11-20"}


def pdf(text: str) -> bytes:
    return f"%PDF-1.4\n% {text}\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n".encode()


def manage(*args: str, media: Path, timeout: float = 300, **env: str):
    connection.close()  # the restore replaces tables; hold no connection (or lock) meanwhile
    return subprocess.run(
        [sys.executable, str(BASE_DIR / "manage.py"), *args],
        cwd=BASE_DIR,
        env={**project_env(MEDIA_ROOT=str(media)), **env},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def one_sentence(result) -> str:
    """An operator's error: non-zero exit, no traceback, one line on stderr."""
    assert result.returncode != 0, result.stdout
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def city(media, django_user_model, sequences_past_the_rows):
    """The demo city plus letters whose scans are attachments, all committed."""
    services.load_demo_data()
    agent = django_user_model.objects.get(username="anna.agentin")
    for number in range(3):
        services.capture_request(
            RequestType.objects.get(slug="fundsache"),
            FOUND,
            channel="letter",
            captured_by=agent,
            scan=SimpleUploadedFile(
                f"brief-{number}.pdf", pdf(f"Brief {number}"), "application/pdf"
            ),
        )
    yield agent
    forget_caches()


def attachments(media: Path) -> dict[str, str]:
    """Every attachment row → SHA-256 of the file it points to (or 'missing')."""
    found = {}
    for attachment in FollowUpAttachment.objects.order_by("pk"):
        path = media / attachment.file.name
        found[attachment.file.name] = (
            hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "missing"
        )
    return found


AGO = re.compile(
    r"\bvor ((\d+|einer?)\s+(Sekunden?|Minuten?|Stunden?)(,\s*)?)+|\bgerade eben\b|\bjetzt\b"
)


def pages(client, agent) -> dict[str, str]:
    """What the agent sees: the work list and the page of every ticket with an attachment,
    and each attachment as downloaded."""
    client.force_login(agent)
    seen = {}
    urls = [reverse("ulm_servicepoint:worklist")]
    for ticket in Ticket.objects.filter(followup__followupattachment__isnull=False).distinct():
        urls.append(reverse("helpdesk:view", args=[ticket.pk]))
    for attachment in FollowUpAttachment.objects.all():
        urls.append(attachment.file.url)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        if "text/html" in response.get("Content-Type", ""):
            # "vor 42 Sekunden" grows while the test runs; everything else must stay
            seen[url] = AGO.sub("vor …", visible_text(response))
        else:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seen[url] = hashlib.sha256(body).hexdigest()
    client.logout()
    return seen


def state(client, agent, media: Path) -> dict:
    forget_caches()
    return {
        "tickets": Ticket.objects.count(),
        "attachments": attachments(media),
        "pages": pages(client, agent),
    }


def assert_same(after: dict, before: dict) -> None:
    assert after["tickets"] == before["tickets"]
    assert after["attachments"] == before["attachments"]
    assert after["pages"].keys() == before["pages"].keys()
    for url, text in before["pages"].items():
        if after["pages"][url] != text:
            words = difflib.ndiff(text.split(), after["pages"][url].split())
            changed = [w for w in words if w[:1] in "+-?"]
            changed = [
                " ".join(after["pages"][url].split()[max(0, i - 6) : i + 3])
                for i, (a, b) in enumerate(
                    zip(after["pages"][url].split(), text.split(), strict=False)
                )
                if a != b
            ] or changed
            raise AssertionError(f"{url} differs after the restore: {changed[:20]}")


def test_round_trip_restores_tickets_attachments_and_pages(city, media, client, tmp_path):
    before = state(client, city, media)
    assert len(before["attachments"]) == 3
    assert "missing" not in before["attachments"].values()

    made = manage("backup", str(tmp_path / "backup"), media=media)
    assert made.returncode == 0, made.stderr
    assert f"{before['tickets']} tickets, 3 files" in made.stdout
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert manifest["counts"]["tickets"] == before["tickets"]
    assert manifest["missing_files"] == []
    assert {e["sha256"] for e in manifest["files"] if e["path"].startswith("files/")} == set(
        before["attachments"].values()
    )
    # coreutils can check it, too
    checked = subprocess.run(
        ["sha256sum", "--check", "--quiet", "SHA256SUMS"],
        cwd=tmp_path / "backup",
        capture_output=True,
        check=False,
    )
    assert checked.returncode == 0

    # the office goes on: a new letter; then the data is lost (files gone)
    services.capture_request(
        RequestType.objects.get(slug="fundsache"),
        FOUND,
        channel="letter",
        captured_by=city,
        scan=SimpleUploadedFile("spaeter.pdf", pdf("später"), "application/pdf"),
    )
    shutil.rmtree(media)

    refused = manage("restore", str(tmp_path / "backup"), media=media)
    assert "not empty" in one_sentence(refused)
    assert "--force" in refused.stderr
    assert Ticket.objects.count() == before["tickets"] + 1, "a refused restore changes nothing"

    forced = manage("restore", str(tmp_path / "backup"), "--force", media=media)
    assert forced.returncode == 0, forced.stderr
    assert "migrate" not in forced.stdout
    assert_same(state(client, city, media), before)

    # a new server: an empty database and an empty MEDIA_ROOT; no --force needed. On the
    # embedded PostgreSQL this goes the way of an installation without DATABASE_URL (the
    # tools run as the server's system user when we are root)
    wiped = manage("flush", "--no-input", media=media)
    assert wiped.returncode == 0, wiped.stderr
    shutil.rmtree(media)
    assert Ticket.objects.count() == 0
    embedded = {}
    if connection.settings_dict["ENGINE"] == "config.db":
        embedded = {"DATABASE_URL": "", "ULM_DB_NAME": connection.settings_dict["NAME"]}
    again = manage("restore", str(tmp_path / "backup"), media=media, **embedded)
    assert again.returncode == 0, again.stderr
    assert_same(state(client, city, media), before)


def damage_attachment(backup: Path) -> str:
    victim = next(p for p in (backup / "files").rglob("*") if p.is_file())
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    return victim.name


def truncate_dump(backup: Path) -> str:
    dump = backup / "database.dump"
    dump.write_bytes(dump.read_bytes()[:-100])
    return "database.dump"


def remove_manifest(backup: Path) -> str:
    (backup / "manifest.json").unlink()
    return "manifest.json"


def edit_manifest(backup: Path) -> str:
    path = backup / "manifest.json"
    path.write_text(path.read_text().replace('"tickets": ', '"tickets": 1'))
    return "manifest.json"


def garble_manifest(backup: Path) -> str:
    (backup / "manifest.json").write_text("{ not json")
    # and its checksum made to fit: the manifest itself is unreadable
    sums = backup / "SHA256SUMS"
    digest = hashlib.sha256(b"{ not json").hexdigest()
    sums.write_text(
        "".join(
            f"{digest}  manifest.json\n" if line.endswith("manifest.json") else line + "\n"
            for line in sums.read_text().splitlines()
        )
    )
    return "manifest.json"


def test_a_damaged_backup_is_refused_naming_the_file(city, media, tmp_path):
    made = manage("backup", str(tmp_path / "backup"), media=media)
    assert made.returncode == 0, made.stderr
    services.capture_request(
        RequestType.objects.get(slug="fundsache"), FOUND, channel="letter", captured_by=city,
        scan=SimpleUploadedFile("neu.pdf", pdf("neu"), "application/pdf"),
    )  # fmt: skip
    tickets = Ticket.objects.count()
    for damage in (
        damage_attachment,
        truncate_dump,
        remove_manifest,
        edit_manifest,
        garble_manifest,
    ):
        copy = tmp_path / damage.__name__
        shutil.copytree(tmp_path / "backup", copy)
        named = damage(copy)
        refused = manage("restore", str(copy), "--force", media=media)
        sentence = one_sentence(refused)
        assert named in sentence, (damage.__name__, sentence)
        assert Ticket.objects.count() == tickets, "nothing was restored"


def test_a_backup_of_newer_code_is_refused_and_an_older_one_asks_for_migrate(city, media, tmp_path):
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="ulm_servicepoint").order_by("-id").first()
    future = recorder.migration_qs.create(app="ulm_servicepoint", name="9999_from_the_future")
    newer = manage("backup", str(tmp_path / "newer"), media=media)
    assert newer.returncode == 0, newer.stderr
    future.delete()
    latest.delete()
    older = manage("backup", str(tmp_path / "older"), media=media)
    try:
        assert older.returncode == 0, older.stderr
        refused = manage("restore", str(tmp_path / "newer"), "--force", media=media)
        assert "ulm_servicepoint.9999_from_the_future" in one_sentence(refused)

        restored = manage("restore", str(tmp_path / "older"), "--force", media=media)
        assert restored.returncode == 0, restored.stderr
        assert "run `manage.py migrate`" in restored.stdout
        assert f"ulm_servicepoint.{latest.name}" in restored.stdout
    finally:
        connection.close()
        recorder.record_applied("ulm_servicepoint", latest.name)


WRITER = """
import itertools, pathlib, sys
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from ulm_servicepoint import services
from ulm_servicepoint.models import RequestType
stop = pathlib.Path(sys.argv[-1])
agent = get_user_model().objects.get(username="anna.agentin")
kind = RequestType.objects.get(slug="fundsache")
values = {"verloren_gefunden": "Gefunden", "gegenstand": "Schirm", "datum": "2026-11-21"}
for n in itertools.count():
    if stop.exists():
        break
    scan = SimpleUploadedFile(f"laufend-{n}.pdf", b"%PDF-1.4 " + str(n).encode() * 2000,
                              "application/pdf")
    services.capture_request(kind, values, channel="letter", captured_by=agent, scan=scan)
"""


def attachment_rows_in_dump(backup: Path, manifest: dict) -> list[str]:
    """The file column of every attachment row pg_dump wrote (read back with pg_restore)."""
    tool = find_tool("pg_restore", manifest["database"]["pg_dump_major"])
    out = subprocess.run(
        [
            tool.path,
            "--data-only",
            "--table=helpdesk_followupattachment",
            "--file=-",
            str(backup / "database.dump"),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("COPY "))
    columns = lines[start].split("(", 1)[1].split(")", 1)[0].split(", ")
    rows = []
    for line in lines[start + 1 :]:
        if line == "\\.":
            break
        rows.append(line.split("\t")[columns.index("file")])
    return rows


def test_a_backup_taken_while_letters_arrive_is_consistent(city, media, tmp_path):
    stop = tmp_path / "stop"
    connection.close()
    writer = subprocess.Popen(
        [
            sys.executable,
            str(BASE_DIR / "manage.py"),
            "shell",
            "-c",
            WRITER.replace("sys.argv[-1]", repr(str(stop))),
        ],
        cwd=BASE_DIR,
        env=project_env(MEDIA_ROOT=str(media)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        start = FollowUpAttachment.objects.count()
        deadline = time.monotonic() + 60
        while FollowUpAttachment.objects.count() < start + 5:
            assert writer.poll() is None, writer.stdout.read() if writer.stdout else ""
            assert time.monotonic() < deadline, "the writer wrote nothing"
            time.sleep(0.2)
        made = manage("backup", str(tmp_path / "backup"), media=media)
        during = FollowUpAttachment.objects.count()
        while FollowUpAttachment.objects.count() < during + 3:
            assert writer.poll() is None
            time.sleep(0.2)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert made.returncode == 0, made.stderr
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    rows = attachment_rows_in_dump(tmp_path / "backup", manifest)
    # the dump caught the writes in the middle ...
    assert start + 5 <= len(rows) < FollowUpAttachment.objects.count()
    # ... every row in it has its file in the backup, byte for byte ...
    listed = {e["path"].removeprefix("files/"): e["sha256"] for e in manifest["files"]}
    assert manifest["missing_files"] == []
    for name in rows:
        assert name in listed, name
        assert listed[name] == hashlib.sha256((media / name).read_bytes()).hexdigest()
    # ... and the manifest's counts are those of the dump's snapshot
    assert manifest["counts"]["files"] == len(rows)
    restored = manage("restore", str(tmp_path / "backup"), "--force", media=media)
    assert restored.returncode == 0, restored.stderr
    assert Ticket.objects.count() == manifest["counts"]["tickets"]
    assert "missing" not in attachments(media).values()


def test_unreachable_database_and_missing_tools_are_one_sentence(media, tmp_path):
    made = manage(
        "backup",
        str(tmp_path / "backup"),
        media=media,
        DATABASE_URL="postgres://ulm:falsch@127.0.0.1:9/ulm",
    )
    assert "database" in one_sentence(made).lower()
    assert not (tmp_path / "backup").exists()
    missing = manage("restore", str(tmp_path / "nowhere"), media=media)
    assert "not a directory with a backup" in one_sentence(missing)
    with pytest.raises(BackupError, match=r"No pg_dump of PostgreSQL 99 or newer"):
        find_tool("pg_dump", 99)


def test_backup_refuses_a_directory_that_is_not_empty(media, tmp_path):
    target = tmp_path / "backup"
    target.mkdir()
    (target / "old").write_text("x")
    made = manage("backup", str(target), media=media)
    assert "not empty" in one_sentence(made)
    assert (target / "old").read_text() == "x"
