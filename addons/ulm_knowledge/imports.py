"""Importing a catalogue file (DLDB JSON, XZuFi; read by ``importers`` and ``xzufi``) into our
services: idempotent by content hash, a new version per change, retired instead of deleted,
malformed items named and skipped."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from helpdesk.models import Queue

from ulm_knowledge.importers import (
    ImportFileError,
    Malformed,
    ServiceData,
    read_dldb,
    read_dldb_locations,
)
from ulm_knowledge.items import compose_answer, sync_kbitem
from ulm_knowledge.lifecycle import retire_item
from ulm_knowledge.models import Service, Status
from ulm_knowledge.request_type_links import link_request_types
from ulm_knowledge.search.index import reindex
from ulm_knowledge.service_pages import assign_slug
from ulm_knowledge.versions import SERVICE_FIELDS, hash_content, save_version


@dataclass
class ImportSummary:
    """What an import did."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    linked: int = 0  # new links between services and request types (by LeiKa key)
    malformed: list[Malformed] = field(default_factory=list)
    seconds: float = 0.0


def _upsert_service(data: ServiceData, department: Queue | None, status: str) -> str:
    """Creates or updates one service; a change makes a new version. Returns what happened."""
    content = {name: getattr(data, name) for name in SERVICE_FIELDS}
    digest = hash_content(content)
    service = Service.objects.select_related("kbitem").filter(external_id=data.external_id).first()
    if service is not None and service.content_hash == digest:
        return "unchanged"
    created = service is None
    if service is None:
        service = Service(external_id=data.external_id, status=status, department=department)
    else:
        service.version += 1
    for name, value in content.items():
        setattr(service, name, value)
    service.content_hash = digest
    assign_slug(service)
    service.kbitem = sync_kbitem(
        None if created else service.kbitem,
        service.name,
        service.short_text,
        compose_answer(service),
        enabled=service.status == Status.PUBLISHED,
    )
    service.save()
    save_version(service, None, "Import" if created else "Import: geändert")
    return "created" if created else "updated"


def import_services(
    path: str | Path,
    fmt: str = "dldb",
    *,
    locations: str | Path | None = None,
    department: Queue | None = None,
    status: str = Status.PUBLISHED,
    progress: Callable[[int, int], None] | None = None,
) -> ImportSummary:
    """Imports a service file. Idempotent: an unchanged item is left alone, a changed one is
    updated with a new version, nothing is duplicated. Malformed items are named and skipped;
    each item is stored whole or not at all."""
    started = time.monotonic()
    deleted: list[str] = []
    if fmt == "dldb":
        points = read_dldb_locations(Path(locations)) if locations else None
        total, items = read_dldb(Path(path), points)
    elif fmt == "xzufi":
        from ulm_knowledge.xzufi import read_xzufi

        total, items, deleted = read_xzufi(Path(path))
    else:
        raise ImportFileError(f"unbekanntes Format {fmt!r}")
    summary = ImportSummary(total=total)
    for done, item in enumerate(items, 1):
        if isinstance(item, Malformed):
            summary.malformed.append(item)
        else:
            try:
                with transaction.atomic():
                    outcome = _upsert_service(item, department, status)
            except Exception as exc:  # a database refusal: name the item, keep going
                summary.malformed.append(Malformed(item.external_id, str(exc).strip()))
            else:
                setattr(summary, outcome, getattr(summary, outcome) + 1)
        if progress:
            progress(done, total)
    for gone in Service.objects.filter(external_id__in=deleted).exclude(status=Status.RETIRED):
        retire_item(gone)  # "loesche": retired, never deleted (tickets may point to it)
        summary.retired += 1
    if summary.created or summary.updated or summary.retired:
        reindex()
    summary.linked = link_request_types()
    summary.seconds = time.monotonic() - started
    return summary
