"""Versions of an item: its content as stored per version, the content hash that tells a change,
and a readable field-by-field diff between two versions."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth.models import User
from helpdesk.models import KBItem

from ulm_knowledge.importers import ServiceData
from ulm_knowledge.models import Answer, ItemVersion, Service

SERVICE_FIELDS = [f for f in ServiceData.__dataclass_fields__ if f != "external_id"]
ANSWER_FIELDS = ["question", "answer", "phone_text"]


def content_of(item: Service | Answer) -> dict[str, Any]:
    names = SERVICE_FIELDS if isinstance(item, Service) else ANSWER_FIELDS
    return {name: getattr(item, name) for name in names}


def hash_content(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def save_version(item: Service | Answer, author: User | None, note: str) -> None:
    ItemVersion.objects.create(
        kbitem=item.kbitem,
        number=item.version,
        data=content_of(item),
        note=note[:300],
        author=author,
    )


def version_of(kbitem: KBItem, number: int) -> ItemVersion:
    return ItemVersion.objects.get(kbitem=kbitem, number=number)


FIELD_LABELS = {
    "name": "Bezeichnung",
    "leika_keys": "LeiKa-Schlüssel",
    "keywords": "Schlagwörter",
    "short_text": "Kurztext",
    "full_text": "Volltext",
    "requirements": "Voraussetzungen",
    "documents": "Erforderliche Unterlagen",
    "fees": "Kosten",
    "deadlines": "Fristen",
    "processing_time": "Bearbeitungsdauer",
    "procedure": "Verfahrensablauf",
    "forms": "Formulare und Onlinedienste",
    "legal_basis": "Rechtsgrundlagen",
    "hints": "Hinweise",
    "responsible_office": "Zuständige Stelle",
    "contact_points": "Ansprechpunkte",
    "question": "Frage",
    "answer": "Antwort",
    "phone_text": "Kurzfassung fürs Telefon",
}


def version_diff(kbitem: KBItem, old: int, new: int) -> list[tuple[str, list[str]]]:
    """What changed between two versions, field by field, as readable line diffs
    (``-`` removed, ``+`` added)."""
    import difflib

    def as_text(value: Any) -> str:
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, indent=1)

    before, after = version_of(kbitem, old).data, version_of(kbitem, new).data
    changes = []
    for name in after:
        a, b = before.get(name), after.get(name)
        if a == b:
            continue
        lines = [
            line
            for line in difflib.ndiff(as_text(a or "").splitlines(), as_text(b or "").splitlines())
            if line[:1] in "+-"
        ]
        changes.append((FIELD_LABELS.get(name, name), lines))
    return changes
