"""The shipped default synonym list (``data/synonyms_de.txt``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parent / "data" / "synonyms_de.txt"


def parse_synonyms(text: str) -> list[tuple[str, str]]:
    """``TERM = MEANING`` lines; blank lines and ``#`` comments are skipped."""
    pairs = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        term, sep, expansion = line.partition("=")
        if not sep or not term.strip() or not expansion.strip():
            raise ValueError(f"line {number}: expected 'TERM = MEANING', got {raw!r}")
        pairs.append((term.strip(), expansion.strip()))
    return pairs


def default_synonyms() -> list[tuple[str, str]]:
    return parse_synonyms(DEFAULT_FILE.read_text(encoding="utf-8"))


def add_missing(model: Any) -> None:
    """Adds the shipped lines whose term ``model`` (``Synonym``, or a migration's historical
    model of it) lacks; existing rows, possibly edited in the admin, stay as they are."""
    rows = [model(term=term, expansion=expansion) for term, expansion in default_synonyms()]
    model.objects.bulk_create(rows, ignore_conflicts=True)
