"""Reading gettext catalogues: which English source texts exist, and which German has for them."""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import helpdesk

BASE_DIR = Path(__file__).resolve().parents[2]
HOST_PO = Path(helpdesk.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.po"


def catalogue_files() -> list[Path]:
    return [
        HOST_PO,
        BASE_DIR / "locale" / "de" / "LC_MESSAGES" / "django.po",
        *sorted((BASE_DIR / "addons").glob("*/locale/de/LC_MESSAGES/django.po")),
    ]


def msgids(path: Path) -> list[str]:
    """The msgids (singular) of a .po file, in order."""
    found: list[str] = []
    current: list[str] | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current = [line[6:]]
        elif line.startswith('"') and current is not None:
            current.append(line)
        else:
            if current is not None:
                text = "".join(ast.literal_eval(part) for part in current)
                if text:
                    found.append(text)
            current = None
    return found


@cache
def english_source_texts() -> frozenset[str]:
    texts: set[str] = set()
    for path in catalogue_files():
        texts.update(msgids(path))
    return frozenset(texts)


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?.*?\}?\}|<[^>]+>")


def detectable(text: str) -> bool:
    """Texts we can look for verbatim on a page: no placeholders or markup, some letters."""
    return not PLACEHOLDER.search(text) and len(re.findall(r"[A-Za-z]", text)) >= 3
