"""Readers of standard service data. Each turns a file into ``ServiceData`` records (or a
``Malformed`` naming the item and the fault); ``imports.import_services`` stores them."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ulm_knowledge.text import html_to_text

LEIKA = re.compile(r"^99\d{12}$")


@dataclass
class ServiceData:
    """One service as a reader found it, in the fields of ``models.Service``."""

    external_id: str
    name: str
    leika_keys: list[str] = field(default_factory=list)
    keywords: str = ""
    short_text: str = ""
    full_text: str = ""
    requirements: str = ""
    documents: str = ""
    fees: str = ""
    deadlines: str = ""
    processing_time: str = ""
    procedure: str = ""
    forms: list[dict[str, str]] = field(default_factory=list)
    legal_basis: str = ""
    hints: str = ""
    responsible_office: str = ""
    contact_points: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Malformed:
    """An item that cannot be imported: which one (its position and id, if any) and why."""

    label: str
    reason: str


class ImportFileError(Exception):
    """The file as a whole cannot be read (not JSON, not a DLDB export)."""


def _text(value: Any) -> str:
    if value is None or value is False:
        return ""
    if not isinstance(value, str | int | float):
        raise ValueError(f"Text erwartet, nicht {type(value).__name__}")
    return html_to_text(str(value))


def _lines(entries: Any) -> str:
    """DLDB lists of {name, description, link} as readable lines."""
    if not entries:
        return ""
    if not isinstance(entries, list):
        raise ValueError(f"Liste erwartet, nicht {type(entries).__name__}")
    lines = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise ValueError("Listeneintrag ist kein Objekt")
        name, description = _text(entry.get("name")), _text(entry.get("description"))
        lines.append(f"- {name}: {description}" if description else f"- {name}")
    return "\n".join(lines)


def _links(entries: Any, kind: str) -> list[dict[str, str]]:
    if not entries:
        return []
    if not isinstance(entries, list):
        raise ValueError(f"{kind}: Liste erwartet")
    out = []
    for entry in entries:
        if isinstance(entry, dict) and entry.get("link"):
            out.append({"kind": kind, "title": _text(entry.get("name")), "url": entry["link"]})
    return out


def introduction(full_text: str, limit: int = 300) -> str:
    """The short text of a catalogue without a Kurztext module: the full text's first
    paragraph (cut at a word within ``limit``). The service pages know it by this."""
    first = full_text.split("\n", 1)[0].strip().removeprefix("- ")
    return first if len(first) <= limit else first[: limit - 1].rsplit(" ", 1)[0] + " …"


def _dldb_list(path: Path, what: str) -> list[Any]:
    """The list a DLDB export holds under ``data`` (or is); ImportFileError saying why not."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFileError(f"{path}: ist kein lesbares JSON ({exc})") from None
    items = data.get("data") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ImportFileError(f"{path}: keine Liste von {what} unter 'data'")
    return items


def read_dldb_locations(path: Path) -> dict[str, dict[str, Any]]:
    """Munich's locations file: id → contact point (name, address, phone, e-mail)."""
    points = {}
    for loc in _dldb_list(path, "Standorten"):
        if not isinstance(loc, dict):
            continue  # a stray entry names no location any service could point to
        address = loc.get("address") or {}
        contact = loc.get("contact") or {}
        points[str(loc.get("id"))] = {
            "id": str(loc.get("id")),
            "name": loc.get("displayName") or loc.get("name") or "",
            "organisation": loc.get("organizationUnit") or loc.get("organization") or "",
            "street": " ".join(
                str(p) for p in (address.get("street"), address.get("house_number")) if p
            ),
            "postal_code": address.get("postal_code") or "",
            "city": address.get("city") or "",
            "phone": contact.get("phone") or "",
            "email": contact.get("email") or "",
            "opening_hours": loc.get("opening_hours") or "",
        }
    return points


def read_dldb(
    path: Path, locations: dict[str, dict[str, Any]] | None = None
) -> tuple[int, Iterator[ServiceData | Malformed]]:
    """A DLDB JSON export (Berlin, Munich): the number of items and an iterator over them."""
    items = _dldb_list(path, "Leistungen")
    return len(items), (_dldb_item(i, item, locations or {}) for i, item in enumerate(items, 1))


def _dldb_item(
    position: int, item: Any, locations: dict[str, dict[str, Any]]
) -> ServiceData | Malformed:
    label = f"#{position}"
    if not isinstance(item, dict):
        return Malformed(label, "ist kein JSON-Objekt")
    raw_id = item.get("id")
    if isinstance(raw_id, str | int) and str(raw_id).strip():
        label = f"#{position} (id {raw_id})"
    else:
        return Malformed(label, "hat keine Kennung (id)")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        return Malformed(label, "hat keine Bezeichnung (name)")
    try:
        leika = item.get("leika") or ""
        if not isinstance(leika, str):
            raise ValueError("leika: Text erwartet")
        keys = [k for k in re.split(r"[\s,;]+", leika) if k]
        bad = [k for k in keys if not LEIKA.match(k)]
        if bad:
            raise ValueError(f"leika: kein 14-stelliger LeiKa-Schlüssel: {', '.join(bad)}")
        meta = item.get("meta") or {}
        full_text = _text(item.get("description"))
        forms = _links(item.get("forms"), "form") + _links(item.get("links"), "link")
        online = item.get("onlineprocessing") or {}
        if isinstance(online, dict) and online.get("link"):
            forms.append(
                {"kind": "online", "title": _text(online.get("description")), "url": online["link"]}
            )
        points = []
        for loc in item.get("locations") or []:
            if not isinstance(loc, dict):
                raise ValueError("locations: Eintrag ist kein Objekt")
            loc_id = str(loc.get("location", ""))
            point = dict(locations.get(loc_id) or {"id": loc_id})
            booking = loc.get("appointment") or {}
            if isinstance(booking, dict) and booking.get("allowed") and booking.get("link"):
                point["appointment_url"] = str(booking["link"])  # Munich: booking per place
            points.append(point)
        return ServiceData(
            external_id=f"dldb:{str(raw_id).strip()}",
            name=" ".join(name.split()),
            leika_keys=keys,
            keywords=_text(meta.get("keywords")),
            # a Kurztext (LeiKa module 05), which DLDB exports lack: the project's demo file
            # carries one in ``ulm_short_text``; otherwise the introduction stands in for it
            short_text=_text(item.get("ulm_short_text")) or introduction(full_text),
            full_text=full_text,
            requirements=_lines(item.get("prerequisites")),
            documents=_lines(item.get("requirements")),
            fees=_text(item.get("fees")),
            processing_time=_text(item.get("process_time")),
            forms=forms,
            legal_basis=_lines(item.get("legal")),
            responsible_office=_text(item.get("responsibility")),
            contact_points=points,
        )
    except ValueError as exc:
        return Malformed(label, str(exc))
