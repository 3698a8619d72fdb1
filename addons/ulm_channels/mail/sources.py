"""Where ``ingest_mail`` reads messages: .eml files, directories (recursive), mbox, Maildir.

Each yields ``(source, raw bytes)`` in the order given, lazily, so that one huge directory is
never held in memory at once."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from pathlib import Path

from ulm_channels.mail import intake


def _is_maildir(path: Path) -> bool:
    return all((path / sub).is_dir() for sub in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        head = handle.read(5)
    if head != b"From ":
        return False
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b"From ")) > 1


def read(path: Path) -> Iterator[tuple[str, bytes]]:
    if path.is_dir():
        if _is_maildir(path):
            box = mailbox.Maildir(str(path), factory=None, create=False)
            for key in sorted(box.keys()):
                yield f"{path}#{key}", box.get_bytes(key)
            return
        for child in sorted(path.iterdir()):
            if child.name.startswith("."):
                continue
            yield from read(child)
        return
    if _is_mbox(path):
        box_ = mailbox.mbox(str(path), factory=None, create=False)
        for index, key in enumerate(box_.keys()):
            yield f"{path}#{index + 1}", box_.get_bytes(key)
        return
    yield str(path), path.read_bytes()


def ingest_paths(paths, on_result=None) -> dict[str, int]:
    """``ingest_mail``: every message in the files, directories, mbox and Maildir given, in
    order; returns the counts per outcome."""
    summary = dict.fromkeys(
        ["messages", "tickets", "followups", "ignored", "quarantined", "duplicates"], 0
    )
    plural = {"ticket": "tickets", "followup": "followups", "duplicate": "duplicates"}
    for path in paths:
        for source, raw in read(Path(path)):
            result = intake.ingest(raw, source)
            summary["messages"] += 1
            summary[plural.get(result.outcome, result.outcome)] += 1
            if on_result is not None:
                on_result(source, result)
    return summary
